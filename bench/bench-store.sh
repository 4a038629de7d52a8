#!/bin/sh
# bench-store.sh: store ingest speed through the poll's own calls
# (store_begin, store_put_entry per entry, store_put_feed, store_commit:
# one transaction per feed), 1,000 feeds, with checkpoints on their own
# thread as the poller has them:
#   1. 100,000 new entries (each feed's first fetch),
#   2. the same 100,000 again, unchanged,
#   3. 100,000 more new entries into feeds that have entries.
# Only the store calls are timed, and a full checkpoint at the end of each
# round; wall time and CPU time (user + system, all threads) are both
# printed, as wall time on a shared machine also measures the neighbours.
# There is no Debian peer for this; the targets (>= 100,000 new
# and >= 300,000 unchanged entries/s) are printed beside.
#
# Then a year of daily polls of 100 feeds on a simulated clock
# (tests/store_year.c, with retention at its defaults): the database's
# size by month, which levels off.
set -e
: "${top_builddir:=.}"
"$top_builddir/bench/store_bench" 100000 1000
echo
"$top_builddir/tests/store_year" 100 365
