#!/bin/sh
# bench-merge.sh: render 20,000 entries from 100 feeds as one merged feed:
# feedmux (SQLite query, dedup fold, render, from the store) beside
# sfeed_atom (sfeed's TSV-to-Atom, no sorting or dedup) on the same
# entries, each the best of 5 in this run.
set -u
: "${top_builddir:=.}"
N=${BENCH_ENTRIES:-20000}
T=$(mktemp -d "${TMPDIR:-/tmp}/feedmux-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
"$top_builddir/bench/merge_bench" "$T" "$N" 100 || exit 1
if ! command -v sfeed_atom >/dev/null; then
	echo "sfeed_atom not installed (Debian package sfeed): no peer figure"
	exit 0
fi
best=
for r in 1 2 3 4 5; do
	s=$(date +%s%N)
	sfeed_atom "$T"/sfeed/* >"$T/sfeed.xml"
	ms=$(( ($(date +%s%N) - s) / 1000000 ))
	[ -z "$best" ] || [ "$ms" -lt "$best" ] && best=$ms
done
awk -v n="$N" -v ms="$best" -v b="$(wc -c <"$T/sfeed.xml")" 'BEGIN {
	printf "sfeed_atom atom %d entries from 100 feeds: %d ms, %.1f MB\n", n, ms, b / 1e6 }'
