#!/bin/sh
# regen-parse: rewrite tests/parse/NAME.json from what `feedmux parse --json`
# gives now, in the layout of the others.  Usage (from the top directory):
#   FEEDMUX=_build/feedmux tests/regen-parse.sh NAME...
# Read the diff before committing it: it is the new expectation.
set -eu
D=$(dirname "$0")/parse
for n in "$@"; do
	in=$D/$n.xml
	[ -f "$in" ] || in=$D/$n.json-in
	# shellcheck disable=SC2046
	"${FEEDMUX:-feedmux}" parse --json $(cat "$D/$n.args" 2>/dev/null) \
	    "$in" 2>/dev/null | /usr/bin/python3 -c 'import json, sys
d = json.load(sys.stdin)
sys.stdout.write(json.dumps(d, indent=1, ensure_ascii=False) + "\n")' >"$D/$n.json"
done
