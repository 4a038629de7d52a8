#!/bin/sh
# The daemon's HTTP endpoint under misbehaving clients, over loopback
# (tests/httpd-clients.py): crowds of idle and slow connections against a
# descriptor-limited daemon, descriptors running out under it, slow request
# heads, a per-address limit, and clients that never read a large digest.
. "$top_srcdir/tests/lib.sh"
C="$PY $top_srcdir/tests/httpd-clients.py"
HZ=$(getconf CLK_TCK)

start() {	# start NAME [KEY=VALUE...]: a daemon on a free port, $pid, $port
	name=$1; shift
	port=$(free_port)
	mkdir -p "$T/$name/digests"
	{
		printf '[feedmux]\ndatabase = %s/%s/db.sqlite\n' "$T" "$name"
		printf 'listen = 127.0.0.1:%s\n' "$port"
		for kv in "$@"; do printf '%s\n' "$kv"; done
		printf '[digest]\ndir = %s/%s/digests\n' "$T" "$name"
	} >"$T/$name/fm.conf"
	$LIMIT "$FEEDMUX" -c "$T/$name/fm.conf" run 2>"$T/$name/log" &
	pid=$!
	pids="$pids $pid"
	wait_port "$port" || { echo "Bail out! $name did not start"; cat "$T/$name/log"; exit 1; }
}
pids=
stop() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
stop_all() { for p in $pids; do kill "$p" 2>/dev/null; done; wait; }
at_exit stop_all
cpu() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
val() { sed -n "s/^$1=//p" "$T/out"; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

# 1. 300 idle and slow clients against 200 descriptors (max_clients 256 is
# more than they allow).  Before: accept() failed in a loop at 100 % CPU,
# 40 million log lines, /healthz timed out.
LIMIT="prlimit --nofile=200"
start fdlimit max_clients_per_addr=0
contains "$T/fdlimit/log" "httpd: at most 136 clients (max_clients 256, 200 descriptors)" \
    "max_clients lowered to what RLIMIT_NOFILE leaves"
c0=$(cpu)
$C flood "$port" 150 150 5 >"$T/out"
c1=$(cpu)
is "$(val fails)" 0 "fd-limited, 300 idle and slow clients: /healthz and /atom.xml answered"
lt "$(val max)" 1 && ok 0 "... each within 1 s ($(val max) s)" || ok 1 "... each within 1 s ($(val max) s)"
ok $([ $(( (c1 - c0) * 100 / HZ )) -lt 50 ]; echo $?) \
    "... CPU near idle ($((c1 - c0)) ticks in 5 s at $HZ/s)"
ok $([ "$(val open)" -le 136 ]; echo $?) "... at most max_clients held open ($(val open))"

# 2. Descriptors run out under the daemon (its limit lowered after it
# sized max_clients): accept fails with EMFILE, and a connection without a
# request makes room; the log says so once, with a count.
prlimit --pid "$pid" --nofile=60
c0=$(cpu)
$C flood "$port" 150 150 5 >"$T/out"
c1=$(cpu)
is "$(val fails)" 0 "out of descriptors: /healthz and /atom.xml answered"
lt "$(val max)" 1 && ok 0 "... each within 1 s ($(val max) s)" || ok 1 "... each within 1 s ($(val max) s)"
ok $([ $(( (c1 - c0) * 100 / HZ )) -lt 50 ]; echo $?) \
    "... CPU near idle ($((c1 - c0)) ticks in 5 s)"
stop
contains "$T/fdlimit/log" "Too many open files" "EMFILE is logged"
contains "$T/fdlimit/log" "repeated" "... with a count of repeats"
n=$(wc -l <"$T/fdlimit/log")
ok $([ "$n" -lt 100 ]; echo $?) "... the log stays short ($n lines)"
LIMIT=

# 3. Slow request heads are closed 10 s after they start, even while bytes
# keep coming (before: the timeout restarted with each byte, never closed).
start slow
slowd=$pid slowport=$port
$C slowhead "$port" 5 >"$T/out" &
slowpid=$!

# 4. One address gets max_clients_per_addr connections (default 32); the
# newcomers take the places of those that have not sent a request.
start peraddr
$C crowd "$port" 40 >"$T/out2"
is "$(sed -n 's/^refused=//p' "$T/out2")" 8 \
    "40 idle from one address: the 8 oldest closed"
is "$(sed -n 's/^healthz=//p' "$T/out2")" 200 "... and a new client is served"
curl -s "http://127.0.0.1:$port/metrics" >"$T/m"
contains "$T/m" "feedmux_http_evicted_total 9" "... counted in /metrics"
stop

# 5. 150 clients that ask for an 8 MB digest and never read.  Before: a
# copy of the file per request, 22 MB -> 1.25 GB resident.
start digest max_clients_per_addr=0
$PY -c 'import sys; sys.stdout.write("<p>" + "x" * (8 << 20) + "</p>\n")' \
    >"$T/digest/digests/digest-2026-01-01.html"
$C noread "$port" "$pid" 150 /digest.html >"$T/out3"
rss=$(sed -n 's/^rss_kb=//p' "$T/out3")
ok $([ "$rss" -lt 65536 ]; echo $?) \
    "150 non-reading clients of an 8 MB digest: VmRSS ${rss} kB < 64 MB"
is "$(sed -n 's/^healthz=//p' "$T/out3")" 200 "... /healthz answered meanwhile"
big=$T/digest/digests/digest-2026-01-01.html
stop

# 6. Every place busy sending a reply: a newcomer is closed and accepting
# pauses until one of them ends.
start busy max_clients=3
cp "$big" "$T/busy/digests/"
$C busy "$port" 3 /digest.html >"$T/out4"
is "$(sed -n 's/^while=//p' "$T/out4")" 0 "max_clients busy replying: newcomer closed"
is "$(sed -n 's/^after=//p' "$T/out4")" 200 "... and served once they end"
stop

wait "$slowpid"
is "$(val closed)" 5 "slow request heads: all closed"
f=$(val first) l=$(val last)
ok $(lt 9 "$f" && lt "$l" 12.5; echo $?) "... after the 10 s head deadline ($f-$l s)"
curl -s "http://127.0.0.1:$slowport/metrics" >"$T/m"
contains "$T/m" "feedmux_http_timeouts_total 5" "... counted in /metrics"
pid=$slowd
stop
done_testing
