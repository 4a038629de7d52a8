#!/bin/sh
# The river page in a real browser: the daemon serves it at / over
# loopback, Debian's headless chromium loads it at a desktop and a phone
# viewport (tests/river_browser.py drives it over the DevTools protocol):
# it loads with no console error and no failed request, holds every entry,
# fits the phone's width; the two screenshots are left in the build dir
# (tests/river-desktop.png, tests/river-phone.png).
. "$top_srcdir/tests/lib.sh"
if [ ! -x /usr/bin/chromium ]; then
	echo "1..0 # SKIP /usr/bin/chromium not installed"
	exit 0
fi
export XDG_STATE_HOME="$T/state"
mkdir -p "$T/feeds" "$T/out" "$T/www/blog/img"
# The entries' site on loopback, so their image loads too.
www=$(free_port)
$PY -c 'import struct, sys, zlib
w, h = 160, 90
rows = b"".join(b"\0" + b"".join(bytes((40 + x % 200, 90 + y, 170)) for x in range(w))
                for y in range(h))
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
sys.stdout.buffer.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))' >"$T/www/blog/img/pic.png"
$PY -m http.server --bind 127.0.0.1 --directory "$T/www" "$www" >"$T/www.log" 2>&1 &
wpid=$!
stop_www() { kill "$wpid"; }
at_exit stop_www
check "loopback site up" wait_port "$www"
sed "s|https://alpha.example/|http://127.0.0.1:$www/|g" "$top_srcdir/tests/data/river/alpha.atom" \
    >"$T/feeds/alpha.atom"
cp "$top_srcdir/tests/data/river/beta.rss" "$T/feeds/"
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
[output]
atom = $T/out/atom.xml
rss = $T/out/rss.xml
json = $T/out/feed.json
html = $T/out/index.html
title = River in a browser
html_content = full
title_format = {feed}: {title}
EOC
"$FEEDMUX" -c "$T/feedmux.conf" run 2>"$T/log" &
dpid=$!
stop_daemon() { [ -z "$dpid" ] || kill "$dpid"; }
at_exit stop_daemon
check "daemon listening" wait_port "$port"
check "the page is written" wait_for grep -q "Late night post" "$T/out/index.html"
rm -f "$top_builddir/tests/river-desktop.png" "$top_builddir/tests/river-phone.png"
$PY "$top_srcdir/tests/river_browser.py" "http://127.0.0.1:$port/" \
    "$top_builddir/tests" "Alpha Blog: Late night post" "Alpha Blog: Unlinked thought" \
    "Alpha Blog: Morning <b>notes</b> & coffee" \
    "Beta News: Beta launches \"quotes\" & things" \
    "Beta News: Ünïcödé — ελληνικά 日本語" >"$T/browser" 2>&1
is $? 0 "river_browser.py exits 0"
while IFS= read -r line; do
	case $line in
	"ok - "*) ok 0 "${line#ok - }" ;;
	"not ok - "*) ok 1 "${line#not ok - }" ;;
	"#"*) echo "$line" ;;
	*) echo "# $line" ;;
	esac
done <"$T/browser"
contains "$T/www.log" '"GET /blog/img/pic.png HTTP/1.1" 200' "the entry's image loaded from loopback"
test -s "$top_builddir/tests/river-desktop.png" && test -s "$top_builddir/tests/river-phone.png"
ok $? "both screenshots in the build dir"
kill "$dpid"
wait "$dpid"
is $? 0 "daemon stops cleanly"
dpid=
done_testing
