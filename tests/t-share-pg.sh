#!/bin/sh
# Several daemons on one PostgreSQL database, as the store sees them
# (tests/test_share.c), on a private cluster started by pg-cluster.sh.
exec "${top_srcdir:-.}/tests/pg-cluster.sh" "${top_builddir:-.}/tests/test_share"
