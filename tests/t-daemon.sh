#!/bin/sh
# The daemon for real: readiness over a NOTIFY_SOCKET we listen on, the pid
# file and the database lock against a second daemon, SIGHUP after
# `feedmux add`, SIGUSR1 polls now, SIGTERM stops with STOPPING=1 and exit
# 0, --daemon detaches, and (as root) the privilege drop.
. "$top_srcdir/tests/lib.sh"
export XDG_STATE_HOME="$T/state" FEEDMUX_CONF=""
unset WATCHDOG_USEC WATCHDOG_PID
chmod 755 "$T"		# the dropped daemon must reach its files
D="$top_srcdir/tests/data/opml"
P=$(free_port)
$PY "$D/server.py" "$P" "$T/hits" & srv=$!
touch "$T/hits"
# The systemd side: every datagram on the socket, one line each.
$PY -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[2], "w").close()
while True:
    m = s.recv(4096).decode()
    with open(sys.argv[2], "a") as f:
        f.write(m.replace("\n", "|") + "\n")' "$T/notify.sock" "$T/notify" & lis=$!
cleanup() { kill $srv $lis; [ -n "${dpid:-}" ] && kill $dpid; }
at_exit cleanup
wait_port "$P"; ok $? "fixture server up"

# stop PID: SIGTERM, then its exit status (a hung daemon is killed, 137).
stop() {
	kill -TERM "$1"
	wait_for sh -c "! kill -0 $1 || grep -q '^State:.*zombie' /proc/$1/status" ||
		kill -KILL "$1"
	wait "$1"
}
count() { c=$(grep -c -e "$1" "$2" 2>/dev/null); echo "${c:-0}"; }
more_than() { [ "$(count "$1" "$2")" -gt "$3" ]; }

# The unit as make built it: systemd accepts it, with the paths filled in.
U="$top_builddir/etc/feedmux.service"
grep -q "^ExecStart=/.*/feedmux -c /.*/feedmux.conf run$" "$U"; ok $? "unit: ExecStart with installed paths"
sed "s|^ExecStart=[^ ]*|ExecStart=/bin/true|" "$U" >"$T/feedmux.service"
systemd-analyze verify --man=no "$T/feedmux.service" >"$T/out" 2>&1; st=$?
ok $st "unit: systemd-analyze verify accepts it"
[ $st -eq 0 ] || sed 's/^/#   /' "$T/out"
for d in Type=notify WatchdogSec= ProtectSystem=strict StateDirectory=feedmux NoNewPrivileges=yes PrivateTmp=yes \
	"RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6" SystemCallFilter=@system-service; do
	grep -q "^$d" "$U"; ok $? "unit: $d"
done

cat >"$T/f.conf" <<EOF
[feedmux]
database = $T/db/feedmux.db
pidfile = $T/run/feedmux.pid
interval = 1h
jitter = 0s
log_level = info

[feed "other"]
url = http://127.0.0.1:$P/other.rss
EOF
wait_for test -e "$T/notify"; ok $? "notify listener up"
chmod 666 "$T/notify.sock"	# as systemd's is: the dropped daemon writes too

NOTIFY_SOCKET="$T/notify.sock" "$FEEDMUX" -c "$T/f.conf" run 2>"$T/log" & dpid=$!
wait_for grep -qx "READY=1" "$T/notify"; ok $? "READY=1 received on NOTIFY_SOCKET"
is "$(cat "$T/run/feedmux.pid" 2>/dev/null)" "$dpid" "the pid file holds the daemon's pid"
wait_for grep -q "GET /other.rss" "$T/hits"; ok $? "the feed was polled at start"
wait_for grep -q "^STATUS=" "$T/notify"; ok $? "STATUS= sent"

# A second daemon: refused, told who holds the lock.
"$FEEDMUX" -c "$T/f.conf" run --daemon >/dev/null 2>"$T/err"; st=$?
ok $((st == 0)) "a second run --daemon with the same pid file fails (exit $st)"
contains "$T/err" "already running (pid $dpid)" "and names the running daemon"
sed "s|^pidfile = .*|pidfile = $T/run/other.pid|" "$T/f.conf" >"$T/g.conf"
"$FEEDMUX" -c "$T/g.conf" run >/dev/null 2>"$T/err"; st=$?
ok $((st == 0)) "a second daemon on the same database fails (exit $st)"
contains "$T/err" "database in use by another feedmux (pid $dpid)" "and says why"

