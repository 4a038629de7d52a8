#!/bin/sh
# Fetching over real HTTP from the loopback fixture server: conditional
# GET, headers sent, redirects, errors, limits, Retry-After and backoff.
# Time is fixed with FEEDMUX_NOW so schedules are checked without waiting.
. "$top_srcdir/tests/lib.sh"
start_fixture
db="$T/fm.db"
NOW=1700000000
export FEEDMUX_NOW=$NOW

feed() {	# feed NAME URL [KEY=VALUE...]
	n=$1 u=$2; shift 2
	printf '[feed "%s"]\nurl = %s\n' "$n" "$u"
	for kv in "$@"; do printf '%s\n' "$kv"; done
}
{
	printf '[feedmux]\ndatabase = %s\njitter = 0\nper_host = 4\n' "$db"
	printf 'interval = 1h\ninterval_min = 5m\ntimeout = 2s\nmax_size = 1M\n'
	printf 'max_redirects = 3\nbackoff_max = 1d\n'
	printf '[output]\natom = %s/atom.xml\n' "$T"
	feed plain "$U/feed/plain"
	feed etagonly "$U/nolm/etagonly"
	feed lmonly "$U/noetag/lmonly"
	feed weak "$U/weak/weak" 'user_agent = custom-agent/1.0' \
	    'header = X-Extra: yes'
	feed gz "$U/gzip/gz"
	feed moved "$U/r301/moved"
	feed temp "$U/r302/temp"
	feed chain "$U/chain/chain"
	feed loop "$U/loop/x"
	feed ftp "$U/ftp/x"
	feed missing "$U/status/404"
	feed broken "$U/status/500"
	feed gone "$U/status/410"
	feed html "$U/html/x"
	feed big "$U/big/x"
	feed bomb "$U/bomb/x"
	feed trunc "$U/truncated/x"
	feed slow "$U/slow/x"
	feed auth "$U/auth/x" 'username = user' 'password = pass'
	feed cached "$U/cache/cached"
} >"$T/fm.conf"
fm() { "$FEEDMUX" -c "$T/fm.conf" "$@"; }
q() { sqlite3 "$db" "$1"; }
req() {	# req PATH FIELD: that header of the last request for PATH ("" if none)
	$PY - "$log" "$1" "$2" <<'PYEOF'
import json, sys
last = None
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["path"] == sys.argv[2]:
        last = r
print("" if last is None else last["headers"].get(sys.argv[3], ""))
PYEOF
}
count() { grep -c "\"path\": \"$1\"" "$log"; }

fm poll >"$T/out1" 2>"$T/err1"
ok $? "first poll exits 0 though some feeds fail"
contains "$T/out1" "20 of 20 feeds polled" "summary line counts every feed"
is "$(q "SELECT count(*) FROM entries e JOIN feeds f ON f.id = e.feed WHERE f.name = 'plain'")" 3 \
    "entries of a plain feed stored"
is "$(q "SELECT etag || '|' || last_modified FROM feeds WHERE name = 'plain'")" \
    "\"v1\"|Tue, 14 Nov 2023 22:13:20 GMT" "validators stored as received"
is "$(q "SELECT etag FROM feeds WHERE name = 'weak'")" 'W/"a b;c=d"' "an odd weak ETag kept opaque"
is "$(req /feed/plain user-agent)" "feedmux/0.1.0 (+https://example.org/feedmux/)" "honest User-Agent"
contains "$log" '"accept": "application/atom+xml' "Accept names feed types"
is "$(req /weak/weak user-agent)" "custom-agent/1.0" "per-feed User-Agent"
is "$(req /weak/weak x-extra)" "yes" "per-feed extra header"
ae=$(req /feed/plain accept-encoding)
case "$ae" in *gzip*) ok 0 "Accept-Encoding offers gzip ($ae)";; *) ok 1 "Accept-Encoding offers gzip ($ae)";; esac
is "$(req /feed/plain if-none-match)" "" "first request is unconditional"
is "$(q "SELECT count(*) FROM entries e JOIN feeds f ON f.id = e.feed WHERE f.name = 'gz'")" 5 "gzip body decoded"
is "$(q "SELECT url FROM feeds WHERE name = 'moved'")" "$U/feed/moved" "301 updates the stored URL"
is "$(q "SELECT url FROM feeds WHERE name = 'temp'")" "$U/r302/temp" "302 keeps the stored URL"
is "$(q "SELECT url FROM feeds WHERE name = 'chain'")" "$U/chain/chain" "301 then 302 keeps the URL"
is "$(q "SELECT count(*) FROM entries e JOIN feeds f ON f.id = e.feed WHERE f.name = 'temp'")" 3 "302 followed"
is "$(q "SELECT count(*) FROM entries e JOIN feeds f ON f.id = e.feed WHERE f.name = 'auth'")" 3 "basic auth sent"
contains "$T/err1" "loop: $U/loop/x: more than 3 redirects" "redirect loop: clear error"
contains "$T/err1" "ftp: $U/ftp/x: redirect to a non-HTTP(S) URL refused" "redirect to ftp refused"
is "$(q "SELECT last_error FROM feeds WHERE name = 'missing'")" "missing: $U/status/404: HTTP 404" \
    "404 recorded with feed, URL and status"
