#!/bin/sh
# feedmux db copy FROM TO: feeds polled from the loopback fixture server
# into SQLite (t-pg-merge.sh's feeds), a digest and a hook run, then the
# store copied SQLite -> PostgreSQL -> a new SQLite file.  The three give
# the same merged documents and status; validators, digest and hook marks
# and ids carry over; a store that is not empty is refused and left as it
# was; a copy that does not verify leaves nothing.  Runs itself beside a
# private cluster (tests/pg-cluster.sh).
if [ -z "${FEEDMUX_TEST_PG:-}" ]; then
	exec "${top_srcdir:-.}/tests/pg-cluster.sh" "$0" "$@"
fi
. "$top_srcdir/tests/lib.sh"
start_fixture
# No config file unless -c gives one; nothing under the default state.
export FEEDMUX_CONF="" XDG_STATE_HOME="$T/state"
PG=$FEEDMUX_TEST_PG

printf '#!/bin/sh\ncat >>"%s/$1.hook"\n' "$T" >"$T/hook.sh"
chmod +x "$T/hook.sh"
conf() {	# conf NAME DATABASE
	mkdir -p "$T/$1"
	cat >"$T/$1.conf" <<EOC
[feedmux]
database = $2
concurrency = 1
[output]
atom = $T/$1/atom.xml
rss = $T/$1/rss.xml
json = $T/$1/feed.json
html = $T/$1/index.html
title = Copied Planet
link = https://planet.example.org/
entries = 1000
[digest]
dir = $T/$1/digests
[hook "log"]
exec = $T/hook.sh $1
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
# Its oldest ten pruned: ten tombstones.
[feed "big"]
url = $U/big
keep_max = 390
[feed "broken"]
url = $U/status/500
[feed "weak"]
url = $U/weak/w
EOC
}
sq() { sqlite3 "$@"; }
pq() { psql -X -q -tA -v ON_ERROR_STOP=1 "$@"; }
# Each table's rows and largest id or mark, one line.
sq_counts() {
	sq "$1" "SELECT (SELECT count(*) || ' ' || coalesce(max(id), 0) FROM feeds),
	    (SELECT count(*) || ' ' || coalesce(max(id), 0) FROM entries),
	    (SELECT count(*) FROM tombstones),
	    (SELECT count(*) || ' ' || coalesce(max(upto_seq), 0) FROM digests),
	    (SELECT count(*) || ' ' || coalesce(max(mark), 0) FROM hooks),
	    (SELECT seq || ' ' || generation || ' ' || pruned FROM state)"
}
pg_counts() {
	pq "$1" -c "SELECT (SELECT count(*) || ' ' || coalesce(max(id), 0) FROM feeds),
	    (SELECT count(*) || ' ' || coalesce(max(id), 0) FROM entries),
	    (SELECT count(*) FROM tombstones),
	    (SELECT count(*) || ' ' || coalesce(max(upto_seq), 0) FROM digests),
	    (SELECT count(*) || ' ' || coalesce(max(mark), 0) FROM hooks),
	    (SELECT seq || ' ' || generation || ' ' || pruned FROM state)"
}
# The fixture's answers since line $1 of its log: "path status", sorted.
answers() {
	tail -n +"$1" "$log" | $PY -c 'import json, sys
for l in sys.stdin:
    r = json.loads(l); print(r["path"], r["status"])' | sort
}

poll_now=$(date +%s)
digest_now=$((poll_now + 86400))
later=$((digest_now + 86400))
conf src "$T/src.db"
conf pg "$PG"
conf dst "$T/dst.db"

# A hook run first starts at the beginning; after the poll it gets all.
check "source: the hook, before any entry" "$FEEDMUX" -c "$T/src.conf" hooks
FEEDMUX_NOW=$poll_now "$FEEDMUX" -c "$T/src.conf" poll >"$T/poll1" 2>&1
is $? 0 "source: first poll (one feed of seven fails)"
check "source: a digest" env FEEDMUX_NOW=$digest_now \
    "$FEEDMUX" -c "$T/src.conf" digest
check "source: the hook" "$FEEDMUX" -c "$T/src.conf" hooks
n=$(grep -c "^{" "$T/src.hook")
test "$n" -gt 400; ok $? "the hook got the entries ($n)"
# What COPY's text format escapes, and what it does not, in one entry
# (of a feed the next poll leaves alone: it answers 304).
tricky="'tab' || char(9) || 'nl' || char(10) || 'cr' || char(13) ||
    'bs\\ \\N \\x00 \\\\ end é ✓ 😀'"
