#!/bin/sh
# A feed's problem is logged once when it starts and once when it clears,
# not on every poll.
. "$top_srcdir/tests/lib.sh"
export XDG_STATE_HOME="$T/state"
cat >"$T/feedmux.conf" <<EOT
[feedmux]
database = $T/db
[feed "flaky"]
url = file://$T/flaky.xml
EOT
poll() { "$FEEDMUX" -c "$T/feedmux.conf" poll --all >/dev/null 2>"$T/err.$1"; }
poll 1
contains "$T/err.1" "feed flaky: failing:" "first failure logged as a problem"
contains "$T/err.1" "$T/flaky.xml" "the message names the URL"
poll 2
is "$(grep -c 'flaky' "$T/err.2")" "0" "second failure in a row is not logged again"
printf '<rss version="2.0"><channel><title>F</title><item><title>a</title><link>http://x.example/a</link></item></channel></rss>' >"$T/flaky.xml"
poll 3
contains "$T/err.3" "feed flaky: recovered after 2 failures" "recovery logged once"
poll 4
is "$(grep -c 'flaky' "$T/err.4")" "0" "healthy poll logs nothing"
"$FEEDMUX" -v -c "$T/feedmux.conf" poll --all >/dev/null 2>"$T/err.5"
ok $? "verbose poll exits 0"
done_testing
