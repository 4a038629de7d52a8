#!/bin/sh
# t-pg-share.sh: three daemons share one PostgreSQL database (issue 17).
# 1,000 feeds on tests/many-feeds-server.py, whose request log says who
# fetched what and when: over several cycles (SIGUSR1 to one daemon) each
# feed is fetched exactly once per cycle, never twice at once, and never
# more than per_host requests at once in all; the merged Atom (the
# renderer's file, and every daemon's over HTTP: the same bytes) holds
# every entry exactly once; the digest, made at start by whichever daemon
# claims it, is mailed once; the hook gets each entry once.  Then the
# renderer is killed (kill -9) in a cycle with requests in flight, and in
# the next cycle another daemon after 20 of its answers: their feeds are
# polled by the others once their leases run out, nothing is lost or
# doubled, and the renderer's role moves only with the renderer.  Runs
# itself beside a private cluster (tests/pg-cluster.sh).
if [ -z "${FEEDMUX_TEST_PG:-}" ]; then
	exec "${top_srcdir:-.}/tests/pg-cluster.sh" "$0" "$@"
fi
. "$top_srcdir/tests/lib.sh"
N=1000
PER_HOST=6
LEASE=10
CHECK="$PY $top_srcdir/tests/share-check.py"

# The feeds.
$PY "$top_srcdir/tests/many-feeds-server.py" 0 "$T/req.log" $N \
    >"$T/port" 2>"$T/server.err" &
srv_pid=$!
stop_srv() { kill $srv_pid; }
at_exit stop_srv
wait_for test -s "$T/port" || { echo "Bail out! feed server did not start"; exit 1; }
U="http://127.0.0.1:$(cat "$T/port")"
get() {	# get URL [OUT]: the body, to OUT or standard output
	$PY -c 'import sys, urllib.request
d = urllib.request.urlopen(sys.argv[1], timeout=10).read()
(open(sys.argv[2], "wb") if len(sys.argv) > 2 else sys.stdout.buffer).write(d)' "$@"
}
ctl() { get "$U/ctl/$1" >/dev/null; }
lines() { wc -l <"$T/req.log"; }

# The mail server.
mport=$(free_port)
mkdir -p "$T/mail" "$T/hook"
$PY "$top_srcdir/tests/smtp-sink.py" "$mport" "$T/mail" 2>>"$T/sink.err" &
sink_pid=$!
stop_sink() { kill $sink_pid; }
at_exit stop_sink
wait_port "$mport" || { echo "Bail out! smtp sink did not start"; exit 1; }

# The hook: each run's entries in a file named after the daemon that ran it.
cat >"$T/hook.sh" <<EOF
#!/bin/sh
cat >"$T/hook/\$PPID.\$\$.\$(date +%s%N).jsonl"
EOF
chmod +x "$T/hook.sh"

i=0
while [ $i -lt $N ]; do
	printf '[feed "f%d"]\nurl = %s/f/%d\n' $i "$U" $i
	i=$((i + 1))
done >"$T/feeds.conf"
for k in 0 1 2 3; do
	mkdir -p "$T/d$k"
	eval "hport$k=$(free_port)"
	cat >"$T/d$k.head" <<EOF
[feedmux]
database = $FEEDMUX_TEST_PG
log_level = info
concurrency = 8
per_host = $PER_HOST
lease = ${LEASE}s
timeout = 5s
user_agent = share-d$k
listen = 127.0.0.1:$(eval echo \$hport$k)
[output]
atom = $T/d$k/atom.xml
entries = 100000
[digest]
at = 00:00
timezone = UTC
dir = $T/d$k/digests
mail_to = reader@example.org
mail_from = feedmux <feedmux@example.org>
smtp = smtp://127.0.0.1:$mport
subject = share {{count}}
[hook "log"]
exec = $T/hook.sh
since = all
EOF
	cat "$T/d$k.head" "$T/feeds.conf" >"$T/d$k.conf"
done

# Before the daemons, as daemon 0 (its own output files): a digest
# recorded for yesterday (nothing to send), so the daemons owe today's
# 00:00 one as they start; then every feed polled once.
now=$(date +%s)
FEEDMUX_NOW=$((now - now % 86400 - 3600)) "$FEEDMUX" -c "$T/d0.conf" digest \
    >"$T/digest0.out" 2>&1
