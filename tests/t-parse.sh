#!/bin/sh
# t-parse: every feed under tests/parse/ through `feedmux parse --json`,
# compared as JSON with the expected NAME.json beside it.  NAME.args holds
# extra arguments (--charset); NAME.exit an expected non-zero exit status.
. "$top_srcdir/tests/lib.sh"

D=$top_srcdir/tests/parse
for f in "$D"/*.xml; do
	n=$(basename "$f" .xml)
	args=$(cat "$D/$n.args" 2>/dev/null)
	want_exit=$(cat "$D/$n.exit" 2>/dev/null || echo 0)
	# shellcheck disable=SC2086
	"$FEEDMUX" parse --json $args "$f" >"$T/$n.out" 2>"$T/$n.err"
	st=$?
	if [ "$want_exit" != 0 ]; then
		is "$st" "$want_exit" "$n: exit status $want_exit"
		check "$n: nothing on stdout" test ! -s "$T/$n.out"
		continue
	fi
	is "$st" 0 "$n: exit status 0"
	$PY - "$D/$n.json" "$T/$n.out" >"$T/$n.diff" 2>&1 <<'PY'
import json, sys
want = json.load(open(sys.argv[1], encoding="utf-8"))
got = json.load(open(sys.argv[2], encoding="utf-8"))
if want != got:
    import difflib
    a = json.dumps(want, indent=1, ensure_ascii=False).splitlines()
    b = json.dumps(got, indent=1, ensure_ascii=False).splitlines()
    print("\n".join(difflib.unified_diff(a, b, "want", "got", lineterm="")))
    sys.exit(1)
PY
	ok $? "$n: JSON as expected"
	[ -s "$T/$n.diff" ] && sed 's/^/#   /' "$T/$n.diff" | head -40
done

# Streaming: the same bytes from stdin, and the readable form.
"$FEEDMUX" parse --json - <"$D/rss20.xml" >"$T/stdin.out"
check "stdin gives the same JSON" $PY -c 'import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' "$D/rss20.json" "$T/stdin.out"
"$FEEDMUX" parse "$D/rss20.xml" >"$T/text.out"
contains "$T/text.out" "rss2.0 (utf-8), 2 entries" "readable form: summary line"
contains "$T/text.out" "    published: 2025-10-31T06:00:00Z" "readable form: dates"
# Exit codes (sysexits.h)
"$FEEDMUX" parse "$T/does-not-exist.xml" 2>/dev/null; is $? 66 "missing file: EX_NOINPUT"
"$FEEDMUX" parse 2>/dev/null; is $? 64 "no argument: EX_USAGE"
"$FEEDMUX" parse --json "file://$D/atom10.xml" >"$T/url.out"
check "file:// URL through libcurl" $PY -c 'import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' "$D/atom10.json" "$T/url.out"
done_testing
