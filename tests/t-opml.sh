#!/bin/sh
# Subscriptions: import (nested folders, duplicates), export, the round trip,
# add with discovery from a web page, remove; the config file is edited in
# place, every other line kept.
. "$top_srcdir/tests/lib.sh"
export XDG_STATE_HOME="$T/state" FEEDMUX_CONF=""
D="$top_srcdir/tests/data/opml"

cat >"$T/f.conf" <<EOF
# my feeds
[feedmux]
database = $T/db/feedmux.db
; keep this comment

[feed "existing"]
url = http://127.0.0.1:9/existing.xml
# trailing comment about existing
EOF
cp "$T/f.conf" "$T/orig.conf"
fm() { "$FEEDMUX" -c "$T/f.conf" "$@"; }
# names and fields of the configured feeds, one line each, sorted
feeds() {
	"$FEEDMUX" -c "$1" list --json | $PY -c '
import json, sys
for f in sorted(json.load(sys.stdin), key=lambda f: f["url"]):
    print("%s|%s|%s|%s" % (f["name"], f["url"], f["title"], f["category"]))'
}

# Import: folders, duplicates, unusable outlines.
fm import "$D/nested.opml" >"$T/out" 2>&1; is $? 0 "import exits 0"
contains "$T/out" "imported 6 feeds; skipped 2 duplicates and 1 unusable" "import summary"
contains "$T/out" "skipped duplicate https://127.0.0.1:9/hn.rss (already as hacker-news)" \
	"duplicate within the file reported"
contains "$T/out" "skipped duplicate HTTP://127.0.0.1:9/existing.xml (already as existing)" \
	"duplicate of a configured feed reported (same URL, other spelling)"
contains "$T/out" "skipped mailto:list@example.org" "unusable outline reported"
feeds "$T/f.conf" >"$T/list"
cat >"$T/want" <<'EOF'
blog|http://127.0.0.1:9/blog-a.xml|Blog|Compilers & Tools
blog-2|http://127.0.0.1:9/blog-b.xml|Blog|News
caf-n-code-quotes|http://127.0.0.1:9/cafe.xml|Café ünïcode — “quotes”|News
existing|http://127.0.0.1:9/existing.xml|None|None
llvm-weekly|http://127.0.0.1:9/llvm.xml|LLVM Weekly|Compilers & Tools
top-level-blog|http://127.0.0.1:9/top.xml|Top Level Blog|None
hacker-news|https://127.0.0.1:9/hn.rss|Hacker News|Tech
EOF
is "$(cat "$T/list")" "$(cat "$T/want")" \
	"names from titles, made unique; innermost folder is the category"
head -8 "$T/f.conf" | cmp -s - "$T/orig.conf"; ok $? "the lines already there are kept as they were"
cp "$T/f.conf" "$T/after-import.conf"
fm import "$D/nested.opml" >"$T/out" 2>&1
contains "$T/out" "imported 0 feeds; skipped 8 duplicates" "a second import adds nothing"
cmp -s "$T/f.conf" "$T/after-import.conf"; ok $? "and leaves the file alone"

# Export, then import into an empty config: the same titles, URLs, categories.
fm export >"$T/x.opml"; is $? 0 "export exits 0"
$PY - "$T/x.opml" <<'EOF' >"$T/out" 2>&1
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
assert r.tag == "opml" and r.get("version") == "2.0", r.attrib
body = r.find("body")
folders = {o.get("title"): [c.get("xmlUrl") for c in o] for o in body if o.get("xmlUrl") is None}
assert folders["Compilers & Tools"] == ["http://127.0.0.1:9/llvm.xml", "http://127.0.0.1:9/blog-a.xml"], folders
assert set(folders) == {"Compilers & Tools", "Tech", "News"}, folders
top = [o.get("xmlUrl") for o in body if o.get("xmlUrl")]
assert top == ["http://127.0.0.1:9/existing.xml", "http://127.0.0.1:9/top.xml"], top
EOF
st=$?; ok $st "export is OPML 2.0 with one folder per category"
[ $st -eq 0 ] || sed 's/^/#   /' "$T/out"
fm export -o "$T/y.opml" && cmp -s "$T/x.opml" "$T/y.opml"; ok $? "export -o writes the same file"
printf '[feedmux]\ndatabase = %s/db2/feedmux.db\n' "$T" >"$T/g.conf"
"$FEEDMUX" -c "$T/g.conf" import "$T/x.opml" >"$T/out" 2>&1; is $? 0 "import of the export"
feeds "$T/g.conf" | cut -d'|' -f2- | sed 's/|None|/|existing|/' >"$T/rt"
cut -d'|' -f2- "$T/list" | sed 's/|None|/|existing|/' >"$T/rt-want"
is "$(cat "$T/rt")" "$(cat "$T/rt-want")" "round trip keeps URLs, titles and categories"