ok $? "feedmux digest on the empty database (recorded, nothing sent)"
"$FEEDMUX" -c "$T/d0.conf" poll >"$T/poll0.out" 2>&1
ok $? "feedmux poll: every feed into PostgreSQL"
contains "$T/poll0.out" "$N of $N feeds polled: $N updated ($((N * 3)) new entries)" \
    "every feed stored with 3 entries"
get "$U/ctl/truth" "$T/truth0"

start() {	# start K: daemon K, its pid in $pidK
	"$FEEDMUX" -c "$T/d$1.conf" run 2>>"$T/d$1.log" &
	eval "pid$1=$!"
}
stop_daemons() { for p in $pid1 $pid2 $pid3; do kill $p; done; }
pid1= pid2= pid3=
at_exit stop_daemons
start 1; start 2; start 3
for k in 1 2 3; do
	wait_for grep -q "running:" "$T/d$k.log"
	ok $? "daemon $k runs on the shared database"
done

# wait_long CMD...: until CMD succeeds, at most 60 s.
wait_long() { WAIT=60 wait_for "$@"; }
# cycle NAME PID: SIGUSR1 to PID, then wait for every feed to be answered.
cycle() {
	from=$(lines)
	kill -USR1 $2
	wait_long $CHECK have "$T/req.log" $from $N
	ok $? "$1: every feed fetched"
}
# outputs NAME TRUTH DAEMON...: one of DAEMONs renders every entry once,
# and each DAEMON serves the same bytes over HTTP.
same_http() {
	for k in $daemons; do
		get "http://127.0.0.1:$(eval echo \$hport$k)/atom.xml" \
		    "$T/http$k.xml" || return 1
		cmp -s "$T/http$k.xml" "$T/d$renderer/atom.xml" || return 1
	done
}
outputs() {
	name=$1 truth=$2; shift 2
	daemons=$*
	renderer=
	w=0
	while [ $w -lt 300 ] && [ -z "$renderer" ]; do
		for k in $daemons; do
			$CHECK atom "$T/d$k/atom.xml" "$truth" 2>/dev/null &&
			    renderer=$k
		done
		[ -n "$renderer" ] || sleep 0.1
		w=$((w + 1))
	done
	[ -n "$renderer" ]
	ok $? "$name: the merged Atom holds every entry once (daemon $renderer renders)"
	[ -n "$renderer" ] || $CHECK atom "$T/d${daemons%% *}/atom.xml" "$truth" 2>&1 |
	    sed 's/^/#   /'
	n=0
	for k in $daemons; do [ -f "$T/d$k/atom.xml" ] && n=$((n + 1)); done
	is $n 1 "$name: one daemon writes the output files"
	wait_for same_http
	ok $? "$name: every daemon serves the renderer's bytes over HTTP"
}
hooks() {	# hooks NAME TRUTH [PID,...]: PIDs killed, whose marks stayed
	wait_long $CHECK hooks "$T/hook" "$2" ${3:-}
	$CHECK hooks "$T/hook" "$2" ${3:-} >"$T/hooks.out" 2>&1
	ok $? "$1: the hook got every entry once"
	sed 's/^/#   /' "$T/hooks.out"
}

# Cycle 1: a new entry in every feed.
ctl bump
ctl delay/20
get "$U/ctl/truth" "$T/truth1"
cycle "cycle 1" $pid1
check "cycle 1: each feed once, one request a feed at a time, per_host held" \
    $CHECK cycle "$T/req.log" $from $N $PER_HOST
sed 's/^/#   /' "$T/.out"
outputs "cycle 1" "$T/truth1" 1 2 3
hooks "cycle 1" "$T/truth1"
wait_for test -f "$T/mail/msg-1.eml"
ok $? "the digest owed at start is mailed"

# Cycle 2: nothing new, every answer a 304.
cycle "cycle 2" $pid2
check "cycle 2: each feed once, one at a time, per_host held" \
    $CHECK cycle "$T/req.log" $from $N $PER_HOST
