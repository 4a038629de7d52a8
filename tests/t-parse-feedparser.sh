#!/bin/sh
# t-parse-feedparser: `feedmux parse --json` beside python3-feedparser on
# the parser fixtures and ../shared/corpus (when present), field by field
# (tests/feedparser-diff.py).  Every disagreement is either fixed or listed
# in tests/feedparser-diff.known with the reason feedmux's answer is better.
. "$top_srcdir/tests/lib.sh"

if ! $PY -c 'import feedparser' 2>/dev/null; then
	echo "Bail out! python3-feedparser is not installed (.ci/install-deps)"
	exit 1
fi
dirs="parse=$top_srcdir/tests/parse"
R=$top_srcdir/../shared/corpus/realworld
[ -d "$R" ] && dirs="$dirs corpus=$R"
known=$top_srcdir/tests/feedparser-diff.known
if [ ! -d "$R" ]; then	# the corpus's lines cannot be checked without it
	grep -v '^corpus/' "$known" >"$T/known"
	known=$T/known
fi
# shellcheck disable=SC2086
exec $PY "$top_srcdir/tests/feedparser-diff.py" "$FEEDMUX" "$known" $dirs