# status sees the daemon.
"$FEEDMUX" -c "$T/f.conf" status --json | $PY -c "import json,sys; assert json.load(sys.stdin)['summary']['daemon_pid'] == $dpid"
ok $? "status reports the running daemon's pid"

# A subscription added while it runs is picked up (SIGHUP), and polled.
"$FEEDMUX" -c "$T/f.conf" add "http://127.0.0.1:$P/feed.rss" --name site >"$T/out" 2>&1
ok $? "add while the daemon runs"
contains "$T/out" "told the daemon (pid $dpid) to reload" "add signals the daemon"
wait_for grep -q "^RELOADING=1|MONOTONIC_USEC=" "$T/notify"; ok $? "RELOADING=1 sent on SIGHUP"
wait_for more_than "^READY=1" "$T/notify" 1; ok $? "READY=1 again after the reload"
wait_for grep -q "GET /feed.rss" "$T/hits"; ok $? "the new feed is polled without a restart"
wait_for sh -c "'$FEEDMUX' -c '$T/f.conf' status --json | $PY -c 'import json,sys; d=json.load(sys.stdin); assert [f for f in d[\"feeds\"] if f[\"name\"]==\"site\"][0][\"polled\"]'"
ok $? "status shows the new feed polled"

# SIGUSR1: poll everything now.
n=$(count "GET /other.rss" "$T/hits")
kill -USR1 $dpid
wait_for more_than "GET /other.rss" "$T/hits" "$n"; ok $? "SIGUSR1 polls at once"

# SIGTERM: STOPPING=1, exit 0, pid file gone.
stop $dpid; st=$?; dpid=
is $st 0 "SIGTERM: exit 0"
grep -qx "STOPPING=1" "$T/notify"; ok $? "STOPPING=1 sent"
test ! -e "$T/run/feedmux.pid"; ok $? "the pid file is removed"

# --daemon: the command returns once the daemon is ready.
"$FEEDMUX" -c "$T/f.conf" run --daemon >"$T/out" 2>&1; is $? 0 "run --daemon returns 0"
bg=$(cat "$T/run/feedmux.pid" 2>/dev/null)
kill -0 "${bg:-0}" 2>/dev/null; ok $? "the detached daemon runs, its pid in the pid file"
"$FEEDMUX" -c "$T/f.conf" run --daemon >/dev/null 2>"$T/err"; st=$?
ok $((st == 0)) "a second run --daemon is refused (exit $st)"
contains "$T/err" "already running (pid $bg)" "naming the detached daemon"
kill -TERM "${bg:-0}"
wait_for sh -c "! kill -0 ${bg:-0}"; ok $? "the detached daemon stops on SIGTERM"

# As root with user = nobody: the daemon opens what it needs, then drops.
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	uid=$(id -u nobody)
	cat >"$T/r.conf" <<EOF
[feedmux]
database = $T/rdb/feedmux.db
pidfile = $T/run/r.pid
user = nobody
interval = 1h

[feed "other"]
url = http://127.0.0.1:$P/other.rss
EOF
	: >"$T/notify"
	NOTIFY_SOCKET="$T/notify.sock" "$FEEDMUX" -c "$T/r.conf" run 2>"$T/rlog" & dpid=$!
	wait_for grep -qx "READY=1" "$T/notify"; ok $? "root daemon ready"
	ids=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' /proc/$dpid/status)
	is "$ids" "$uid $uid $uid $uid" "real, effective, saved and fs uid are nobody's"
	is "$(stat -c %u "$T/rdb")" "$uid" "the state directory it created belongs to nobody"
	n=$(count "GET /other.rss" "$T/hits")
	kill -USR1 $dpid
	wait_for more_than "GET /other.rss" "$T/hits" "$n"; ok $? "the dropped daemon still polls"
	stop $dpid; st=$?; dpid=
	is $st 0 "and stops cleanly"
fi
done_testing
