#!/bin/sh
# t-text-output: a feed full of control characters (raw, as references,
# escaped twice in HTML) polled from a file; the merged outputs, the digest
# files and `feedmux status` hold none of them and are valid UTF-8: a
# terminal may cat any of them.
. "$top_srcdir/tests/lib.sh"

mkdir -p "$T/out" "$T/digests"
printf '%s\n' '<?xml version="1.0" encoding="utf-8"?>' \
    '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>' \
    "<title>Ctl$(printf '\177') feed &#127;name</title>" \
    '<link>https://ctl.example.com/</link>' \
    "<description>Sub$(printf '\177')title</description>" \
    '<item><guid>c1</guid>' \
    "<title>Bell$(printf '\007') DEL$(printf '\177') ref&#127; &amp;#1; &amp;#x1b;[31m red</title>" \
    '<link>https://ctl.example.com/1</link>' \
    "<dc:creator>Au$(printf '\177')thor$(printf '\033')</dc:creator>" \
    "<category>Ca$(printf '\177')t &#127;</category>" \
    '<pubDate>Tue, 01 Dec 2026 10:00:00 +0000</pubDate>' \
    "<description>&lt;p&gt;Body$(printf '\177') &amp;#27;[2J &amp;#1; text&lt;/p&gt;</description>" \
    "<content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">&lt;p&gt;bad $(printf '\303') byte &amp;#127;&lt;/p&gt;</content:encoded>" \
    '</item></channel></rss>' >"$T/feed.xml"
# Not a feed: the error names the root element, a long non-ASCII name
# that every message it goes into cuts to fit; so does the status table
# the feed's name (80 bytes).
$PY -c 'import sys; n = "\u00e9" * 300; sys.stdout.write("<%s>x</%s>" % (n, n))' \
    >"$T/bad.xml"
cat >"$T/feedmux.conf" <<EOF
[feedmux]
database = $T/db.sqlite
[feed "ctl"]
url = $T/feed.xml
[feed "$(printf '\303\251%.0s' $(seq 40))"]
url = $T/bad.xml
[output]
atom = $T/out/atom.xml
rss = $T/out/rss.xml
json = $T/out/feed.json
[digest]
dir = $T/digests
EOF
C="-c $T/feedmux.conf"
# shellcheck disable=SC2086
FEEDMUX_NOW=1796119200 $FEEDMUX $C poll >"$T/poll.out" 2>&1
contains "$T/poll.out" "1 updated" "poll the feed files"
# shellcheck disable=SC2086
check "merge" $FEEDMUX $C merge
# shellcheck disable=SC2086
FEEDMUX_NOW=1796119300 $FEEDMUX $C digest >"$T/digest.out" 2>&1
is $? 0 "digest to files"
# shellcheck disable=SC2086
$FEEDMUX $C status >"$T/status.txt" 2>&1
# shellcheck disable=SC2086
$FEEDMUX $C status --json >"$T/status.json" 2>&1
for f in "$T"/out/atom.xml "$T"/out/rss.xml "$T"/out/feed.json \
    "$T"/digests/*.html "$T"/digests/*.txt "$T/status.txt" "$T/status.json"; do
	check "$(basename "$f"): UTF-8, no control character but TAB, LF" \
	    $PY -c '
import re, sys
b = open(sys.argv[1], "rb").read()
b.decode("utf-8")
m = re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", b)
assert m is None, b[max(0, m.start() - 40):m.end() + 40]
' "$f"
done
contains "$T/out/feed.json" '"title": "Bell DEL ref' "the title is there, its controls gone"
contains "$T/status.txt" "ctl" "status lists the feed"
contains "$T/status.json" "not a feed: the root element is" "status has the error"
done_testing
