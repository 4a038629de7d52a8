#!/bin/sh
# bench-share.sh: one poll cycle of 10,000 feeds (BENCH_FEEDS) from
# tests/many-feeds-server.py on loopback (no delay, 3 entries a feed),
# by one, two and three `feedmux run` daemons sharing one PostgreSQL
# database (a private cluster, tests/pg-cluster.sh), beside one daemon on
# SQLite, in the same run.  Each set-up gets a fresh database and two
# cycles: "cold" (the daemons start, every feed new: 30,000 entries) and
# "update" (a new entry in every feed, SIGUSR1 to one daemon).  A cycle
# is over when the server has answered every feed and the store holds
# every entry.  Prints its wall time, the daemons' CPU (utime + stime
# from /proc/PID/stat) and PostgreSQL's (its server processes) in ms per
# feed, and the database's size (pg_database_size; the SQLite file and
# its -wal: the -wal file keeps its largest size, as the daemon's
# PASSIVE checkpoints reuse it without truncating; the split is printed
# last).  concurrency = 32 per daemon, per_host = 0 (no limit).
# A fresh PostgreSQL database has no statistics, and the cached plan of
# the cross-feed duplicate lookup then scans every entry until autovacuum
# analyzes it: each set-up first polls 100 other feeds and runs ANALYZE
# (feedmux poll, not measured), for SQLite too.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${FEEDMUX:=$top_srcdir/feedmux}"
if [ -z "${FEEDMUX_TEST_PG:-}" ]; then
	if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
		exec "$top_srcdir/tests/pg-cluster.sh" "$0" "$@"
	fi
	echo "no PostgreSQL server binaries: SQLite alone"
fi
N=${BENCH_FEEDS:-10000}
sqlite_split=
PRE=100
PY=/usr/bin/python3
CHECK="$PY $top_srcdir/tests/share-check.py"
HZ=$(getconf CLK_TCK)
T=$(mktemp -d "${TMPDIR:-/tmp}/feedmux-bench.XXXXXX")
$PY "$top_srcdir/tests/many-feeds-server.py" 0 "$T/req.log" $((N + PRE)) \
    >"$T/port" 2>"$T/server.err" &
srv=$!
pids=
trap 'for p in $pids; do kill $p; done; kill $srv; rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
i=0
until [ -s "$T/port" ]; do
	sleep 0.1; i=$((i + 1)); [ $i -lt 100 ] || { echo "server did not start"; exit 1; }
done
U="http://127.0.0.1:$(cat "$T/port")"
ctl() {
	$PY -c 'import sys, urllib.request
sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1]).read())' "$U/ctl/$1"
}
gen() { ctl state | $PY -c 'import json, sys; print(json.load(sys.stdin)["gen"])'; }
i=0
while [ $i -lt $N ]; do
	printf '[feed "f%d"]\nurl = %s/f/%d\n' $i "$U" $i; i=$((i + 1))
done >"$T/feeds.conf"
while [ $i -lt $((N + PRE)) ]; do
	printf '[feed "f%d"]\nurl = %s/f/%d\n' $i "$U" $i; i=$((i + 1))
done >"$T/pre.conf"

