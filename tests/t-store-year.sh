#!/bin/sh
# A year of daily polls of 20 feeds on a simulated clock (store_year.c):
# entries, tombstones and the file stay bounded by keep, keep_max and the
# tombstones' expiry; a feed dropped from the config is emptied.
exec "${top_builddir:-.}/tests/store_year" -t 20 365
