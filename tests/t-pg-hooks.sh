#!/bin/sh
# Hooks on a shared PostgreSQL database: a daemon killed (kill -9) while
# its hook runs leaves the hook claimed; another daemon delivers what the
# dead one did not, and what came since, once that claim runs out, each
# entry once.  Runs itself beside a private cluster (tests/pg-cluster.sh).
if [ -z "${FEEDMUX_TEST_PG:-}" ]; then
	exec "${top_srcdir:-.}/tests/pg-cluster.sh" "$0" "$@"
fi
. "$top_srcdir/tests/lib.sh"

feed_to() {	# feed_to N: entries 1..N
	$PY - "$T/a.rss" "$1" <<'PYEOF'
import sys
n = int(sys.argv[2])
items = "".join("<item><guid>urn:pgh:%d</guid><title>Entry %d</title>"
    "<link>http://127.0.0.1/e/%d</link></item>\n" % (i, i, i)
    for i in range(1, n + 1))
open(sys.argv[1], "w").write('<?xml version="1.0"?><rss version="2.0">'
    "<channel><title>A</title><link>http://127.0.0.1/a</link>\n%s"
    "</channel></rss>\n" % items)
PYEOF
}
# The hook says it has started, then takes 3 s: the window to kill in.
printf '#!/bin/sh\ntouch "%s/running"\nsleep 3\ncat >>"%s/got.jsonl"\n' \
    "$T" "$T" >"$T/hook.sh"
chmod +x "$T/hook.sh"
printf '[feedmux]\ndatabase = %s\nlease = 10s\ntimeout = 5s\n[feed "a"]\nurl = file://%s/a.rss\n[hook "h"]\nexec = %s/hook.sh\ntimeout = 5s\n' \
    "$FEEDMUX_TEST_PG" "$T" "$T" >"$T/c.conf"

feed_to 3
"$FEEDMUX" -v -c "$T/c.conf" run 2>"$T/a.err" &
a=$!
wait_for test -e "$T/running"
ok $? "the first daemon polls and runs the hook"
kill -9 $a
wait $a 2>/dev/null
[ ! -s "$T/got.jsonl" ]
ok $? "killed while the hook ran: nothing delivered"
is "$(psql -Atc "SELECT count(*) FROM claims WHERE what = 'hook h'" \
    "$FEEDMUX_TEST_PG")" 1 "its claim stays in the database"

feed_to 5
"$FEEDMUX" -v -c "$T/c.conf" run 2>"$T/b.err" &
b=$!
wait_for grep -q "running:" "$T/b.err"
ok $? "a second daemon runs"
kill -USR1 $b
wait_for grep -q "2 new" "$T/b.err"
ok $? "it stores the two new entries"
# The claim runs out 2 x 5 + 5 s after it was taken; the daemon asks
# again every 10 s.  (The dead daemon's program, orphaned, still hands on
# the batch it had: a batch not marked delivered goes again.)
WAIT=40 wait_for grep -q "hook h: 5 entries delivered" "$T/b.err"
ok $? "once the dead daemon's claim runs out, the second delivers all 5"
is "$(grep -o 'urn:pgh:[0-9]*' "$T/got.jsonl" | sort -u | wc -l)" 5 \
    "every entry reached the hook"
kill $b
wait $b
is $? 0 "which stops cleanly"
done_testing
