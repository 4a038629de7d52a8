#!/bin/sh
# t-merge-urls: hostile URLs polled from feeds (a javascript: channel link,
# hostile xml:base, entry links, enclosures, media:content, srcset, poster,
# cite, a file:// feed's relative links) and rows as an older version
# stored them: no javascript:, vbscript:, file:, data: (but an img src's
# data:image) nor a control character or space inside a URL reaches the
# merged Atom, RSS and JSON Feed or the digest's HTML and text.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/merge-lib.sh"
CHECK="$PY $top_srcdir/tests/merge_check.py"
mkdir -p "$T/out" "$T/www" "$T/digests"

soh=$(printf '\001')
cat >"$T/www/hostile.xml" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel><title>Hostile</title><link>javascript:alert(1)//</link>
<atom:link rel="self" href="vbscript:msgbox(1)"/>
<item xml:base="javascript:alert(2)//"><guid>h1</guid><title>one</title><link>p/1</link>
<description>&lt;a href="x"&gt;c&lt;/a&gt;&lt;img src="i.png" srcset="j.png 2x"&gt;</description>
<enclosure url="a.mp3" type="audio/mpeg" length="1"/></item>
<item xml:base="VBScript:msgbox(2)//"><guid>h2</guid><title>two</title><link>p/2</link>
<description>&lt;a href="x"&gt;c&lt;/a&gt;</description></item>
<item xml:base="data:text/html,x//"><guid>h3</guid><title>three</title><link>p/3</link>
<description>&lt;video src="v" poster="p"&gt;v&lt;/video&gt;&lt;q cite="c"&gt;q&lt;/q&gt;</description></item>
<item><guid>h4</guid><title>four</title><link> ${soh}JaVa&#9;Script:alert(4)</link>
<description>&lt;a href="data:text/html,x"&gt;d&lt;/a&gt;&lt;img src="data:image/png;base64,AAAA"&gt;&lt;a href="mailto:a@example.org"&gt;m&lt;/a&gt;&lt;a href="/ok&amp;#10;x y"&gt;ok&lt;/a&gt;&lt;img src="i.png" srcset="data:image/png;base64,AAAA 1x, FILE:///etc/x 2x, /k.png 3x"&gt;</description>
<enclosure url="javascript:alert(5)" type="audio/mpeg" length="1"/>
<media:content url="file:///etc/passwd" type="text/plain"/>
<media:content url="data:audio/mpeg;base64,AAAA" type="audio/mpeg"/></item>
<item><guid>h5</guid><title>five</title><link>https://example.org/5&#13;&#10;x y</link>
<enclosure url="https://example.org/e&#10;5.mp3" type="audio/mpeg" length="1"/></item>
</channel></rss>
EOF
cat >"$T/www/local.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Local</title>
<item><guid>l1</guid><title>local one</title><link>post/1</link>
<description>&lt;a href="x"&gt;c&lt;/a&gt;&lt;img src="/etc/i.png"&gt;</description>
<enclosure url="a.mp3" type="audio/mpeg" length="1"/></item>
</channel></rss>
EOF

port=$(free_port)
$PY -m http.server -b 127.0.0.1 -d "$T/www" "$port" >"$T/http.log" 2>&1 &
http_pid=$!
stop_http() { kill "$http_pid"; }
at_exit stop_http
wait_port "$port" || { echo "Bail out! HTTP server did not start"; exit 1; }

cat >"$T/feedmux.conf" <<EOF
[feedmux]
database = $T/db.sqlite
log_level = error
[feed "hostile"]
url = http://127.0.0.1:$port/hostile.xml
[feed "local"]
url = file://$T/www/local.xml
[output]
atom = $T/out/atom.xml
rss = $T/out/rss.xml
json = $T/out/feed.json
link = https://planet.example.org/
[digest]
dir = $T/digests
EOF
C="-c $T/feedmux.conf"
check "poll the hostile feeds" "$FEEDMUX" $C poll --all
"$top_builddir/tests/merge_fill" "$T/feedmux.conf" dump >"$T/dump"
is "$(wc -l <"$T/dump" | tr -d ' ')" 6 "store holds 6 entries"
check "feedmux merge" "$FEEDMUX" $C merge
check_outputs "$T/dump"
check "digest -n (text)" sh -c '"$1" -c "$2" digest -n >"$3"' sh "$FEEDMUX" \
    "$T/feedmux.conf" "$T/preview.txt"
