#!/bin/sh
# Every feed of the parser's test corpus (control characters, broken and
# mislabelled encodings, entities, ]]>, hostile XML, ...) polled through
# file:// into one store, then merged: every output is still valid for a
# strict XML parser, the Atom schema, feedparser and feedmux's own parser,
# and holds every entry the store shows; so are the river pages, for
# html5lib in strict mode.
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
	printf 'html = %s/out/index.html\nhtml_content = full\n' "$T"
	printf '[output "excerpt"]\nhtml = %s/out/excerpt.html\nentries = 100000\n' "$T"
	printf 'title_format = {feed}: {title}\n'
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
# The river pages of the same entries: strict HTML, no script, links
# absolute, the full content and the excerpts alike.
for f in index excerpt; do
	check "river page ($f) read by html5lib (strict)" \
	    $PY "$top_srcdir/tests/river_check.py" "$T/out/$f.html"
	is "$(grep -c '<article>' "$T/out/$f.html")" "$n" "every entry on the $f page"
done
done_testing
