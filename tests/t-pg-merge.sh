#!/bin/sh
# The same feeds polled into SQLite and into PostgreSQL give the same
# merged documents and digest, byte for byte: feedmux poll on the loopback
# fixture server (twice: the second answered 304 or unchanged), then
# feedmux merge and feedmux digest.
# Cross-feed duplicates, categories, enclosures and a large feed included.
# Then the one-daemon lock.  Runs itself beside a private cluster
# (tests/pg-cluster.sh).
if [ -z "${FEEDMUX_TEST_PG:-}" ]; then
	exec "${top_srcdir:-.}/tests/pg-cluster.sh" "$0" "$@"
fi
. "$top_srcdir/tests/lib.sh"
start_fixture

conf() {	# conf NAME DATABASE
	mkdir -p "$T/$1"
	cat >"$T/$1.conf" <<EOC
[feedmux]
database = $2
# One fetch at a time, in the same order: entries of one date then come
# in the same order (their ids) on both sides.
concurrency = 1
[output]
atom = $T/$1/atom.xml
rss = $T/$1/rss.xml
json = $T/$1/feed.json
html = $T/$1/index.html
title = Both Planet
link = https://planet.example.org/
entries = 1000
[digest]
dir = $T/$1/digests
[feed "plain"]
url = $U/feed/dup
category = one
[feed "zipped"]
url = $U/gzip/dup
category = two
[feed "json"]
url = $U/jsonfeed/js
[feed "etagless"]
url = $U/noetag/other
[feed "big"]
url = $U/big
[feed "broken"]
url = $U/status/500
EOC
}
# One clock for both sides: a failing feed's "failing since" is in the
# digest, and the two polls may straddle a minute.
poll_now=$(date +%s)
digest_now=$((poll_now + 86400))
conf sqlite "$T/db.sqlite"
conf pg "$FEEDMUX_TEST_PG"

for b in sqlite pg; do
	FEEDMUX_NOW=$poll_now "$FEEDMUX" -c "$T/$b.conf" poll \
	    >"$T/$b.poll1" 2>"$T/$b.err1"
	is $? 0 "$b: first poll (one feed of six fails)"
	FEEDMUX_NOW=$poll_now "$FEEDMUX" -c "$T/$b.conf" poll --all \
	    >"$T/$b.poll2" 2>"$T/$b.err2"
	is $? 0 "$b: second poll, every feed again"
	check "$b: feedmux merge" "$FEEDMUX" -c "$T/$b.conf" merge
	# A digest of what came, made for one slot on both sides.
	check "$b: feedmux digest" env FEEDMUX_NOW=$digest_now \
	    "$FEEDMUX" -c "$T/$b.conf" digest
done
check "the first polls said the same" cmp "$T/sqlite.poll1" "$T/pg.poll1"
check "the second polls said the same" cmp "$T/sqlite.poll2" "$T/pg.poll2"
contains "$T/pg.poll1" "6 of 6 feeds polled: 5 updated (414 new entries)" \
    "first poll on PostgreSQL: 414 entries"
contains "$T/pg.poll2" "6 of 6 feeds polled: 0 updated" \
    "second poll on PostgreSQL: nothing new"
for f in atom.xml rss.xml feed.json index.html; do
	check "$f: identical from both backends" cmp "$T/sqlite/$f" "$T/pg/$f"
done
check "the digests: identical from both backends" \
    diff -r "$T/sqlite/digests" "$T/pg/digests"
is "$(ls "$T/pg/digests" | wc -l)" 2 "one digest, as HTML and text"
n=$(grep -c "<entry>" "$T/pg/atom.xml")
is "$n" 411 "every entry once in the merged Atom (3 + 5 - 3 + 3 + 3 + 400)"
contains "$T/pg/atom.xml" "dup item 4" "an entry of the gzip feed"
"$FEEDMUX" -c "$T/sqlite.conf" status >"$T/sqlite.status"
"$FEEDMUX" -c "$T/pg.conf" status >"$T/pg.status"
is "$(tail -n 1 "$T/pg.status")" "$(tail -n 1 "$T/sqlite.status")" \
    "status totals agree"

# A feed a daemon is fetching shows in status, with the daemon.
psql -qc "UPDATE feeds SET lease_owner = 'box:42.1',"\
" lease_until = $(($(date +%s) + 300)) WHERE name = 'big'" "$FEEDMUX_TEST_PG"
"$FEEDMUX" -c "$T/pg.conf" status >"$T/pg.status2"
grep -q "^big .* polling  *by box:42.1 " "$T/pg.status2"
ok $? "status: a leased feed is being polled, and by whom"
"$FEEDMUX" -c "$T/pg.conf" status --json >"$T/pg.status2.json"
grep -q '"polling_by":"box:42.1"' "$T/pg.status2.json"
ok $? "status --json: polling_by"
psql -qc "UPDATE feeds SET lease_until = 1 WHERE name = 'big'" \
    "$FEEDMUX_TEST_PG"
"$FEEDMUX" -c "$T/pg.conf" status >"$T/pg.status3"
grep -q "polling" "$T/pg.status3"
ok $((!$?)) "not once the lease has run out"

# Daemons share a PostgreSQL database: the one holding the render lock
# writes the outputs; when it dies, even by kill -9, the lock goes with
# its connection and another takes the job over within a tick.
rm -f "$T/pg/atom.xml"
"$FEEDMUX" -v -c "$T/pg.conf" run 2>"$T/run1.err" &
d1=$!
wait_for grep -q "rendering the outputs for every daemon" "$T/run1.err"
ok $? "a daemon on PostgreSQL renders the outputs"
wait_for cmp -s "$T/pg/atom.xml" "$T/sqlite/atom.xml"
ok $? "the same bytes as feedmux merge"
# The second: its own copy of the config, its own (empty) output and
# digest directories, an HTTP endpoint.
port=$(free_port)
mkdir -p "$T/pg2"
sed -e "s|$T/pg/|$T/pg2/|" -e "s|^\[feedmux\]|&\nlisten = 127.0.0.1:$port|" \
    "$T/pg.conf" >"$T/pg2.conf"
"$FEEDMUX" -v -c "$T/pg2.conf" run 2>"$T/run2.err" &
d2=$!
wait_for grep -q "running:" "$T/run2.err"
ok $? "a second daemon runs on the same database"
sleep 5		# two ticks
grep -q "rendering the outputs" "$T/run2.err"
ok $((!$?)) "and leaves the rendering to the first"
[ ! -e "$T/pg2/atom.xml" ]
ok $? "writing no output file"
curl -s -o "$T/http.atom" "http://127.0.0.1:$port/atom.xml"
check "its endpoint serves the first's rendering" cmp "$T/http.atom" \
    "$T/pg/atom.xml"
curl -s -o "$T/http.digest" "http://127.0.0.1:$port/digest.html"
check "and the newest digest, which another feedmux made" cmp \
    "$T/http.digest" "$T"/pg/digests/digest-*.html
kill -9 $d1
wait $d1 2>/dev/null
wait_for grep -q "rendering the outputs for every daemon" "$T/run2.err"
ok $? "once the first is killed, the second renders"
kill $d2
wait $d2
is $? 0 "which stops cleanly on SIGTERM"
done_testing