# Export's bytes: attributes escaped (& < > " and a CR kept as &#13;).
printf '[feedmux]\ndatabase = %s/db3/feedmux.db\n\n[feed "a"]\nurl = http://127.0.0.1:9/a?x=1&y=2\ntitle = A & "B" <c> \047d\047 \303\251 e\rf\ncategory = C & <D>\n\n[feed "b"]\nurl = http://127.0.0.1:9/b\n' "$T" >"$T/e.conf"
"$FEEDMUX" -c "$T/e.conf" export >"$T/e.opml"; is $? 0 "export of special characters"
printf '%s\n' '<?xml version="1.0" encoding="UTF-8"?>' '<opml version="2.0">' '  <head>' \
	'    <title>feedmux subscriptions</title>' '  </head>' '  <body>' \
	'    <outline type="rss" text="b" title="b" xmlUrl="http://127.0.0.1:9/b"/>' \
	'    <outline text="C &amp; &lt;D&gt;" title="C &amp; &lt;D&gt;">' \
	"      <outline type=\"rss\" text=\"A &amp; &quot;B&quot; &lt;c&gt; 'd' é e&#13;f\" title=\"A &amp; &quot;B&quot; &lt;c&gt; 'd' é e&#13;f\" xmlUrl=\"http://127.0.0.1:9/a?x=1&amp;y=2\"/>" \
	'    </outline>' '  </body>' '</opml>' >"$T/e-want"
cmp -s "$T/e.opml" "$T/e-want"; st=$?
ok $st "export writes exactly the expected bytes"
[ $st -eq 0 ] || diff "$T/e-want" "$T/e.opml" | sed 's/^/#   /'

# Remove by name and by URL; removing everything imported restores the file.
fm remove llvm-weekly >"$T/out" 2>&1; is $? 0 "remove by name"
contains "$T/out" "removed llvm-weekly: http://127.0.0.1:9/llvm.xml" "remove says what it removed"
fm remove https://127.0.0.1:9/hn.rss >/dev/null 2>&1; is $? 0 "remove by URL"
feeds "$T/f.conf" | grep -c -e llvm -e hn.rss >"$T/n"; is "$(cat "$T/n")" 0 "both gone from the config"
for n in blog blog-2 caf-n-code-quotes top-level-blog; do fm remove $n >/dev/null 2>&1 || echo "# remove $n failed"; done
cmp -s "$T/f.conf" "$T/orig.conf"; st=$?
ok $st "after removing the imports the file is byte-for-byte the original"
[ $st -eq 0 ] || diff "$T/orig.conf" "$T/f.conf" | sed 's/^/#   /'
fm remove nosuch >/dev/null 2>"$T/err"; is $? 65 "remove of an unknown feed: EX_DATAERR"
contains "$T/err" "nosuch: no such feed" "and says so"

# Add, with discovery: a page announcing RSS, Atom and JSON Feed -> Atom.
P=$(free_port)
$PY "$D/server.py" "$P" "$T/hits" & srv=$!
stop_server() { kill $srv; }
at_exit stop_server
wait_port "$P"; ok $? "fixture server up"
fm add "http://127.0.0.1:$P/page.html" >"$T/out" 2>&1; is $? 0 "add a web page"
contains "$T/out" "announces 3 feeds; chose Atom: http://127.0.0.1:$P/feed.atom" "Atom chosen and named"
contains "$T/out" "also: RSS http://127.0.0.1:$P/feed.rss" "the others listed"
contains "$T/out" "added site-atom-feed: http://127.0.0.1:$P/feed.atom (Site Atom Feed)" \
	"named after the feed's title"
