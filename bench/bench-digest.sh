#!/bin/sh
# bench-digest.sh: a digest of 20,000 new entries from 100 feeds, text and
# HTML: `feedmux digest -n` (SQLite range query, cross-feed folding,
# html_to_text excerpts, grouping, templates, wrapping; process start
# included) beside sfeed_plain and sfeed_html (sfeed's TSV to text/HTML
# lists: no excerpts, grouping or dedup) on the same entries, best of 5.
# The store and the TSV files come from bench/merge_bench.
set -u
: "${top_builddir:=.}"
N=${BENCH_ENTRIES:-20000}
T=$(mktemp -d "${TMPDIR:-/tmp}/feedmux-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
"$top_builddir/bench/merge_bench" "$T" "$N" 100 >/dev/null || exit 1

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

C="-c $T/feedmux.conf"
ft=$(best_of5 "$T/d.txt" "$FEEDMUX" $C digest -n) || exit 1
fh=$(best_of5 "$T/d.html" "$FEEDMUX" $C digest -n -H) || exit 1
printf 'feedmux digest text %d entries from 100 feeds: %d ms, %.1f MB\n' \
    "$N" "$ft" "$(mb "$T/d.txt")"
printf 'feedmux digest html %d entries from 100 feeds: %d ms, %.1f MB\n' \
    "$N" "$fh" "$(mb "$T/d.html")"
if ! command -v sfeed_plain >/dev/null || ! command -v sfeed_html >/dev/null
then
	echo "sfeed not installed (Debian package sfeed): no peer figure"
	exit 0
fi
st=$(best_of5 "$T/s.txt" sfeed_plain "$T"/sfeed/*) || exit 1
sh=$(best_of5 "$T/s.html" sfeed_html "$T"/sfeed/*) || exit 1
printf 'sfeed_plain         %d entries from 100 feeds: %d ms, %.1f MB\n' \
    "$N" "$st" "$(mb "$T/s.txt")"
printf 'sfeed_html          %d entries from 100 feeds: %d ms, %.1f MB\n' \
    "$N" "$sh" "$(mb "$T/s.html")"
