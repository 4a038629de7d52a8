#!/bin/sh
# The HTTP endpoint with real requests over loopback: documents, validators,
# 304s, gzip, 404/405, digest, health and metrics.
. "$top_srcdir/tests/lib.sh"
B=$top_builddir/tests
port=$(free_port)
mkdir -p "$T/digests"
cat >"$T/feedmux.conf" <<EOC
[feedmux]
database = $T/db.sqlite
listen = 127.0.0.1:$port
[feed "alpha"]
url = https://alpha.example/feed.xml
category = tech
[feed "beta"]
url = https://beta.example/rss
category = security
[output]
title = Test Planet
[output "sec"]
categories = security
[digest]
dir = $T/digests
EOC
check "store filled" "$B/merge_fill" "$T/feedmux.conf"
FEEDMUX_NOW=1700000100 "$B/httpd_serve" "$T/feedmux.conf" 2>"$T/serve.err" &
pid=$!
stop() { kill "$pid"; wait "$pid"; }
at_exit stop
check "listening" wait_port "$port"
U=http://127.0.0.1:$port

get() {	# get PATH [curl args...]: headers to $T/h, body to $T/b, prints status
	p=$1; shift
	rm -f "$T/b"; : >"$T/b"
	curl -s -o "$T/b" -D "$T/h" -w '%{http_code}' "$@" "$U$p"
}
hdr() { tr -d '\r' <"$T/h" | sed -n "s/^$1: //Ip" | head -1; }

is "$(get /atom.xml)" 200 "/atom.xml 200"
is "$(hdr Content-Type)" "application/atom+xml; charset=utf-8" "atom content type"
check "atom body is well-formed" xmllint --noout "$T/b"
contains "$T/b" "<title type=\"text\">Test Planet</title>" "first output's document"
etag=$(hdr ETag)
lm=$(hdr Last-Modified)
is "$(echo "$etag" | cut -c1)" '"' "strong ETag"
is "$lm" "Tue, 14 Nov 2023 22:15:00 GMT" "Last-Modified is when the bytes appeared"
cp "$T/b" "$T/atom1"
is "$(get /atom.xml -H "If-None-Match: $etag")" 304 "304 on If-None-Match"
is "$(wc -c <"$T/b" | tr -d ' ')" 0 "304 has no body"
is "$(get /atom.xml -H "If-None-Match: \"other\", W/$etag")" 304 "304 on a listed weak tag"
is "$(get /atom.xml -H 'If-None-Match: "other"')" 200 "200 on another tag"
is "$(get /atom.xml -H "If-Modified-Since: $lm")" 304 "304 on If-Modified-Since"
is "$(get /atom.xml -H 'If-Modified-Since: Tue, 14 Nov 2023 22:14:59 GMT')" 200 \
    "200 when modified since"
is "$(get /atom.xml -H 'If-None-Match: "other"' -H "If-Modified-Since: $lm")" 200 \
    "If-None-Match decides over the date"
is "$(get /atom.xml -H 'If-Modified-Since: Tuesday, 14-Nov-23 22:15:00 GMT')" 304 \
    "304 on an RFC 850 date"
is "$(get /atom.xml -H 'If-Modified-Since: Tue Nov 14 22:15:00 2023')" 304 \
    "304 on an asctime date"
is "$(get /atom.xml -H 'If-Modified-Since: Tue, 14 Nov 2023 22:15:00 +0000')" 200 \
    "200 when the date is no HTTP-date (RFC 9110 13.1.3: ignored)"

is "$(get /atom.xml -H 'Accept-Encoding: gzip')" 200 "gzip asked"
is "$(hdr Content-Encoding)" gzip "Content-Encoding: gzip"
gzetag=$(hdr ETag)
ok $([ "$gzetag" != "$etag" ]; echo $?) "gzip has its own ETag"
gzip -dc <"$T/b" >"$T/unzipped"
check "gunzipped is the same document" cmp "$T/unzipped" "$T/atom1"
is "$(get /atom.xml -H 'Accept-Encoding: gzip' -H "If-None-Match: $gzetag")" 304 \
    "304 on the gzip ETag"
