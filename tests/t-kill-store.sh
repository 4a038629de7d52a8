#!/bin/sh
# t-kill-store.sh: kill -9 an ingesting store at random moments, many times;
# after each, the database must pass integrity_check, hold every entry of
# every acknowledged transaction, and the next run must carry on.
. "$top_srcdir/tests/lib.sh"
STRESS="$top_builddir/tests/store_stress"
db="$T/kill.sqlite"
acks="$T/acks"
: >"$acks"
prev=0
grew=0
i=0
while [ $i -lt 12 ]; do
	"$STRESS" "$db" "$acks" run 2>"$T/err" &
	pid=$!
	# Once it has committed something (slow builds take longer to start),
	# a random moment 0-150 ms later.
	w=0
	while [ "$(wc -l <"$acks")" -le "$prev" ] && [ $w -lt 200 ]; do
		sleep 0.05; w=$((w + 1))
	done
	sleep "0.$(printf '%03d' $(($(od -An -N1 -tu1 /dev/urandom) % 150)))"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	"$STRESS" "$db" "$acks" check >"$T/check" 2>&1
	st=$?
	ok $st "run $i: killed, database consistent"
	[ $st -eq 0 ] || sed 's/^/#   /' "$T/check"
	n=$(wc -l <"$acks")
	[ "$n" -gt "$prev" ] && grew=$((grew + 1))
	prev=$n
	i=$((i + 1))
done
ok $([ $grew -eq 12 ] && echo 0 || echo 1) "runs after a kill carried on ($grew of 12 made progress)"
contains "$T/check" "ok 3 -" "last check ran all its assertions"
done_testing