fm add "http://127.0.0.1:$P/feed.rss" --name mine --category "Misc stuff" >"$T/out" 2>&1
is $? 0 "add a feed URL with --name and --category"
feeds "$T/f.conf" | grep "^mine|" >"$T/m"
is "$(cat "$T/m")" "mine|http://127.0.0.1:$P/feed.rss|None|Misc stuff" "added as asked"
fm add "http://127.0.0.1:$P/feed.rss" >/dev/null 2>"$T/err"; is $? 65 "adding it again is refused"
contains "$T/err" "already subscribed as mine" "and says under which name"
fm add "http://127.0.0.1:$P/other.rss" --name existing >/dev/null 2>&1; is $? 65 "a taken name is refused"
fm add "http://127.0.0.1:$P/other.rss" --name "a b" >/dev/null 2>&1; is $? 64 "a bad name is refused"
fm add "http://127.0.0.1:$P/nested.opml" >/dev/null 2>"$T/err"; is $? 65 "not a feed: refused"
contains "$T/err" "neither a feed nor a page that announces one" "and says why"
fm add "http://127.0.0.1:$P/missing.xml" --name later >"$T/out" 2>&1; is $? 0 "an unreachable feed is still added"
contains "$T/out" "HTTP 404" "with a warning saying why it could not be checked"
cp "$D/other.rss" "$T/local.rss"
(cd "$T" && "$FEEDMUX" -c f.conf add local.rss >"$T/out" 2>&1); is $? 0 "add a local file by path"
contains "$T/out" "added other-feed: file://$(cd "$T" && pwd -P)/local.rss (Other Feed)" "it becomes a file:// URL"
"$FEEDMUX" -c "$T/f.conf" check-config >/dev/null 2>&1; ok $? "the edited config is valid"

# Edits at once are serialized: none is lost, names stay unique.
i=0; pids=
while [ $i -lt 12 ]; do
	cp "$D/other.rss" "$T/c$i.rss"
	fm add "$T/c$i.rss" >/dev/null 2>&1 & pids="$pids $!"
	i=$((i + 1))
done
st=0; for p in $pids; do wait $p || st=1; done
ok $st "12 adds at once all succeed"
is "$(feeds "$T/f.conf" | grep -c '/c[0-9]*\.rss|')" 12 "all 12 are in the config"
is "$(feeds "$T/f.conf" | grep '/c[0-9]*\.rss|' | cut -d'|' -f1 | sort -u | wc -l)" 12 "under 12 distinct names"
i=0; pids=
while [ $i -lt 12 ]; do
	fm remove "file://$(cd "$T" && pwd -P)/c$i.rss" >/dev/null 2>&1 & pids="$pids $!"
	i=$((i + 1))
done
for p in $pids; do wait $p; done
is "$(feeds "$T/f.conf" | grep -c '/c[0-9]*\.rss|')" 0 "12 removes at once: all gone"

# A config reached through a symbolic link stays a link.
mkdir "$T/dots" && mv "$T/f.conf" "$T/dots/f.conf" && ln -s dots/f.conf "$T/f.conf"
fm remove later >/dev/null 2>&1; is $? 0 "remove through a symbolic link"
test -L "$T/f.conf"; ok $? "the link is still a link"
grep -q '"later"' "$T/dots/f.conf"; is $? 1 "and the file it points to was edited"

# No config file: nothing to edit.
FEEDMUX_CONF="" "$FEEDMUX" add "http://127.0.0.1:$P/feed.rss" >/dev/null 2>"$T/err"
is $? 78 "add on built-in defaults: EX_CONFIG"
contains "$T/err" "no config file to edit" "and says why"
done_testing
