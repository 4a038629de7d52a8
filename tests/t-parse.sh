#!/bin/sh
# t-parse: every feed under tests/parse/ (NAME.xml, or NAME.json-in for a
# JSON Feed) through `feedmux parse --json`, compared as JSON with the
# expected NAME.json beside it.  NAME.args holds
# extra arguments (--charset); NAME.exit an expected non-zero exit status.
. "$top_srcdir/tests/lib.sh"

D=$top_srcdir/tests/parse
for f in "$D"/*.xml "$D"/*.json-in; do
	n=$(basename "$f" .xml)
	n=$(basename "$n" .json-in)
	args=$(cat "$D/$n.args" 2>/dev/null)
	want_exit=$(cat "$D/$n.exit" 2>/dev/null || echo 0)
	# shellcheck disable=SC2086
	"$FEEDMUX" parse --json $args "$f" >"$T/$n.out" 2>"$T/$n.err"
	st=$?
	if [ "$want_exit" != 0 ]; then
		is "$st" "$want_exit" "$n: exit status $want_exit"
		check "$n: nothing on stdout" test ! -s "$T/$n.out"
		continue
	fi
	is "$st" 0 "$n: exit status 0"
	$PY - "$D/$n.json" "$T/$n.out" >"$T/$n.diff" 2>&1 <<'PY'
import json, sys
want = json.load(open(sys.argv[1], encoding="utf-8"))
got = json.load(open(sys.argv[2], encoding="utf-8"))
if want != got:
    import difflib
    a = json.dumps(want, indent=1, ensure_ascii=False).splitlines()
    b = json.dumps(got, indent=1, ensure_ascii=False).splitlines()
    print("\n".join(difflib.unified_diff(a, b, "want", "got", lineterm="")))
    sys.exit(1)
PY
	ok $? "$n: JSON as expected"
	[ -s "$T/$n.diff" ] && sed 's/^/#   /' "$T/$n.diff" | head -40
done

# Generated here, not committed: a 10 MB title and a 3 MB summary, each
# followed by ordinary entries.  Fields are cut to their limits at a
# character boundary, the HTML stays whole, and the entries after are read.
$PY - "$T/huge.xml" <<'PY'
import sys
unit = "&lt;p&gt;Para &lt;b&gt;bold&lt;/b&gt; &amp;amp; text&lt;/p&gt;\n"
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0">'
            '<channel><title>Huge</title><link>https://huge.example.com/</link>\n')
    f.write('<item><guid>h1</guid><title>' + "\u00e9" * 5000000 + '</title></item>\n')
    f.write('<item><guid>h2</guid><title>After the title</title></item>\n')
    f.write('<item><guid>h3</guid><title>Summary</title><description>'
            + unit * 90000 + '</description></item>\n')
    f.write('<item><guid>h4</guid><title>After the summary</title></item>\n')
    # One CDATA section of 11 MB: more than libxml2 looks ahead for "]]>".
    f.write('<item><guid>h5</guid><title><![CDATA[' + "a\u00e9" * 3700000
            + ']]></title></item>\n')
    f.write('<item><guid>h6</guid><title>After the CDATA</title></item>\n')
    f.write('</channel></rss>\n')
PY
"$FEEDMUX" parse --json "$T/huge.xml" >"$T/huge.out" 2>"$T/huge.err"
is $? 0 "huge fields: exit status 0"
check "huge fields: cut to the limits, the entries after them read" $PY - "$T/huge.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
e = {x["id"]: x for x in d["entries"]}
assert list(e) == ["h1", "h2", "h3", "h4", "h5", "h6"], list(e)
t = e["h1"]["title"].encode()
assert 4090 <= len(t) <= 4096 and set(e["h1"]["title"]) == {"\u00e9"}, len(t)
assert e["h1"].get("truncated") is True
assert e["h2"]["title"] == "After the title" and "truncated" not in e["h2"]
s = e["h3"]["summary"]
assert 1048576 - 100 <= len(s.encode()) <= 1048576, len(s.encode())
assert s.startswith("<p>Para <b>bold</b> &amp; text</p>") and s.endswith("</p>"), s[-80:]
assert s.count("<p>") == s.count("</p>") and s.count("<b>") == s.count("</b>")
assert s.count("&") == s.count("&amp;")
assert e["h3"].get("truncated") is True and d["malformed"] is False
assert e["h4"]["title"] == "After the summary" and "truncated" not in e["h4"]
t = e["h5"]["title"]
assert 4093 <= len(t.encode()) <= 4096 and t.startswith("a\u00e9a"), len(t.encode())
assert e["h5"].get("truncated") is True
assert e["h6"]["title"] == "After the CDATA" and "truncated" not in e["h6"]
PY

# libxml2 gives up on an element name over its limit: still one document.
$PY -c 'import sys; n = "a" * 60000; sys.stdout.write(
    "<rss version=\"2.0\"><channel><title>T</title><item><title>one</title>"
    "<%s>x</%s></item><item><title>two</title></item></channel></rss>" % (n, n))' \
    >"$T/longname.xml"
"$FEEDMUX" parse --json "$T/longname.xml" >"$T/longname.out" 2>/dev/null
is $? 0 "element name too long: exit status 0"
check "element name too long: one JSON document, the entry cut off in it" \
    $PY -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert d["malformed"] and [e["title"] for e in d["entries"]] == ["one"], d' \
    "$T/longname.out"

# Streaming: the same bytes from stdin, and the readable form.
"$FEEDMUX" parse --json - <"$D/rss20.xml" >"$T/stdin.out"
check "stdin gives the same JSON" $PY -c 'import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' "$D/rss20.json" "$T/stdin.out"
"$FEEDMUX" parse "$D/rss20.xml" >"$T/text.out"
contains "$T/text.out" "rss2.0 (utf-8), 2 entries" "readable form: summary line"
contains "$T/text.out" "    published: 2025-10-31T06:00:00Z" "readable form: dates"
# Exit codes (sysexits.h)
"$FEEDMUX" parse "$T/does-not-exist.xml" 2>/dev/null; is $? 66 "missing file: EX_NOINPUT"
"$FEEDMUX" parse 2>/dev/null; is $? 64 "no argument: EX_USAGE"
"$FEEDMUX" parse --json "file://$D/atom10.xml" >"$T/url.out"
check "file:// URL through libcurl" $PY -c 'import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' "$D/atom10.json" "$T/url.out"

# Over HTTP (loopback): the Content-Type charset reaches the parser, and
# relative links resolve against the URL after redirects.
port=$(free_port)
$PY - "$port" "$D" >"$T/http.log" 2>&1 <<'PY' &
import http.server, sys
port, root = int(sys.argv[1]), sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/feeds/cp1251.xml")
            self.end_headers()
            return
        if self.path != "/feeds/cp1251.xml":
            self.send_error(404)
            return
        body = open(root + "/enc-http-charset.xml", "rb").read()
        body = body.replace(b"https://http.example.com/1", b"item/1")
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=windows-1251")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
PY
srv=$!
stop_server() { kill "$srv"; }
at_exit stop_server
wait_port "$port"
"$FEEDMUX" parse --json "http://127.0.0.1:$port/moved" >"$T/http.out" 2>"$T/http.err"
is $? 0 "http: exit status 0"
check "http: charset from Content-Type, link against the final URL" $PY -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["charset"] == "windows-1251", d["charset"]
assert d["entries"][0]["title"] == "Привет", d["entries"][0]["title"]
assert d["entries"][0]["link"] == "http://127.0.0.1:%s/feeds/item/1" % sys.argv[2], d["entries"][0]["link"]
' "$T/http.out" "$port"
"$FEEDMUX" parse "http://127.0.0.1:$port/missing" >/dev/null 2>&1
is $? 69 "http: 404 gives EX_UNAVAILABLE"
done_testing