# conf DB K: daemon K's configuration on database DB.
conf() {
	mkdir -p "$T/d$2"
	cat <<EOF
[feedmux]
database = $1
log_level = error
concurrency = 32
per_host = 0
[output]
atom = $T/d$2/atom.xml
EOF
}
# cpu PID...: clock ticks of user and system time of these processes, and
# of their waited-for children.
cpu() {
	for p in "$@"; do
		cut -d' ' -f14-17 "/proc/$p/stat" 2>/dev/null
	done | awk '{ t += $1 + $2 + $3 + $4 } END { print t + 0 }'
}
# pgcpu: the PostgreSQL server's ticks: the postmaster (with the children
# it reaped) and the processes it runs now.
pgcpu() {
	[ -n "${pm:-}" ] || { echo 0; return; }
	kids=$(awk -v pm=$pm '$4 == pm { print $1 }' /proc/[0-9]*/stat 2>/dev/null)
	cpu $pm $kids
}
entries() {	# entries DB: rows in the entries table
	case $1 in
	postgresql:*) psql -tAc "SELECT count(*) FROM entries" "$1" ;;
	*) $PY -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM entries").fetchone()[0])' "$1" ;;
	esac 2>/dev/null
}
dbsize() {	# dbsize DB: bytes
	case $1 in
	postgresql:*) psql -tAc "SELECT pg_database_size(current_database())" "$1" ;;
	*) cat "$1" "$1-wal" 2>/dev/null | wc -c ;;
	esac
}
# cycle_done DB FROM WANT: every feed answered since line FROM, and WANT
# entries stored.
cycle_done() {
	$CHECK have "$T/req.log" "$2" $N && [ "$(entries "$1")" = "$3" ]
}
wait_cycle() {
	w=0
	until cycle_done "$@"; do
		sleep 0.05; w=$((w + 1))
		[ $w -lt 12000 ] || { echo "cycle did not end" >&2; return 1; }
	done
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# row NAME PHASE MS TICKS PGTICKS DB
row() {
	printf '%-14s %-6s %8.2f s %9.3f ms %9.3f ms %8.1f MB\n' "$1" "$2" \
	    "$(echo "$3 / 1000" | bc -l)" \
	    "$(echo "$4 * 1000 / $HZ / $N" | bc -l)" \
	    "$(echo "$5 * 1000 / $HZ / $N" | bc -l)" \
	    "$(echo "$(dbsize "$6") / 1000000" | bc -l)"
}

# setup NAME DB DAEMONS: both cycles, one table row each.
setup() {
	name=$1 db=$2 n=$3
	conf "$db" 0 | cat - "$T/pre.conf" >"$T/pre-$name.conf"
	"$FEEDMUX" -c "$T/pre-$name.conf" poll >/dev/null 2>&1 ||
	    { echo "$name: the first poll failed"; return 1; }
	case $db in postgresql:*) psql -qc ANALYZE "$db" ;; esac
	base=$(entries "$db")
	from=$(wc -l <"$T/req.log")
	c0=$(pgcpu)
	s=$(now_ms)
	pids=
	k=1
	while [ $k -le $n ]; do
		conf "$db" $k | cat - "$T/feeds.conf" >"$T/$name-$k.conf"
		"$FEEDMUX" -c "$T/$name-$k.conf" run 2>>"$T/$name-$k.log" &
		pids="$pids $!"
		k=$((k + 1))
	done
	g=$(gen)
	wait_cycle "$db" $from $((base + N * (3 + g))) || return 1
	e=$(now_ms)
	row "$name" cold $((e - s)) $(cpu $pids) $(($(pgcpu) - c0)) "$db"
	ctl bump >/dev/null
	from=$(wc -l <"$T/req.log")
	d0=$(cpu $pids)
	c0=$(pgcpu)
	s=$(now_ms)
	kill -USR1 $(echo $pids | cut -d' ' -f1)
	wait_cycle "$db" $from $((base + N * (4 + g))) || return 1
	e=$(now_ms)
	row "$name" update $((e - s)) $(($(cpu $pids) - d0)) \
	    $(($(pgcpu) - c0)) "$db"
	case $db in
	postgresql:*) ;;
	*) sqlite_split=$(printf 'sqlite, after the update: %.1f MB file + %.1f MB -wal' \
	    "$(echo "$(wc -c <"$db") / 1000000" | bc -l)" \
	    "$(echo "$(wc -c <"$db-wal") / 1000000" | bc -l)") ;;
	esac
	for p in $pids; do kill $p; wait $p; done
	pids=
}

echo "feeds: $N (3 entries each, then 1 new), concurrency 32 per daemon, per_host 0"
printf '%-14s %-6s %10s %12s %12s %11s\n' set-up cycle wall \
    "cpu/feed" "pg cpu/feed" "db size"
# Each set-up starts from a fresh database: every feed is new to it,
# whatever the generation the last one left.
setup sqlite "$T/db.sqlite" 1
if [ -n "${FEEDMUX_TEST_PG:-}" ]; then
	dir=$(echo "$FEEDMUX_TEST_PG" | sed 's/.*host=\([^&]*\).*/\1/')
	pm=$(head -n 1 "$dir/data/postmaster.pid")
	for n in 1 2 3; do
		psql -qc "CREATE DATABASE share$n" "$FEEDMUX_TEST_PG"
		setup "postgresql-x$n" \
		    "$(echo "$FEEDMUX_TEST_PG" | sed "s|///feedmux|///share$n|")" $n
	done
fi
echo "$sqlite_split"
