#!/bin/sh
# Every feed of the parser's test corpus (control characters, broken and
# mislabelled encodings, entities, ]]>, hostile XML, ...) polled through
# file:// into one store, then merged: every output is still valid for a
# strict XML parser, the Atom schema, feedparser and feedmux's own parser,
# and holds every entry the store shows.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/merge-lib.sh"
B=$top_builddir/tests
CHECK="$PY $top_srcdir/tests/merge_check.py"
mkdir -p "$T/out"
{
	printf '[feedmux]\ndatabase = %s/db.sqlite\nlog_level = error\n' "$T"
	printf '[output]\natom = %s/out/atom.xml\nrss = %s/out/rss.xml\n' "$T" "$T"
	printf 'json = %s/out/feed.json\nentries = 100000\n' "$T"
	printf 'link = https://planet.example.org/\n'
	for f in "$top_srcdir"/tests/parse/*.xml; do
		b=$(basename "$f" .xml)
		[ -f "$top_srcdir/tests/parse/$b.json" ] || continue
		printf '[feed "%s"]\nurl = file://%s\n' "$b" "$f"
	done
} >"$T/feedmux.conf"
nfeeds=$(grep -c '^\[feed ' "$T/feedmux.conf")
ok $([ "$nfeeds" -ge 20 ]; echo $?) "corpus has $nfeeds feeds"
"$FEEDMUX" -c "$T/feedmux.conf" poll --all >"$T/poll.out" 2>&1
ok 0 "poll ran (exit $?: some corpus feeds are meant to fail)"
check "feedmux merge" "$FEEDMUX" -c "$T/feedmux.conf" merge
"$B/merge_fill" "$T/feedmux.conf" dump >"$T/dump"
n=$(wc -l <"$T/dump" | tr -d ' ')
ok $([ "$n" -ge 40 ]; echo $?) "store shows $n entries"
is "$(grep -c '<entry>' "$T/out/atom.xml")" "$n" "every entry in the Atom feed"
check_outputs "$T/dump"
done_testing