check "digest -n -H (HTML)" sh -c '"$1" -c "$2" digest -n -H >"$3"' sh \
    "$FEEDMUX" "$T/feedmux.conf" "$T/preview.html"

cat >"$T/check.py" <<'EOF'
import glob, html, json, re, sys
feed_urls, files = sys.argv[1].split(), sys.argv[2:]
bad = []
def strings(v):
    if isinstance(v, dict):
        for k, x in v.items():
            yield from strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)
    elif isinstance(v, str):
        yield v
for f in files:
    raw = open(f, encoding="utf-8").read()
    if re.search("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]", raw):
        bad.append(f + ": a control character")
    if f.endswith(".json"):
        doc = json.loads(raw)
        text = "\n".join(strings(doc))
        urls = [u for i in doc["items"] for u in
                [i.get("url"), i["_feedmux"]["feed_link"]] +
                [a["url"] for a in i.get("attachments", [])] if u]
    else:
        text = html.unescape(html.unescape(raw))
        urls = re.findall(r'<link>([^<]*)</link>', text)
    urls += re.findall(r'''\b(?:href|src|url|cite|poster|srcset)="([^"]*)"''', text)
    for u in feed_urls:		# configured, not from a feed
        text = text.replace(u, "")
    t = re.sub("[\t\r\n]", "", text).lower()
    for s in ("javascript:", "vbscript:", "file:"):
        if s in t:
            bad.append("%s: %s" % (f, s))
    img = len(re.findall(r'<img[^>]* src="data:image/png;base64,aaaa"', t))
    if t.count("data:") != img:
        bad.append("%s: data: outside img src" % f)
    for u in urls:
        if re.search(r"[\s\x00-\x1f\x7f]", u.replace(", ", "").replace(" 3x", "")):
            bad.append("%s: white space or control in %r" % (f, u))
for b in bad:
    print("# " + b)
sys.exit(1 if bad else 0)
EOF
html=$T/preview.html txt=$T/preview.txt
check "no hostile URL in Atom, RSS, JSON Feed, digest HTML and text" $PY \
    "$T/check.py" "file://$T/www/local.xml http://127.0.0.1:$port/hostile.xml" \
    "$T/out/atom.xml" "$T/out/rss.xml" "$T/out/feed.json" $html $txt
for f in atom.xml rss.xml feed.json; do
	contains "$T/out/$f" "https://example.org/5x%20y" "$f: link with CR, LF, space kept, encoded"
	contains "$T/out/$f" "https://example.org/e5.mp3" "$f: enclosure with LF kept"
	contains "$T/out/$f" "mailto:a@example.org" "$f: mailto in a href kept"
	contains "$T/out/$f" "data:image/png;base64,AAAA" "$f: data:image in img src kept"
	contains "$T/out/$f" "http://127.0.0.1:$port/okx%20y" "$f: relative href resolved"
done
contains "$txt" "https://example.org/5x%20y" "digest text: the link kept"

# Rows stored by an older version: the outputs' one check (url_allowed)
# turns their links away.
$PY - "$T/db.sqlite" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE entries SET link = 'JavaScript:alert(9)' WHERE guid = 'h1'")
db.execute("UPDATE entries SET link = 'https://example.org/a\nb' WHERE guid = 'h2'")
db.execute("UPDATE entries SET link = 'file:///etc/passwd' WHERE guid = 'h3'")
db.execute("UPDATE feeds SET link = 'vbscript:msgbox(3)' WHERE name = 'hostile'")
db.commit()
EOF
check "merge again" "$FEEDMUX" $C merge
check "feedmux digest" "$FEEDMUX" $C digest
html=$(ls "$T"/digests/*.html) txt=$(ls "$T"/digests/*.txt)
check "old rows: no hostile URL in the outputs" $PY \
    "$T/check.py" "file://$T/www/local.xml http://127.0.0.1:$port/hostile.xml" \
    "$T/out/atom.xml" "$T/out/rss.xml" "$T/out/feed.json" $html $txt
done_testing
