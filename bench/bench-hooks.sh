#!/bin/sh
# bench-hooks.sh: what [hook] sections cost a warm cycle with nothing new.
# 1,000 feeds from the loopback fixture server are polled once (cold);
# then the daemon runs warm cycles (SIGUSR1: every feed, all 304) without
# hooks and with 3 hooks (two exec, one url), 5 cycles each, and prints
# the median cycle time of each (/metrics) and the difference.
# BENCH_FEEDS=n changes the count.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${FEEDMUX:=$top_srcdir/feedmux}"
N=${BENCH_FEEDS:-1000}
CYCLES=5
PY=/usr/bin/python3
T=$(mktemp -d "${TMPDIR:-/tmp}/feedmux-bench.XXXXXX")
freeport() {
	$PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
port=$(freeport)
hport=$(freeport)
$PY "$top_srcdir/tests/fixture-server.py" "$port" "$T/requests.log" "$N" &
srv=$!
dpid=
trap 'kill $srv $dpid 2>/dev/null; rm -rf "$T"' EXIT INT TERM
i=0
until $PY -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$port)))"; do
	sleep 0.2; i=$((i + 1)); [ $i -lt 150 ] || { echo "server did not start"; exit 1; }
done

conf() {
	printf '[feedmux]\ndatabase = %s/fm.db\nconcurrency = 16\nper_host = 16\n' "$T"
	printf 'log_level = info\nlisten = 127.0.0.1:%d\n' "$hport"
	printf '[output]\natom = %s/atom.xml\n' "$T"
	i=0; while [ $i -lt "$N" ]; do
		printf '[feed "f%d"]\nurl = http://127.0.0.1:%d/bench/%d\n' $i "$port" $i
		i=$((i + 1))
	done
	if [ "$1" = hooks ]; then
		printf '[hook "mail"]\nexec = /bin/cat\nmatch = CVE\n'
		printf '[hook "all"]\nexec = /bin/true\n'
		printf '[hook "web"]\nurl = http://127.0.0.1:%d/hook\nheader = Authorization: Bearer x\n' "$port"
	fi
}

metric() {
	$PY -c "import urllib.request,sys
for l in urllib.request.urlopen('http://127.0.0.1:$hport/metrics').read().decode().splitlines():
    if l.startswith('feedmux_$1 '): print(l.split()[1])" 2>/dev/null
}

# measure LABEL: the daemon on conf LABEL, CYCLES warm cycles; the median.
measure() {
	conf "$1" >"$T/fm.conf"
	"$FEEDMUX" -c "$T/fm.conf" run 2>>"$T/daemon.log" &
	dpid=$!
	i=0
	until [ -n "$(metric cycles_total)" ]; do
		sleep 0.1; i=$((i + 1)); [ $i -lt 300 ] || { echo "daemon did not start"; exit 1; }
	done
	: >"$T/times"
	c=0
	while [ $c -lt $CYCLES ]; do
		before=$(metric cycles_total)
		kill -USR1 $dpid
		while [ "$(metric cycles_total)" = "$before" ]; do sleep 0.1; done
		metric last_cycle_duration_seconds >>"$T/times"
		c=$((c + 1))
	done
	kill $dpid; wait $dpid 2>/dev/null; dpid=
	sort -n "$T/times" | sed -n "$(( (CYCLES + 1) / 2 ))p"
}

conf none >"$T/fm.conf"
"$FEEDMUX" -c "$T/fm.conf" poll --all >/dev/null 2>&1	# cold: fills the store
without=$(measure none)
with=$(measure hooks)
$PY -c "
a, b = float('$without'), float('$with')
print('warm cycle, %d feeds, nothing new: without hooks %.3f s, with 3 hooks %.3f s, difference %+.1f %% (target under 5 %%)'
      % ($N, a, b, 100 * (b - a) / a if a else 0))"