sq "$T/src.db" "UPDATE entries SET summary = $tricky
    WHERE id = (SELECT min(e.id) FROM entries e JOIN feeds f
    ON f.id = e.feed WHERE f.name = 'plain')"

# SQLite -> PostgreSQL, with a config naming another database entirely.
"$FEEDMUX" -c "$T/dst.conf" db copy "$T/src.db" "$PG" >"$T/copy1" 2>&1
is $? 0 "db copy SQLite -> PostgreSQL"
nentries=$(sq "$T/src.db" "SELECT count(*) FROM entries")
ntombs=$(sq "$T/src.db" "SELECT count(*) FROM tombstones")
is "$(cat "$T/copy1")" "copied $T/src.db -> $PG: 7 feeds, $nentries entries, $ntombs tombstones, 1 digest, 1 hook (verified)" \
    "it says what it copied, and that it was verified"
is "$nentries $ntombs" "407 10" \
    "407 entries in the source (404 shown: duplicates folded), 10 tombstones"
test -e "$T/dst.db"; ok $((!$?)) "the config's own database was not touched"
is "$(pg_counts "$PG")" "$(sq_counts "$T/src.db")" \
    "every table's rows, largest id and the state row agree"
is "$(pq "$PG" -c "SELECT encode(etag, 'escape') FROM feeds WHERE name = 'plain'")" \
    '"v1"' "a validator, as bytes"

# PostgreSQL -> SQLite, with no config at all.
"$FEEDMUX" db copy "$PG" "$T/dst.db" >"$T/copy2" 2>&1
is $? 0 "db copy PostgreSQL -> SQLite, no config"
contains "$T/copy2" "copied $PG -> $T/dst.db: 7 feeds, $nentries entries" \
    "it says so"
is "$(sq_counts "$T/dst.db")" "$(sq_counts "$T/src.db")" \
    "the new SQLite file holds what the first did"
is "$(sq "$T/dst.db" "SELECT id, name, etag, last_modified, last_poll,
    next_poll, next_reason, failures, failing_since, last_error, title,
    link, skip_hours, updated FROM feeds ORDER BY id")" \
    "$(sq "$T/src.db" "SELECT id, name, etag, last_modified, last_poll,
    next_poll, next_reason, failures, failing_since, last_error, title,
    link, skip_hours, updated FROM feeds ORDER BY id")" \
    "feed state kept: validators, schedule, failures, titles"
is "$(sq "$T/dst.db" "SELECT etag, typeof(etag) FROM feeds WHERE name = 'weak'
    UNION ALL SELECT DISTINCT '', typeof(categories) FROM entries
    WHERE categories IS NOT NULL")" 'W/"a b;c=d"|text
|blob' "each value kept as SQLite had it"
# Every value with its type, through PostgreSQL and back: the same dump.
for t in state feeds entries tombstones digests hooks; do
	sq "$T/src.db" ".dump $t" >"$T/src.$t.sql"
	sq "$T/dst.db" ".dump $t" >"$T/dst.$t.sql"
	check "table $t: SQLite -> PostgreSQL -> SQLite, the same" \
	    cmp "$T/src.$t.sql" "$T/dst.$t.sql"
done
is "$(sq "$T/dst.db" "SELECT count(*) FROM entries WHERE summary = $tricky")" 1 \
    "tabs, newlines, backslashes and UTF-8 kept"

# The three stores give the same documents, byte for byte, and status.
for b in src pg dst; do
	check "$b: feedmux merge" "$FEEDMUX" -c "$T/$b.conf" merge
	FEEDMUX_NOW=$poll_now "$FEEDMUX" -c "$T/$b.conf" status \
	    >"$T/$b.status" 2>&1
done
for f in atom.xml rss.xml feed.json index.html; do
	check "$f: PostgreSQL copy = source" cmp "$T/src/$f" "$T/pg/$f"
	check "$f: SQLite copy = source" cmp "$T/src/$f" "$T/dst/$f"
done
is "$(grep -c "<entry>" "$T/pg/atom.xml")" 404 "404 entries in the merged Atom"
check "status: PostgreSQL copy = source" cmp "$T/src.status" "$T/pg.status"
check "status: SQLite copy = source" cmp "$T/src.status" "$T/dst.status"

