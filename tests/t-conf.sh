#!/bin/sh
# The configuration as the commands and the daemon meet it: check-config
# refuses what run would refuse, with file:line; a reload refuses the same,
# and a change of database; refused reloads free what they read; a daemon
# without feeds says so, and so does status.
. "$top_srcdir/tests/lib.sh"
export XDG_STATE_HOME="$T/state" FEEDMUX_CONF=""
unset NOTIFY_SOCKET WATCHDOG_USEC WATCHDOG_PID
# Under ASan, freed memory waits in quarantine: VmRSS would measure that.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0"

count() { c=$(grep -c -e "$1" "$2" 2>/dev/null); echo "${c:-0}"; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# refused TEXT WANT DESCRIPTION: check-config exits 78 with WANT.
refused() {
	printf '%b' "$1" >"$T/bad.conf"
	"$FEEDMUX" -c "$T/bad.conf" check-config >"$T/out" 2>&1
	st=$?
	if [ $st -eq 78 ] && grep -qF -- "$2" "$T/out"; then ok 0 "$3"; else
		ok 1 "$3"; echo "#   exit $st:"; sed 's/^/#   /' "$T/out"; fi
}
refused '[feedmux]\nlisten = foo\n' "bad.conf:2: listen: bad address \"foo\"" \
    "check-config: listen = foo"
refused '[feedmux]\n\nlisten = 127.0.0.1:99999\n' "bad.conf:3: listen: bad address" \
    "check-config: port 99999"
refused '[output]\nlisten = :0\n' "bad.conf:2: listen: bad address \":0\"" \
    "check-config: port 0"
refused '[feedmux]\nlisten = ::1:8080\n' "bad.conf:2: listen: bad address" \
    "check-config: IPv6 without brackets"
refused '[digest]\nat = 07:00\n[feed "a"]\nurl = http://127.0.0.1/a\n[digest]\nat = 08:00\n' \
    "bad.conf:5: second [digest] section (first at line 1)" "check-config: [digest] twice"
refused '[feed "a"]\nurl = http://example.org/feed\n[feed "b"]\nurl = HTTP://Example.org/feed\n' \
    "bad.conf:3: feed \"b\" has the same url as \"a\" (line 1)" "check-config: the same URL in other case"
printf '\357\273\277[feedmux]\nlisten = [::1]:8080\n' >"$T/bom.conf"
check "check-config: a BOM and [::1]:8080 are fine" "$FEEDMUX" -c "$T/bom.conf" check-config

# A daemon without feeds says so, at start and in status.
cat >"$T/f.conf" <<EOF
[feedmux]
database = $T/db/feedmux.db
pidfile = $T/run/feedmux.pid
log_level = info
EOF
cp "$T/f.conf" "$T/good.conf"
"$FEEDMUX" -c "$T/f.conf" run 2>"$T/log" & dpid=$!
stop_daemon() { kill "$dpid"; }
at_exit stop_daemon
wait_for grep -q "running: 0 feeds" "$T/log"; ok $? "the daemon runs"
contains "$T/log" "no feeds configured: nothing to poll" "run says it has nothing to poll"
"$FEEDMUX" -c "$T/f.conf" status >"$T/status" 2>&1
contains "$T/status" "no feeds configured: nothing to poll" "status says so"
"$FEEDMUX" -c "$T/f.conf" status --json | $PY -c '
import json, sys
assert json.load(sys.stdin)["summary"]["nothing_to_poll"] is True' 2>"$T/err"
ok $? "status --json: nothing_to_poll"

# A reload that changes the database is refused; the old config stays.
sed "s|^database = .*|database = $T/other.db|" "$T/good.conf" >"$T/f.conf"
kill -HUP "$dpid"
wait_for grep -q "reload refused" "$T/log"
contains "$T/log" "database changed ($T/db/feedmux.db to $T/other.db): that needs a restart" \
    "a new database is refused on reload"
is "$(count 'configuration reloaded' "$T/log")" 0 "and not reported as reloaded"
test ! -e "$T/other.db"; ok $? "the other database is not opened"

# A reload with what run would refuse is refused the same way.
{ cat "$T/good.conf"; echo "listen = 127.0.0.1:99999"; } >"$T/f.conf"
kill -HUP "$dpid"
wait_for sh -c "[ \$(grep -c 'reload refused' '$T/log') -ge 2 ]"
contains "$T/log" "f.conf:5: listen: bad address" "a bad listen is refused on reload, with file:line"

# Refused reloads of an over-limit file do not keep what they read.
$PY -c '
import sys
with open(sys.argv[1], "w") as f:
    f.write(open(sys.argv[2]).read())
    f.write(("# " + "x" * 1021 + "\n") * (17 * 1024))' "$T/f.conf" "$T/good.conf"
n0=$(count 'reload refused' "$T/log")
kill -HUP "$dpid"
wait_for sh -c "[ \$(grep -c 'reload refused' '$T/log') -ge $((n0 + 1)) ]"
contains "$T/log" "larger than" "an over-limit config is refused"
rss0=$(rss_kb "$dpid")
# Each reload is known done when the daemon has read the file once more
# (/proc/PID/io); the log is no clock here, since a line repeated more than
# five times a minute is counted, not written.
rchar() { awk '/^rchar:/ { print $2 }' "/proc/$1/io"; }
n=0
while [ $n -lt 20 ]; do
	r0=$(rchar "$dpid")
	kill -HUP "$dpid"
	wait_for sh -c "[ \$(awk '/^rchar:/ { print \$2 }' /proc/$dpid/io) -ge $((r0 + 16 * 1024 * 1024)) ]" || break
	n=$((n + 1))
done
# The last refusal has read the file; its buffer is freed once the daemon
# is back waiting on its loop (sleeping, reading nothing more).
idle() {
	s1=$(awk '{ print $3 }' "/proc/$1/stat"); r1=$(rchar "$1")
	sleep 0.2
	[ "$s1" = S ] && [ "$(awk '{ print $3 }' "/proc/$1/stat")" = S ] &&
	    [ "$(rchar "$1")" = "$r1" ]
}
wait_for idle "$dpid"
rss1=$(rss_kb "$dpid")
is "$n" 20 "20 more refusals, each reading the file"
grow=$((rss1 - rss0))
ok $((grow > 24 * 1024)) "VmRSS stays bounded over 20 refused reloads (grew ${grow} kB)"

# A good reload still goes through afterwards.
cp "$T/good.conf" "$T/f.conf"
kill -HUP "$dpid"
wait_for grep -q "configuration reloaded" "$T/log"; ok $? "a good config reloads"
kill -TERM "$dpid"; wait "$dpid"; st=$?
ok $st "the daemon stops cleanly"
# The refusals beyond the first five a minute were counted, not lost.
total=$(awk '/reload refused/ {
	if (match($0, /\(repeated [0-9]+ times?\)/))
		n += substr($0, RSTART + 10, RLENGTH - 10) + 0
	else
		n++
} END { print n + 0 }' "$T/log")
is "$total" "$((n0 + 21))" "every refusal written or counted"
tap_cleanups=""
done_testing
