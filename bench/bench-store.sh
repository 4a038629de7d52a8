#!/bin/sh
# bench-store.sh: store ingest speed, 100,000 new entries then the same
# entries unchanged.  There is no Debian peer for this; the issue's
# targets are printed beside the figures.
set -e
: "${top_builddir:=.}"
"$top_builddir/bench/store_bench" 100000
