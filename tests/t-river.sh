#!/bin/sh
# The river page ([output] html): fixture feeds with hostile markup polled
# for real, the page read by html5lib in strict mode (no script, no event
# handler, no javascript: URL, entries' links absolute, the subscribe links
# there), days in the output's zone, title_format in every document,
# written only when it changes; then served by the daemon at / and /NAME/
# with ETag, 304, gzip and HEAD like the feeds.
. "$top_srcdir/tests/lib.sh"
export XDG_STATE_HOME="$T/state"
CHECK="$PY $top_srcdir/tests/river_check.py"
mkdir -p "$T/feeds" "$T/out" "$T/out/full"
cp "$top_srcdir/tests/data/river/alpha.atom" "$top_srcdir/tests/data/river/beta.rss" \
    "$T/feeds/"
port=$(free_port)
cat >"$T/feedmux.conf" <<EOC
[feedmux]
database = $T/db.sqlite
pidfile = $T/feedmux.pid
interval = 1h
jitter = 0s
listen = 127.0.0.1:$port
[feed "alpha"]
url = file://$T/feeds/alpha.atom
[feed "beta"]
url = file://$T/feeds/beta.rss
title = Beta & Co
[output]
atom = $T/out/atom.xml
rss = $T/out/rss.xml
json = $T/out/feed.json
html = $T/out/index.html
title = River <Test>
link = https://planet.example.org/
timezone = Europe/Istanbul
title_format = {feed}: {title}
[output "full"]
html = $T/out/full/index.html
html_content = full
EOC
check "poll the fixture feeds" "$FEEDMUX" -c "$T/feedmux.conf" poll --all
check "merge writes the page" "$FEEDMUX" -c "$T/feedmux.conf" merge
P=$T/out/index.html
check "html5lib (strict) reads the page: no script, no on*, no javascript:, absolute links, alternates" \
    $CHECK "$P" "Alpha Blog: Late night post" "Alpha Blog: Unlinked thought" \
    "Beta & Co: Beta launches \"quotes\" & things" "Beta & Co: Ünïcödé — ελληνικά 日本語" \
    "Alpha Blog: Morning <b>notes</b> & coffee"
check "the full-content page too" $CHECK "$T/out/full/index.html" "Late night post"
ok $(grep -qi '<script\|javascript:\| on[a-z]*=' "$P" "$T/out/full/index.html"; echo $((1 - $?))) \
    "no script, javascript: or handler text in either page"
for t in application/atom+xml application/rss+xml application/feed+json; do
	contains "$P" "<link rel=\"alternate\" type=\"$t\"" "alternate link $t"
done
contains "$P" 'href="https://planet.example.org/atom.xml"' "alternate named as the feed's self link"
contains "$T/out/full/index.html" 'href="atom.xml"' "an output without feed files links the endpoint's"
contains "$P" '<a href="https://alpha.example/blog/posts/late.html">' "relative entry link resolved (xml:base)"
contains "$P" '<a href="https://alpha.example/">Alpha Blog</a>' "source feed linked to its site"
contains "$P" "Ada Lovelace" "author shown"
contains "$P" "<title>River &lt;Test&gt;</title>" "page title escaped"
# Days in Europe/Istanbul (UTC+3): 23:30Z on the 14th is the 15th there.
is "$(grep -o '<h2><time datetime="[0-9-]*"' "$P" | cut -d'"' -f2 | tr '\n' ' ')" \
    "2023-11-15 2023-11-14 2023-11-13 " "grouped by day in the zone, newest first"
contains "$P" '<time datetime="2023-11-14T23:30:00Z">02:30</time>' "time shown in the zone"
# Excerpt by default, sanitized content with html_content = full.
contains "$P" "wordy …</p>" "a long entry is cut into an excerpt"
ok $(grep -q '<em>emphasis</em>' "$P"; echo $((1 - $?))) "excerpt page holds no entry markup"
contains "$T/out/full/index.html" '<em>emphasis</em>' "full page holds the sanitized content"
contains "$T/out/full/index.html" '<a href="https://alpha.example/about.html">about</a>' \
    "content links resolved"
contains "$T/out/full/index.html" "<h3><a href=\"https://alpha.example/blog/posts/late.html\">Late night post</a></h3>" \
    "default title_format is the title"
# title_format in the feeds.
contains "$T/out/atom.xml" '<title type="text">Alpha Blog: Late night post</title>' "title_format in Atom"
contains "$T/out/rss.xml" '<title>Beta &amp; Co: Beta launches &quot;quotes&quot; &amp; things</title>' \
    "title_format in RSS"
contains "$T/out/feed.json" '"title": "Alpha Blog: Unlinked thought"' "title_format in JSON Feed"

# Unchanged store: nothing rewritten, the mtime kept; -p prints the bytes.
before=$(stat -c '%i %y' "$P")
cp "$P" "$T/page1"
sleep 0.01
check "merge again" "$FEEDMUX" -c "$T/feedmux.conf" merge
is "$(stat -c '%i %y' "$P")" "$before" "unchanged store: page left alone (inode, mtime)"
"$FEEDMUX" -c "$T/feedmux.conf" merge -p html >"$T/printed"
check "merge -p html prints the page" cmp "$T/printed" "$P"
"$FEEDMUX" -c "$T/feedmux.conf" merge -T >"$T/tmpl"
check "merge -T prints the built-in template" grep -q '{{#days}}' "$T/tmpl"

