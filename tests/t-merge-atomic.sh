#!/bin/sh
# A reader never sees a partial file: while the outputs are rewritten 40
# times (each a larger document), a second process reads and parses them.
. "$top_srcdir/tests/lib.sh"
B=$top_builddir/tests
mkdir -p "$T/out"
cat >"$T/feedmux.conf" <<EOC
[feedmux]
database = $T/db.sqlite
[feed "alpha"]
url = https://alpha.example/feed.xml
[feed "beta"]
url = https://beta.example/rss
[output]
atom = $T/out/atom.xml
rss = $T/out/rss.xml
json = $T/out/feed.json
entries = 1000
EOC
check "store filled" "$B/merge_fill" "$T/feedmux.conf"
check "first merge" "$FEEDMUX" -c "$T/feedmux.conf" merge
$PY "$top_srcdir/tests/merge_reader.py" "$T/out" "$T/stop" >"$T/reader" &
rpid=$!
fails=0
i=0
while [ $i -lt 40 ]; do
	"$B/merge_fill" "$T/feedmux.conf" more $((i * 20)) 20 || fails=$((fails + 1))
	"$FEEDMUX" -c "$T/feedmux.conf" merge || fails=$((fails + 1))
	i=$((i + 1))
done
touch "$T/stop"
wait $rpid
ok $? "reader finished"
is $fails 0 "40 rewrites succeeded"
is "$(grep -c '<entry>' "$T/out/atom.xml")" 805 "last document complete"
contains "$T/reader" " partial 0" "no read saw a partial file"
reads=$(sed -n 's/^reads \([0-9]*\).*/\1/p' "$T/reader")
ok $([ "${reads:-0}" -ge 3 ]; echo $?) "reader read while writing (${reads:-0} reads)"
ls "$T/out" >"$T/left"
is "$(grep -c tmp "$T/left")" 0 "no temporary files left"
done_testing