# Validators survived: the next poll is answered as the source's would be.
for b in src pg dst; do
	start=$(($(wc -l <"$log") + 1))
	FEEDMUX_NOW=$later "$FEEDMUX" -c "$T/$b.conf" poll --all \
	    >"$T/$b.poll2" 2>&1
	is $? 0 "$b: a second poll"
	answers "$start" >"$T/$b.answers"
done
check "PostgreSQL copy: the server answered as for the source" \
    cmp "$T/src.answers" "$T/pg.answers"
check "SQLite copy: the server answered as for the source" \
    cmp "$T/src.answers" "$T/dst.answers"
is "$(grep ' 304$' "$T/pg.answers" | tr '\n' ' ')" \
    "/feed/dup 304 /noetag/other 304 /weak/w 304 " \
    "feeds with validators answered 304 Not Modified (ETag, Last-Modified)"
contains "$T/pg.poll2" "7 of 7 feeds polled: 0 updated" \
    "nothing new: the pruned entries stay pruned (tombstones)"
check "the polls said the same (PostgreSQL copy)" cmp "$T/src.poll2" "$T/pg.poll2"
check "the polls said the same (SQLite copy)" cmp "$T/src.poll2" "$T/dst.poll2"

# Marks survived: no digest and no hook delivery of what was sent before.
for b in pg dst; do
	FEEDMUX_NOW=$later "$FEEDMUX" -c "$T/$b.conf" digest >"$T/$b.digest" 2>&1
	is $? 0 "$b: digest after the copy"
	is "$(ls "$T/$b/digests" 2>/dev/null | wc -l)" 0 \
	    "$b: nothing resent in a digest"
	check "$b: hooks after the copy" "$FEEDMUX" -c "$T/$b.conf" hooks
	test -e "$T/$b.hook"; ok $((!$?)) "$b: the hook got nothing again"
done

# Into a store that is not empty: refused, and it is left as it was.
pq "$PG" -c "SELECT * FROM feeds ORDER BY id" >"$T/pg.before"
"$FEEDMUX" db copy "$T/src.db" "$PG" >"$T/out" 2>"$T/err"
is $? 73 "into a PostgreSQL store that is not empty: exit 73"
contains "$T/err" "$PG: not empty (it holds 7 feeds, $nentries entries" \
    "the message says what it holds"
pq "$PG" -c "SELECT * FROM feeds ORDER BY id" >"$T/pg.after"
check "and it is unchanged" cmp "$T/pg.before" "$T/pg.after"
is "$(cat "$T/out")" "" "nothing on stdout"
sq "$T/dst.db" .dump >"$T/dst.before"
"$FEEDMUX" db copy "$PG" "$T/dst.db" >/dev/null 2>"$T/err"
is $? 73 "into an SQLite store that is not empty: exit 73"
contains "$T/err" "$T/dst.db: not empty (it holds 7 feeds" "says so"
sq "$T/dst.db" .dump >"$T/dst.after"
check "and it is unchanged" cmp "$T/dst.before" "$T/dst.after"

# SQLite -> SQLite, as well.
check "db copy SQLite -> SQLite" "$FEEDMUX" db copy "$T/src.db" "$T/again.db"
is "$(sq_counts "$T/again.db")" "$(sq_counts "$T/src.db")" "the same rows"

# A bad FROM: a clear error, and nothing made.
"$FEEDMUX" db copy "$T/none.db" "$T/new1.db" >/dev/null 2>"$T/err"
is $? 66 "FROM a file that does not exist: exit 66"
contains "$T/err" "$T/none.db: No such file or directory" "named"
test -e "$T/none.db" || test -e "$T/new1.db"
ok $((!$?)) "and neither file was made"
bad=$(echo "$PG" | sed 's|^postgresql:///feedmux|postgresql://nobody:sekret@/nosuchdb|')
"$FEEDMUX" db copy "$bad" "$T/new2.db" >/dev/null 2>"$T/err"
is $? 66 "FROM a database that does not exist: exit 66"
contains "$T/err" "postgresql://nobody:***@/nosuchdb" "the URI is named"
contains "$T/err" 'database "nosuchdb" does not exist' "with the server's reason"
grep -q sekret "$T/err"; ok $((!$?)) "but not its password"
echo "not a database" >"$T/text.db"
"$FEEDMUX" db copy "$T/text.db" "$T/new3.db" >/dev/null 2>"$T/err"
is $? 65 "FROM a file that is not a database: exit 65"
contains "$T/err" "$T/text.db: the database is damaged" "named, and why"
"$FEEDMUX" db copy "$T/src.db" >/dev/null 2>"$T/err"
is $? 64 "db copy with one database: exit 64"
is "$(cat "$T/err")" "usage: feedmux db copy FROM TO" "and its usage"

