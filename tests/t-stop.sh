#!/bin/sh
# SIGTERM while a transfer is in flight: the daemon starts nothing new,
# lets the transfer finish, commits what it brought, and exits 0.
. "$top_srcdir/tests/lib.sh"
start_fixture
cat >"$T/fm.conf" <<EOT
[feedmux]
database = $T/fm.db
jitter = 0
[output]
atom = $T/atom.xml
[feed "slow"]
url = $U/slowfeed/slow
EOT
"$FEEDMUX" -c "$T/fm.conf" run >"$T/run.log" 2>&1 &
pid=$!
i=0; while ! grep -q slowfeed "$log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
grep -q slowfeed "$log"; ok $? "the transfer has started"
kill -TERM "$pid"
wait "$pid"; is "$?" 0 "SIGTERM during a transfer: exit 0"
is "$(sqlite3 "$T/fm.db" 'SELECT count(*) FROM entries')" 3 \
    "the transfer in flight was finished and committed"
is "$(sqlite3 "$T/fm.db" 'PRAGMA integrity_check')" ok "database intact"
done_testing
