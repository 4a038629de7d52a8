#!/bin/sh
# t-jsonfeed: JSON Feed end to end over loopback HTTP: `feedmux parse URL`,
# `feedmux poll` storing a JSON Feed's entries and merging them into Atom,
# and `feedmux add` of pages that announce JSON Feeds (or plain JSON).
. "$top_srcdir/tests/lib.sh"
export FEEDMUX_NOW=1700000000
start_fixture

# parse URL: the body is UTF-8 whatever its Content-Type says, and
# relative URLs resolve against the document's URL.
"$FEEDMUX" parse --json "$U/jsonfeed/p" >"$T/p.json" 2>"$T/p.err"
is $? 0 "parse of a JSON Feed URL"
check "parse: UTF-8, sanitized, URLs against the document" $PY -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
u = sys.argv[2]
assert d["format"] == "json1.1" and d["charset"] == "utf-8", (d["format"], d["charset"])
e = d["entries"][0]
assert e["title"] == "p item 0 \u00e9t\u00e9", e["title"]
assert e["link"] == u + "/jsonfeed/posts/0", e["link"]
assert e["content"] == "<p>body 0</p>", e["content"]
assert e["enclosures"] == [{"url": u + "/jsonfeed/media/0.mp3", "type": "audio/mpeg", "length": 1000}], e["enclosures"]
assert d["feed"]["title"] == "p JSON", d["feed"]
' "$T/p.json" "$U"

# poll: the entries are stored and merged like any feed's.
db="$T/fm.db"
cat >"$T/fm.conf" <<EOC
[feedmux]
database = $db
jitter = 0
[output]
atom = $T/atom.xml
[feed "j"]
url = $U/jsonfeed/j
EOC
fm() { "$FEEDMUX" -c "$T/fm.conf" "$@"; }
q() { sqlite3 "$db" "$1"; }
fm poll >"$T/out" 2>&1
is $? 0 "poll of a JSON Feed exits 0"
contains "$T/out" "1 of 1 feeds polled: 1 updated (3 new entries)" "three new entries"
is "$(q 'SELECT count(*) FROM entries')" 3 "stored in the database"
grep '"path": "/jsonfeed/j"' "$log" | grep -q 'application/feed+json'
ok $? "the poll's Accept header names application/feed+json"
check "merged Atom holds the JSON Feed's entries" $PY -c '
import sys, xml.etree.ElementTree as ET
A = "{http://www.w3.org/2005/Atom}"
u = sys.argv[2]
feed = ET.parse(sys.argv[1]).getroot()
es = feed.findall(A + "entry")
assert len(es) == 3, len(es)
by = {e.find(A + "title").text: e for e in es}
e = by["j item 1 \u00e9t\u00e9"]
links = {l.get("rel", "alternate"): l.get("href") for l in e.findall(A + "link")}
assert links["alternate"] == u + "/jsonfeed/posts/1", links
assert links.get("enclosure") == u + "/jsonfeed/media/1.mp3", links
body = ET.tostring(e, encoding="unicode")
assert "script" not in body and "onclick" not in body, body
assert "body 1" in body, body
assert e.find(A + "published").text.startswith("2023-11-14T01:00:00"), e.find(A + "published").text
' "$T/atom.xml" "$U"
fm poll --all >"$T/out" 2>&1
contains "$T/out" "0 new entries" "polled again: nothing new"
is "$(q 'SELECT count(*) FROM entries')" 3 "still three entries"

# add: a page that links only a JSON Feed; then it polls.
cat >"$T/a.conf" <<EOC
[feedmux]
database = $T/a.db
jitter = 0
EOC
fa() { "$FEEDMUX" -c "$T/a.conf" "$@"; }
fa add "$U/jsonpage/k" >"$T/out" 2>&1
is $? 0 "add a page that links only a JSON Feed"
contains "$T/out" "chose JSON Feed: $U/jsonfeed/k" "the JSON Feed is chosen"
contains "$T/out" "added k-json: $U/jsonfeed/k (k JSON)" "named after its title"
fa poll >"$T/out" 2>&1
is $? 0 "the added JSON Feed polls"
contains "$T/out" "1 updated (3 new entries)" "and its entries are stored"
fa add "$U/jsonpages/m" >"$T/out" 2>&1
is $? 0 "add a page announcing RSS, JSON Feed and JSON"
contains "$T/out" "chose RSS: $U/feed/m" "RSS before JSON Feed"
contains "$T/out" "also: JSON Feed $U/jsonfeed/m" "the JSON Feed listed"
fa add "$U/apipage/n" >"$T/out" 2>&1
is $? 65 "a page whose application/json is no feed: refused"
contains "$T/out" "not a JSON Feed" "and says why"
check_fail "nothing subscribed for it" grep -q wpjson "$T/a.conf"
done_testing
