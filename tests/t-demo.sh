#!/bin/sh
# The quick start's main job: the bundled demo feeds, polled end to end
# (file:// fetch -> parse -> store -> merged Atom feed), on built-in
# defaults for everything the demo config does not set.
. "$top_srcdir/tests/lib.sh"
export XDG_STATE_HOME="$T/state"
conf="$top_srcdir/etc/demo/feedmux.conf"
atom="$T/state/feedmux/atom.xml"
db="$T/state/feedmux/feedmux.db"

"$FEEDMUX" -c "$conf" poll --all >"$T/out" 2>&1
ok $? "demo poll exits 0"
[ -s "$atom" ]; ok $? "merged Atom feed written to the default state directory"
check "merged feed is well-formed XML" xmllint --noout "$atom"
is "$(sqlite3 "$db" 'PRAGMA integrity_check')" "ok" "database passes integrity_check"
is "$(sqlite3 "$db" 'SELECT count(*) FROM feeds')" "3" "three feeds stored"
# 3 + 5 + 3 entries, of which five are in two feeds (the RDF feed repeats
# one RSS and two Atom articles, the Atom feed one RSS article): each is
# stored per feed and shown once, so six distinct articles.
is "$(sqlite3 "$db" 'SELECT count(*) FROM entries')" "11" "every entry stored per feed"
is "$(grep -c '<entry>' "$atom")" "6" "cross-feed duplicates appear once in the merged feed"
is "$(grep -c 'The Istanbul Dialogue' "$atom")" "1" "the article in two feeds appears once"
contains "$atom" "Taliban’s Intransigence" "curly quotes survive as UTF-8"
contains "$atom" "<source>" "entries carry atom:source"

# A second cycle finds nothing new and leaves the file's bytes alone.
cp "$atom" "$T/first.xml"
"$FEEDMUX" -c "$conf" poll --all >/dev/null 2>&1; ok $? "second poll exits 0"
cmp -s "$atom" "$T/first.xml"; ok $? "unchanged store gives identical bytes"
is "$(sqlite3 "$db" 'SELECT count(*) FROM entries')" "11" "second poll adds no duplicates"

# The digest of the demo: files, and status reports it.
"$FEEDMUX" -c "$conf" digest >"$T/out" 2>&1; ok $? "demo digest exits 0"
ls "$T/state/feedmux/digests/"digest-*.html >/dev/null 2>&1; ok $? "digest HTML file written"
ls "$T/state/feedmux/digests/"digest-*.txt >/dev/null 2>&1; ok $? "digest text file written"
"$FEEDMUX" -c "$conf" status >"$T/status" 2>&1
contains "$T/status" "digest: last" "status shows the last digest"
"$FEEDMUX" -c "$conf" status --json >"$T/status.json"
$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["digest"]["last"]["sent"] else 1)' "$T/status.json"
ok $? "status --json has the digest, marked sent"
done_testing
