#!/bin/sh
# bench-digest.sh: a digest of 20,000 new entries from 100 feeds, text and
# HTML: `feedmux digest -n` (SQLite range query, cross-feed folding,
# html_to_text excerpts, grouping, templates, wrapping; process start
# included) beside sfeed_plain and sfeed_html (sfeed's TSV to text/HTML
# lists: no excerpts, grouping or dedup) on the same entries, best of 5.
# Then 5,000 entries (BENCH_DIGEST_ENTRIES) as the HTML part with
# content = excerpt and content = full (the whole sanitized content, and
# the text part's rendering with numbered references), beside sfeed_html.
# The stores and the TSV files come from bench/merge_bench.
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

# full DIR N: the 5,000-entry figures, excerpt and full.
full() {
	mkdir -p "$1"
	"$top_builddir/bench/merge_bench" "$1" "$2" 100 >/dev/null || return 1
	cp "$1/feedmux.conf" "$1/full.conf"
	printf '[digest]\ncontent = full\n' >>"$1/full.conf"
	xe=$(best_of5 "$1/e.html" "$FEEDMUX" -c "$1/feedmux.conf" digest -n -H) ||
		return 1
	xf=$(best_of5 "$1/f.html" "$FEEDMUX" -c "$1/full.conf" digest -n -H) ||
		return 1
	xt=$(best_of5 "$1/f.txt" "$FEEDMUX" -c "$1/full.conf" digest -n) ||
		return 1
	printf 'feedmux digest html excerpt %d entries: %d ms, %.1f MB\n' \
	    "$2" "$xe" "$(mb "$1/e.html")"
	printf 'feedmux digest html full    %d entries: %d ms, %.1f MB\n' \
	    "$2" "$xf" "$(mb "$1/f.html")"
	printf 'feedmux digest text full    %d entries: %d ms, %.1f MB\n' \
	    "$2" "$xt" "$(mb "$1/f.txt")"
	command -v sfeed_html >/dev/null || return 0
	xs=$(best_of5 "$1/s.html" sfeed_html "$1"/sfeed/*) || return 1
	printf 'sfeed_html                  %d entries: %d ms, %.1f MB\n' \
	    "$2" "$xs" "$(mb "$1/s.html")"
}

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
	full "$T/five" "${BENCH_DIGEST_ENTRIES:-5000}"
	exit
fi
st=$(best_of5 "$T/s.txt" sfeed_plain "$T"/sfeed/*) || exit 1
sh=$(best_of5 "$T/s.html" sfeed_html "$T"/sfeed/*) || exit 1
printf 'sfeed_plain         %d entries from 100 feeds: %d ms, %.1f MB\n' \
    "$N" "$st" "$(mb "$T/s.txt")"
printf 'sfeed_html          %d entries from 100 feeds: %d ms, %.1f MB\n' \
    "$N" "$sh" "$(mb "$T/s.html")"
full "$T/five" "${BENCH_DIGEST_ENTRIES:-5000}"
