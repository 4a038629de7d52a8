# lib.sh: TAP helpers for shell tests.  Source it; call done_testing last.
# Environment from make check: $FEEDMUX, $top_srcdir, $top_builddir.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${FEEDMUX:=$top_builddir/feedmux}"
PY=/usr/bin/python3
tap_n=0
tap_failed=0
T=$(mktemp -d "${TMPDIR:-/tmp}/feedmux-test.XXXXXX")
trap 'tap_cleanup' EXIT
tap_cleanups=""
tap_cleanup() {
	for c in $tap_cleanups; do eval "$c" >/dev/null 2>&1; done
	rm -rf "$T"
}
# at_exit CMD: run CMD (one word: a function name) when the test ends.
at_exit() { tap_cleanups="$tap_cleanups $1"; }

ok() {	# ok COND-STATUS DESCRIPTION  (status 0 = pass)
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}
# check DESCRIPTION CMD...: passes when CMD exits 0.
check() {
	d=$1; shift
	"$@" >"$T/.out" 2>&1; st=$?
	ok $st "$d"
	[ $st -eq 0 ] || sed 's/^/#   /' "$T/.out" | head -20
}
# check_fail DESCRIPTION CMD...: passes when CMD exits non-zero.
check_fail() {
	d=$1; shift
	if "$@" >"$T/.out" 2>&1; then ok 1 "$d"; else ok 0 "$d"; fi
}
# is GOT WANT DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then ok 0 "$3"; else
		ok 1 "$3"; echo "#   got:  $1"; echo "#   want: $2"; fi
}
# contains FILE STRING DESCRIPTION (fixed string)
contains() {
	if grep -qF -- "$2" "$1"; then ok 0 "$3"; else
		ok 1 "$3"; echo "#   '$2' not in $1:"; head -20 "$1" | sed 's/^/#   /'; fi
}
# wait_for CMD...: until CMD succeeds, at most $WAIT s, 20 by default (a
# wait, not a timing).
wait_for() {
	w=0
	while [ $w -lt $((${WAIT:-20} * 10)) ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1; w=$((w + 1))
	done
	return 1
}
# free_port: an unused TCP port on 127.0.0.1
free_port() {
	$PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# wait_port PORT [ADDR]: wait up to 10 s for a listener on ADDR:PORT
# (ADDR 127.0.0.1 unless given)
wait_port() {
	i=0
	while [ $i -lt 100 ]; do
		$PY -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('${2:-127.0.0.1}',$1)))" && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
# start_fixture: the loopback fixture HTTP server (tests/fixture-server.py),
# stopped when the test ends.  Sets $port, $U (its base URL) and $log (one
# JSON line per request it answered).
start_fixture() {
	port=$(free_port)
	log="$T/requests.log"
	: >"$log"
	$PY "$top_srcdir/tests/fixture-server.py" "$port" "$log" &
	fixture_pid=$!
	at_exit stop_fixture
	wait_port "$port" || { echo "Bail out! fixture server did not start"; exit 1; }
	U="http://127.0.0.1:$port"
}
stop_fixture() { kill "$fixture_pid"; }

done_testing() {
	echo "1..$tap_n"
	[ $tap_failed -eq 0 ]
}
