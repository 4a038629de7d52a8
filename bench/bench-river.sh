#!/bin/sh
# bench-river.sh: the river page of 5,000 entries: `feedmux merge -p html`
# (process start, SQLite query, dedup fold, filters, excerpts or the full
# content, day grouping in a time zone, the template) beside sfeed_html
# (sfeed's TSV to an HTML list of titles) on the same entries, made once
# as an Atom file (bench/gen-feed.py) that feedmux polls and sfeed parses.
# Each the best of 5 in this run; sfeed's figure with and without parsing.
set -u
: "${top_builddir:=.}"
: "${top_srcdir:=.}"
N=${BENCH_ENTRIES:-5000}
T=$(mktemp -d "${TMPDIR:-/tmp}/feedmux-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
/usr/bin/python3 "$top_srcdir/bench/gen-feed.py" atom "$N" >"$T/feed.atom" || exit 1

best_of5() {	# best_of5 OUT CMD...: milliseconds of the fastest of 5 runs
	out=$1; shift
	best=
	for r in 1 2 3 4 5; do
		s=$(date +%s%N)
		"$@" >"$out" || return 1
		ms=$(( ($(date +%s%N) - s) / 1000000 ))
		if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
	done
	echo "$best"
}
mb() { echo "$(wc -c <"$1") / 1000000" | bc -l; }

for mode in excerpt full; do
	cat >"$T/$mode.conf" <<EOC
[feedmux]
database = $T/db.sqlite
max_size = 1G
keep = 0
keep_max = 0
[feed "bench"]
url = file://$T/feed.atom
[output]
atom = $T/atom.xml
html = $T/river.html
entries = $N
html_content = $mode
timezone = Europe/Istanbul
title_format = {feed}: {title}
EOC
done
XDG_STATE_HOME="$T/state" "$FEEDMUX" -c "$T/excerpt.conf" poll --all >/dev/null ||
	exit 1
for mode in excerpt full; do
	ms=$(XDG_STATE_HOME="$T/state" best_of5 "$T/$mode.html" "$FEEDMUX" \
	    -c "$T/$mode.conf" merge -p html) || exit 1
	n=$(grep -c '<article>' "$T/$mode.html")
	printf 'feedmux river page (%s) %d entries: %d ms, %.1f MB\n' "$mode" \
	    "$n" "$ms" "$(mb "$T/$mode.html")"
done
if ! command -v sfeed >/dev/null || ! command -v sfeed_html >/dev/null; then
	echo "sfeed not installed (Debian package sfeed): no peer figure"
	exit 0
fi
sfeed <"$T/feed.atom" >"$T/feed.tsv"
ms=$(best_of5 "$T/s.html" sfeed_html "$T/feed.tsv") || exit 1
printf 'sfeed_html %d entries: %d ms, %.1f MB\n' "$(wc -l <"$T/feed.tsv")" \
    "$ms" "$(mb "$T/s.html")"
ms=$(best_of5 "$T/s2.html" sh -c 'sfeed <"$1" | sfeed_html' sh "$T/feed.atom") ||
	exit 1
printf 'sfeed < atom | sfeed_html %d entries: %d ms, %.1f MB\n' \
    "$(wc -l <"$T/feed.tsv")" "$ms" "$(mb "$T/s2.html")"
