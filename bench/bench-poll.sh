#!/bin/sh
# bench-poll.sh: 1,000 feeds (~50 KB, 20 items each) from a loopback
# server; one cold cycle (all 200) and one warm cycle (all 304 when the
# client sends validators) of `feedmux poll --all`, beside newsboat
# (`newsboat -x reload`) and sfeed (`sfeed_update`) on the same feeds, each
# with the same 16 transfers at once.  Prints wall, CPU and peak RSS from
# /usr/bin/time -v, and how many warm requests were conditional and 304.
# BENCH_FEEDS=n changes the count; BENCH_PEERS=0 measures feedmux alone.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${FEEDMUX:=$top_srcdir/feedmux}"
N=${BENCH_FEEDS:-1000}
PY=/usr/bin/python3
T=$(mktemp -d "${TMPDIR:-/tmp}/feedmux-bench.XXXXXX")
port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log="$T/requests.log"
: >"$log"
$PY "$top_srcdir/tests/fixture-server.py" "$port" "$log" "$N" &
srv=$!
trap 'kill $srv 2>/dev/null; rm -rf "$T"' EXIT INT TERM
i=0
until $PY -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$port)))"; do
	sleep 0.2; i=$((i + 1)); [ $i -lt 150 ] || { echo "server did not start"; exit 1; }
done
U="http://127.0.0.1:$port/bench"

# The three clients' configurations, same feeds.
{
	printf '[feedmux]\ndatabase = %s/fm.db\nconcurrency = 16\nper_host = 16\n' "$T"
	printf 'log_level = error\n[output]\natom = %s/atom.xml\n' "$T"
	i=0; while [ $i -lt "$N" ]; do
		printf '[feed "f%d"]\nurl = %s/%d\n' $i "$U" $i; i=$((i + 1)); done
} >"$T/fm.conf"
mkdir -p "$T/nb/.newsboat" "$T/sf/.sfeed"
i=0; while [ $i -lt "$N" ]; do echo "$U/$i"; i=$((i + 1)); done >"$T/nb/.newsboat/urls"
printf 'reload-threads 16\n' >"$T/nb/.newsboat/config"
{
	printf 'sfeedpath="%s/sf/.sfeed/feeds"\nmaxjobs=16\nfeeds() {\n' "$T"
	i=0; while [ $i -lt "$N" ]; do printf '\tfeed "f%d" "%s/%d"\n' $i "$U" $i; i=$((i + 1)); done
	printf '}\n'
} >"$T/sf/sfeedrc"

# run NAME PHASE CMD...: one measured run; prints a result line.
run() {
	name=$1 phase=$2; shift 2
	start=$(wc -l <"$log")
	/usr/bin/time -v -o "$T/time" "$@" >"$T/out" 2>&1
	st=$?
	$PY - "$T/time" "$log" "$start" "$name" "$phase" "$st" <<'PYEOF'
import json, sys, re
t = open(sys.argv[1]).read()
def f(k):
    m = re.search(re.escape(k) + r": (.*)", t)
    return m.group(1).strip() if m else "?"
w = f("Elapsed (wall clock) time (h:mm:ss or m:ss)")
parts = [float(x) for x in w.split(":")]
wall = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
cpu = float(f("User time (seconds)")) + float(f("System time (seconds)"))
rss = int(f("Maximum resident set size (kbytes)")) / 1024
reqs = [json.loads(l) for l in open(sys.argv[2]).readlines()[int(sys.argv[3]):]]
cond = sum(1 for r in reqs if "if-none-match" in r["headers"] or "if-modified-since" in r["headers"])
n304 = sum(1 for r in reqs if r["status"] == 304)
print("%-9s %-5s wall %6.2f s  cpu %6.2f s  rss %6.1f MB  requests %5d  conditional %5d  304 %5d  exit %s"
      % (sys.argv[4], sys.argv[5], wall, cpu, rss, len(reqs), cond, n304, sys.argv[6]))
PYEOF
}

echo "feeds: $N x $($PY -c "import urllib.request; print(len(urllib.request.urlopen('$U/0').read()))") bytes, 16 transfers at once"
run feedmux cold "$FEEDMUX" -c "$T/fm.conf" poll --all
run feedmux warm "$FEEDMUX" -c "$T/fm.conf" poll --all
[ "${BENCH_PEERS:-1}" = 1 ] || exit 0
if command -v newsboat >/dev/null; then
	run newsboat cold env HOME="$T/nb" newsboat -x reload
	run newsboat warm env HOME="$T/nb" newsboat -x reload
else
	echo "newsboat: not installed (apt-get install newsboat)"
fi
if command -v sfeed_update >/dev/null; then
	run sfeed cold env HOME="$T/sf" sfeed_update "$T/sf/sfeedrc"
	run sfeed warm env HOME="$T/sf" sfeed_update "$T/sf/sfeedrc"
else
	echo "sfeed: not installed (apt-get install sfeed)"
fi
