#!/bin/sh
# Every feed of the parser's test corpus (control characters, broken and
# mislabelled encodings, entities, ]]>, hostile XML, ...) polled through
# file:// into one store, then merged: every output is still valid for a
# strict XML parser, the Atom schema, feedparser and feedmux's own parser,
# and holds every entry the store shows.
. "$top_srcdir/tests/lib.sh"
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
for f in atom.xml rss.xml; do
	check "$f well-formed" xmllint --noout --nonet "$T/out/$f"
done
check "atom.xml valid against the Atom schema" xmllint --noout --nonet \
    --relaxng "$top_srcdir/tests/data/merge/atom.rng" "$T/out/atom.xml"
check "feed.json is JSON" $PY -m json.tool "$T/out/feed.json"
check "atom: feedparser reads the store's entries" $CHECK "$T/dump" atom "$T/out/atom.xml"
check "rss: feedparser reads the store's entries" $CHECK "$T/dump" rss "$T/out/rss.xml"
check "json: the store's entries" $CHECK "$T/dump" json "$T/out/feed.json"
for f in atom rss; do
	check "$f: feedmux parse reads the store's entries" sh -c \
	    '"$1" parse --json "$2" >"$3" && $4 "$5" "own-$6" "$3"' sh \
	    "$FEEDMUX" "$T/out/$f.xml" "$T/parsed.$f" "$CHECK" "$T/dump" "$f"
done
done_testing