# A template of one's own, with the documented data.
cat >"$T/mine.html" <<'EOT'
<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{title}}</title></head><body>
{{#days}}<h2>{{day}}</h2>{{#entries}}<p>{{feed_name}}|{{title}}|{{date}}|{{#tags}}{{tag}} {{/tags}}</p>
{{/entries}}{{/days}}</body></html>
EOT
sed "s|^html = $T/out/full/index.html|html = $T/mine.html\nhtml_template = $T/mine.tmpl|" \
    "$T/feedmux.conf" >"$T/mine.conf"
mv "$T/mine.html" "$T/mine.tmpl"
check "merge with html_template" "$FEEDMUX" -c "$T/mine.conf" merge -o full
contains "$T/mine.html" "<p>alpha|Late night post|2023-11-14 23:30|" "html_template's data"

# Config errors, with file:line.
printf '[output]\ntitle_format = {feed} {nosuch}\n' >"$T/bad.conf"
"$FEEDMUX" -c "$T/bad.conf" check-config >"$T/err" 2>&1
is $? 78 "unknown title_format placeholder refused (exit 78)"
contains "$T/err" "bad.conf:2: title_format: unknown placeholder {nosuch}" "with file:line"
printf '[output]\nhtml_content = some\n' >"$T/bad.conf"
"$FEEDMUX" -c "$T/bad.conf" check-config >"$T/err" 2>&1
contains "$T/err" "bad.conf:2: html_content: want excerpt or full" "bad html_content refused"
printf '[output]\ntimezone = Mars/Olympus\n' >"$T/bad.conf"
"$FEEDMUX" -c "$T/bad.conf" check-config >"$T/err" 2>&1
contains "$T/err" "bad.conf:2: timezone: unknown zone" "bad timezone refused"

# The daemon: the page at / and /full/, like the feeds.
"$FEEDMUX" -c "$T/feedmux.conf" run 2>"$T/log" &
dpid=$!
stop_daemon() { [ -z "$dpid" ] || kill "$dpid"; }
at_exit stop_daemon
check "daemon listening" wait_port "$port"
U=http://127.0.0.1:$port
get() {	# get PATH [curl args...]: headers to $T/h, body to $T/b, prints status
	p=$1; shift
	rm -f "$T/b"; : >"$T/b"
	curl -s -o "$T/b" -D "$T/h" -w '%{http_code}' "$@" "$U$p"
}
hdr() { tr -d '\r' <"$T/h" | sed -n "s/^$1: //Ip" | head -1; }
is "$(get /)" 200 "/ is 200"
is "$(hdr Content-Type)" "text/html; charset=utf-8" "/ is text/html"
check "/ serves the page's bytes" cmp "$T/b" "$P"
etag=$(hdr ETag)
is "$(get / -H "If-None-Match: $etag")" 304 "304 on a conditional second request"
is "$(wc -c <"$T/b" | tr -d ' ')" 0 "304 has no body"
is "$(get / -H "If-Modified-Since: $(hdr Last-Modified)")" 304 "304 on If-Modified-Since"
is "$(get / -H 'Accept-Encoding: gzip')" 200 "gzip asked"
is "$(hdr Content-Encoding)" gzip "Content-Encoding: gzip"
check "gunzipped is the page" sh -c 'gzip -dc <"$1" | cmp - "$2"' sh "$T/b" "$P"
is "$(get / -I)" 200 "HEAD / 200"
is "$(hdr Content-Length)" "$(wc -c <"$P" | tr -d ' ')" "HEAD gives the length"
ok $(grep -q '<html' "$T/b"; echo $((1 - $?))) "HEAD has no body"
is "$(get /full/)" 200 "/full/ is the named output's page"
check "/full/ serves its page's bytes" cmp "$T/b" "$T/out/full/index.html"
for p in /nosuch/ /full /index.html //; do
	is "$(get "$p")" 404 "404 for $p"
done

# A feed changes: the daemon polls (SIGUSR1), the page is written again
# and served with a new ETag.
awk '/<entry>/ && !d { d = 1; print "<entry><title>Fresh news</title>" \
    "<link href=\"posts/fresh\"/><id>tag:alpha.example,2023:fresh</id>" \
    "<updated>2023-11-16T10:00:00Z</updated></entry>" } { print }' \
    "$top_srcdir/tests/data/river/alpha.atom" >"$T/feeds/alpha.atom.new"
mv "$T/feeds/alpha.atom.new" "$T/feeds/alpha.atom"
kill -USR1 "$dpid"
check "the page is written again" wait_for grep -q "Fresh news" "$P"
is "$(get / -H "If-None-Match: $etag")" 200 "changed page: 200 on the old ETag"
contains "$T/b" "Alpha Blog: Fresh news" "the new entry served"
ok $([ "$(stat -c '%i %y' "$P")" != "$before" ]; echo $?) "changed store: page replaced"
check "still strict HTML" $CHECK "$P" "Alpha Blog: Fresh news"
kill "$dpid"
wait "$dpid"
is $? 0 "daemon stops cleanly"
dpid=
done_testing