is "$(get /atom.xml -H 'Accept-Encoding: gzip;q=0, identity')" 200 "gzip;q=0"
is "$(hdr Content-Encoding)" "" "q=0 refuses gzip"
is "$(hdr Vary)" "Accept-Encoding" "Vary: Accept-Encoding"

is "$(get /rss.xml)" 200 "/rss.xml 200"
is "$(hdr Content-Type)" "application/rss+xml; charset=utf-8" "rss content type"
check "rss body is well-formed" xmllint --noout "$T/b"
is "$(get /feed.json)" 200 "/feed.json 200"
is "$(hdr Content-Type)" "application/feed+json; charset=utf-8" "json content type"
check "json body parses" $PY -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/b"
is "$(get /sec/atom.xml)" 200 "named output /sec/atom.xml"
is "$(grep -c '<entry>' "$T/b")" 1 "named output filtered"

is "$(get /atom.xml -I)" 200 "HEAD 200"
grep -q '<feed' "$T/b"; ok $((1 - $?)) "HEAD has no body"
is "$(hdr Content-Length)" "$(wc -c <"$T/atom1" | tr -d ' ')" "HEAD gives the length"
is "$(get /atom.xml -X POST)" 405 "POST refused"
is "$(hdr Allow)" "GET, HEAD" "Allow header"
for p in /nope /atom.xml/ /../atom.xml /nosuch/atom.xml /sec/../etc/passwd \
    "/%2e%2e/feedmux.conf" /digest-1.html /feedmux.conf; do
	is "$(get "$p" --path-as-is)" 404 "404 for $p"
done

is "$(get /digest.html)" 404 "no digest yet: 404"
echo "<p>old</p>" >"$T/digests/digest-2023-11-13.html"
echo "<p>new</p>" >"$T/digests/digest-2023-11-14.html"
touch -d @1699900000 "$T/digests/digest-2023-11-13.html"
touch -d @1699990000 "$T/digests/digest-2023-11-14.html"
echo "<p>x</p>" >"$T/digests/other.html"
is "$(get /digest.html)" 200 "digest 200"
contains "$T/b" "<p>new</p>" "the newest digest"
is "$(hdr Content-Type)" "text/html; charset=utf-8" "digest content type"
is "$(hdr Last-Modified)" "Tue, 14 Nov 2023 19:26:40 GMT" "digest Last-Modified is its mtime"

is "$(get /healthz)" 200 "/healthz"
is "$(cat "$T/b")" ok "healthz body"
is "$(get /metrics)" 200 "/metrics"
is "$(hdr Content-Type)" "text/plain; version=0.0.4; charset=utf-8" "Prometheus text type"
contains "$T/b" "feedmux_feeds 2" "metrics: feeds"
contains "$T/b" "feedmux_entries 6" "metrics: entries"
contains "$T/b" "# TYPE feedmux_fetches_total counter" "metrics: fetch counter"
contains "$T/b" "feedmux_last_cycle_duration_seconds 0.000" "metrics: cycle duration"

# New entries: the cached document is rendered again, with a new ETag.
check "one more entry" "$B/merge_fill" "$T/feedmux.conf" more 1 1
is "$(get /atom.xml -H "If-None-Match: $etag")" 200 "store changed: 200"
contains "$T/b" "Generated entry 1" "new entry served"
ok $([ "$(hdr ETag)" != "$etag" ]; echo $?) "new ETag"
kill -HUP "$pid"
is "$(get /atom.xml)" 200 "after httpd_refresh"
kill "$pid"
wait "$pid"
is $? 0 "server stops cleanly on SIGTERM (no leak under ASan)"
is "$(cat "$T/serve.err")" "" "nothing on the server's stderr"
done_testing