# PostgreSQL -> PostgreSQL; a copy that does not verify leaves nothing.
pq "$PG" -c "CREATE DATABASE two" -c "CREATE DATABASE three"
two=$(echo "$PG" | sed 's|^postgresql:///feedmux|postgresql:///two|')
three=$(echo "$PG" | sed 's|^postgresql:///feedmux|postgresql:///three|')
check "db copy PostgreSQL -> PostgreSQL" "$FEEDMUX" db copy "$PG" "$three"
is "$(pg_counts "$three")" "$(pg_counts "$PG")" "the same rows"
# A FROM whose schema is not feedmux's (a column gone): refused.
pq "$three" -c "ALTER TABLE entries DROP COLUMN thumbnail"
"$FEEDMUX" db copy "$three" "$T/new4.db" >/dev/null 2>"$T/err"
is $? 66 "FROM a database missing a column: exit 66"
contains "$T/err" "$three: " "the database named"
contains "$T/err" 'column "thumbnail" of relation "entries" does not exist' \
    "with the server's reason"
test -e "$T/new4.db"; ok $((!$?)) "and TO not made"
: >"$T/empty.db"
check "an empty store copies too" "$FEEDMUX" db copy "$T/empty.db" "$two"
pq "$two" -c "CREATE FUNCTION drop_row() RETURNS trigger LANGUAGE plpgsql
    AS 'BEGIN RETURN NULL; END';
    CREATE TRIGGER lose BEFORE INSERT ON digests FOR EACH ROW
    EXECUTE FUNCTION drop_row()"
"$FEEDMUX" db copy "$T/src.db" "$two" >/dev/null 2>"$T/err"
is $? 65 "a table that loses a row: exit 65"
contains "$T/err" "table digests: 1 rows in $T/src.db, 0 in " \
    "the message names the table and both counts"
is "$(pg_counts "$two")" "0 0|0 0|0|0 0|0 0|0 0 0" \
    "and the copy was rolled back: still empty"

# A value PostgreSQL refuses (text that is not UTF-8): nothing kept either.
sq "$T/again.db" "UPDATE entries SET title = CAST(x'41ff42' AS TEXT)
    WHERE id = (SELECT max(id) FROM entries)"
"$FEEDMUX" db copy "$T/again.db" "$two" >/dev/null 2>"$T/err"
is $? 73 "a row the destination refuses: exit 73"
contains "$T/err" "invalid byte sequence" "with the server's reason"
contains "$T/err" "COPY entries, line $nentries" "and the row"
is "$(pg_counts "$two")" "0 0|0 0|0|0 0|0 0|0 0 0" "nothing kept"

# The copy's ids go on: a new feed and a new digest in PostgreSQL.
ndigests=$(pq "$PG" -c "SELECT count(*) FROM digests")
printf '[feed "later"]\nurl = %s/feed/later\n' "$U" >>"$T/pg.conf"
FEEDMUX_NOW=$later "$FEEDMUX" -c "$T/pg.conf" poll >"$T/pg.poll3" 2>&1
is $? 0 "PostgreSQL copy: a new feed polled"
contains "$T/pg.poll3" "(3 new entries)" "its entries stored"
is "$(pq "$PG" -c "SELECT id > 7 FROM feeds WHERE name = 'later'")" t \
    "with an id after the copied ones"
check "PostgreSQL copy: a digest of them" env FEEDMUX_NOW=$((later + 86400)) \
    "$FEEDMUX" -c "$T/pg.conf" digest
is "$(pq "$PG" -c "SELECT count(*), max(id) FROM digests")" \
    "$((ndigests + 1))|$((ndigests + 1))" \
    "a digest row more, numbered after the copied ones"
grep -l "later item" "$T/pg/digests"/* >/dev/null 2>&1
ok $? "holding the new feed's entries"
check "PostgreSQL copy: hooks" "$FEEDMUX" -c "$T/pg.conf" hooks
is "$(grep -c "^{" "$T/pg.hook")" 3 "the hook got the three new entries only"
done_testing