is "$(q "SELECT failures || ' ' || last_status || ' ' || next_reason FROM feeds WHERE name = 'broken'")" \
    "1 500 backoff" "500 counted, backoff scheduled"
is "$(q "SELECT gone FROM feeds WHERE name = 'gone'")" 1 "410 retires the feed"
contains "$T/err1" "html: $U/html/x: got an HTML page, not a feed" "HTML page refused"
contains "$T/err1" "big: $U/big/x: body larger than max_size" "oversized body refused"
contains "$T/err1" "bomb: $U/bomb/x: body larger than max_size" "decompressed size bounded too"
contains "$T/err1" "trunc: $U/truncated/x: truncated body" "truncated body is an error"
contains "$T/err1" "slow: $U/slow/x: timed out" "slow drip times out"
is "$(q "SELECT count(*) FROM entries e JOIN feeds f ON f.id = e.feed WHERE f.name IN ('html','big','trunc')")" 0 \
    "failed fetches store no entries"
is "$(q "SELECT (next_poll - $NOW) || ' ' || next_reason FROM feeds WHERE name = 'cached'")" "7200 max-age" \
    "Cache-Control max-age lengthens the interval"
is "$(q "SELECT (next_poll - $NOW) || ' ' || next_reason FROM feeds WHERE name = 'plain'")" "3600 interval" \
    "next poll after the interval"
[ -s "$T/atom.xml" ]; ok $? "merged feed written after the cycle"

# Nothing is due at the same instant: no request at all.
n0=$(wc -l <"$log")
fm poll >"$T/out2" 2>&1
is "$(wc -l <"$log")" "$n0" "a second poll at the same time sends nothing"

# --all: every feed, conditional, except those a server postponed.
fm poll --all >"$T/out3" 2>"$T/err3"
is "$(req /feed/plain if-none-match)" '"v1"' "ETag sent back"
is "$(req /feed/plain if-modified-since)" "Tue, 14 Nov 2023 22:13:20 GMT" "Last-Modified sent back"
is "$(req /weak/weak if-none-match)" 'W/"a b;c=d"' "weak ETag sent back exactly"
is "$(req /noetag/lmonly if-modified-since)" "Tue, 14 Nov 2023 22:13:20 GMT" "Last-Modified alone sent back"
is "$(q "SELECT last_status || ' ' || failures FROM feeds WHERE name = 'plain'")" "304 0" "304 is success"
is "$(q "SELECT etag FROM feeds WHERE name = 'plain'")" '"v1"' "validators kept over a 304"
is "$(count /status/410)" 1 "a gone feed is not polled again"
is "$(count /feed/moved)" 2 "the moved feed is fetched at its new URL"
is "$(count /r301/moved)" 1 "the old URL is not asked again"
is "$(q "SELECT failures FROM feeds WHERE name = 'broken'")" 2 "consecutive failures counted"
is "$(q "SELECT count(*) FROM entries e JOIN feeds f ON f.id = e.feed WHERE f.name = 'plain'")" 3 \
    "no duplicates after a 304"

# Backoff grows: the 500 feed's next attempt after 2 failures is later.
b=$(q "SELECT next_poll - $NOW FROM feeds WHERE name = 'broken'")
[ "$b" -gt 3600 ] && [ "$b" -le 7200 ]; ok $? "second failure backs off about 2 intervals ($b s)"

# Retry-After postpones the feed and every feed of its host, and --all
# honours it.
{
	printf '[feedmux]\ndatabase = %s/ra.db\njitter = 0\nper_host = 1\n' "$T"
	feed limited "$U/retry/3600"
	feed after "$U/feed/after"
	feed busy "$U/retrydate/x"
} >"$T/ra.conf"
"$FEEDMUX" -c "$T/ra.conf" poll >"$T/ra.out" 2>&1
contains "$T/ra.out" "2 postponed" "feeds of a host that asked to wait is postponed"
ra() { sqlite3 "$T/ra.db" "SELECT (next_poll - $NOW) || ' ' || next_reason FROM feeds WHERE name = '$1'"; }
is "$(ra limited)" "3600 retry-after" "429 Retry-After in seconds postpones the feed"
is "$(ra after)" "3600 retry-after (host)" "and the other feed of that host"
is "$(count /feed/after)" 0 "which is not asked at all"
"$FEEDMUX" -c "$T/ra.conf" poll --all >/dev/null 2>&1
is "$(count /retry/3600)" 1 "--all honours Retry-After"
is "$(count /feed/after)" 0 "--all honours the host's Retry-After"
printf '[feedmux]\ndatabase = %s/rd.db\n' "$T" >"$T/rd.conf"
feed busy "$U/retrydate/x" >>"$T/rd.conf"
"$FEEDMUX" -c "$T/rd.conf" poll >/dev/null 2>&1
is "$(sqlite3 "$T/rd.db" "SELECT next_poll || ' ' || next_reason FROM feeds")" \
    "1700035200 retry-after" "503 Retry-After as an HTTP date"

# Every feed failing: exit 69.
printf '[feedmux]\ndatabase = %s/x.db\n[feed "a"]\nurl = %s/status/500\n' "$T" "$U" >"$T/bad.conf"
"$FEEDMUX" -c "$T/bad.conf" poll >/dev/null 2>&1
is "$?" 69 "every feed failing exits 69"
done_testing