sed 's/^/#   /' "$T/.out"
contains "$T/.out" "statuses 304=$N" "cycle 2: every answer a 304"

# Cycle 3: new entries again.
ctl bump
get "$U/ctl/truth" "$T/truth3"
cycle "cycle 3" $pid3
check "cycle 3: each feed once, one at a time, per_host held" \
    $CHECK cycle "$T/req.log" $from $N $PER_HOST
sed 's/^/#   /' "$T/.out"
outputs "cycle 3" "$T/truth3" 1 2 3
hooks "cycle 3" "$T/truth3"
check "cycle 1 to 3: every daemon fetched" sh -c \
    "grep -q ' share-d1\$' '$T/req.log' && grep -q ' share-d2\$' '$T/req.log' &&
    grep -q ' share-d3\$' '$T/req.log'"

# kill_cycle NAME K MS MIN: a cycle started by daemon K, whose requests
# the server answers only after MS ms; K is killed once MIN feeds are
# answered and it has a request in flight.  Its feeds go to the others
# when its leases run out; it leaves $killed (the killed pids) and $rest
# (the daemons left).
killed=
kill_cycle() {
	name=$1 victim=$2
	vpid=$(eval echo \$pid$victim)
	rest=$(echo $rest | tr ' ' '\n' | grep -v "^$victim\$" | tr '\n' ' ')
	ctl bump
	ctl delay/$3/share-d$victim
	get "$U/ctl/truth" "$T/$name.truth"
	from=$(lines)
	kill -USR1 $vpid
	killt=$($CHECK kill "$U" share-d$victim $vpid "$T/req.log" $from $4)
	ok $? "$name: daemon $victim killed with a request in flight"
	# Stopped: what it holds now is what it had in hand.
	psql -X -Atc "SELECT name FROM feeds WHERE lease_owner LIKE
	    '%:$vpid.%'" "$FEEDMUX_TEST_PG" >"$T/$name.held"
	echo "# $name: feeds leased to the stopped daemon: $(wc -l <"$T/$name.held")"
	kill -9 $vpid 2>/dev/null	# whatever the killer saw
	wait $vpid 2>/dev/null
	eval "pid$victim="
	killed="$killed $vpid"
	wait_long $CHECK have "$T/req.log" $from $N
	ok $? "$name: every feed fetched, the killed daemon's too"
	check "$name: fetched again only what the killed daemon had in hand, after its lease" \
	    $CHECK killed "$T/req.log" $from $N $PER_HOST share-d$victim \
	    "$killt" $LEASE "$T/$name.held"
	sed 's/^/#   /' "$T/.out"
	outputs "$name" "$T/$name.truth" $rest
	hooks "$name" "$T/$name.truth" $(echo $killed | tr ' ' ,)
}

# Cycle 4: the renderer starts the cycle and dies at once, waiting for
# the answers (held 2 s); another daemon takes its role.
rest="1 2 3"
old=$renderer
kill_cycle "cycle 4" $renderer 2000 0
[ -n "$renderer" ] && [ "$renderer" != "$old" ]
ok $? "cycle 4: another daemon renders"
# Cycle 5: the daemon that does not render starts the cycle and dies
# after 20 answers (its own, held 0.5 s); the renderer stays.
old=$renderer
kill_cycle "cycle 5" $(echo $rest | tr ' ' '\n' | grep -v "^$renderer\$") 500 20
is "$renderer" "$old" "cycle 5: the renderer renders still"

check "the digest was mailed once, with every entry of the first poll" \
    $CHECK mail "$T/mail" "$T/truth0"
sed 's/^/#   /' "$T/.out"
is "$(ls "$T"/d*/digests 2>/dev/null | grep -c '\.txt$')" 1 \
    "one daemon wrote the digest's files"
for k in $rest; do
	p=$(eval echo \$pid$k)
	kill $p; wait $p
	is $? 0 "daemon $k stops cleanly on SIGTERM"
	eval "pid$k="
done
for k in 1 2 3; do
	grep "cycle:" "$T/d$k.log" | tail -n 1 | sed "s/^/# daemon $k: /"
done
check_fail "no sanitizer report" grep -q "Sanitizer" "$T"/d*.log
done_testing
