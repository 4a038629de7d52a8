#!/bin/sh
# `feedmux poll` on file:// feeds end to end, and `feedmux run` driven by
# signals: SIGUSR1 polls now, SIGHUP reloads (a bad config is refused and
# the old one kept), SIGTERM stops cleanly with exit 0.
. "$top_srcdir/tests/lib.sh"
export FEEDMUX_NOW=1700000000
db="$T/fm.db"
mkfeed() {	# mkfeed FILE NAME N: an RSS file with N items
	{
		printf '<?xml version="1.0"?><rss version="2.0"><channel>'
		printf '<title>%s</title><link>http://example.org/%s</link>' "$2" "$2"
		i=0
		while [ $i -lt "$3" ]; do
			printf '<item><title>%s %d</title><link>http://example.org/%s/%d</link>' "$2" $i "$2" $i
			printf '<guid>%s-%d</guid></item>' "$2" $i
			i=$((i + 1))
		done
		printf '</channel></rss>\n'
	} >"$1"
}
mkfeed "$T/a.xml" a 3
mkfeed "$T/b.xml" b 2
cat >"$T/fm.conf" <<EOC
[feedmux]
database = $db
jitter = 0
[output]
atom = $T/atom.xml
[feed "a"]
url = file://$T/a.xml
[feed "b"]
url = file://$T/b.xml
EOC
fm() { "$FEEDMUX" -c "$T/fm.conf" "$@"; }
q() { sqlite3 "$db" "$1"; }

fm poll >"$T/out" 2>&1
ok $? "poll of file:// feeds exits 0"
contains "$T/out" "2 of 2 feeds polled: 2 updated (5 new entries)" "summary line"
is "$(q 'SELECT count(*) FROM entries')" 5 "entries in the database"
is "$(grep -c '<entry>' "$T/atom.xml")" 5 "merged Atom feed written"
is "$(q "SELECT next_poll - $FEEDMUX_NOW FROM feeds WHERE name = 'a'")" 1800 "next poll after the default interval"
fm poll >"$T/out" 2>&1
contains "$T/out" "0 of 2 feeds polled" "nothing due at the same time"
mkfeed "$T/a.xml" a 4
FEEDMUX_NOW=1700001800 fm poll >"$T/out" 2>&1
contains "$T/out" "2 of 2 feeds polled: 1 updated (1 new entries), 1 unchanged" "due again after the interval"
is "$(grep -c '<entry>' "$T/atom.xml")" 6 "merged feed regenerated"
rm "$T/b.xml"
fm poll --all >"$T/out" 2>&1
ok $? "one feed failing of two: exit 0"
contains "$T/out" "b: file://$T/b.xml:" "the failure names feed and URL"
mv "$T/a.xml" "$T/a.gone"
fm poll --all >/dev/null 2>&1
is "$?" 69 "every feed failing: exit 69"
mv "$T/a.gone" "$T/a.xml"
mkfeed "$T/b.xml" b 2

# Retention by age is the daily pass's: `feedmux poll` runs it when a day
# has passed since the last one (stored), not on every run.
is "$(q 'SELECT pruned FROM state')" "$FEEDMUX_NOW" "the first poll ran the daily pass"
mkfeed "$T/old.xml" old 2
printf '[feed "old"]\nurl = file://%s/old.xml\nkeep = 1d\n' "$T" >>"$T/fm.conf"
FEEDMUX_NOW=1700003600 fm poll >/dev/null 2>&1
is "$(q "SELECT count(*) FROM entries e JOIN feeds f ON f.id = e.feed WHERE f.name = 'old'")" 2 "feed old stored"
FEEDMUX_NOW=1700080000 fm poll --all >/dev/null 2>&1
is "$(q 'SELECT pruned FROM state')" "$FEEDMUX_NOW" "within a day of the last pass it is not run again"
FEEDMUX_NOW=1700093600 fm poll --all >/dev/null 2>&1
is "$(q "SELECT count(*) FROM entries e JOIN feeds f ON f.id = e.feed WHERE f.name = 'old'")" 0 "a day later: entries first seen over keep = 1d ago removed"
is "$(q 'SELECT pruned FROM state')" 1700093600 "pass time recorded"
is "$(q "SELECT count(*) FROM tombstones t JOIN feeds f ON f.id = t.feed WHERE f.name = 'old'")" 2 "with their tombstones"
is "$(q "SELECT count(*) FROM entries e JOIN feeds f ON f.id = e.feed WHERE f.name = 'a'")" 4 "feed a, keep 90d, untouched"
sed -i '/^\[feed "old"\]/,$d' "$T/fm.conf"

# The daemon.
rm -f "$db" "$T/atom.xml"
"$FEEDMUX" -c "$T/fm.conf" run >"$T/run.log" 2>&1 &
pid=$!
stop_run() { kill "$pid"; }
at_exit stop_run
waitfor() {	# waitfor SQL WANT: poll the database for up to 5 s
	i=0
	while [ $i -lt 50 ]; do
		[ "$(q "$1" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
waitfor 'SELECT count(*) FROM entries' 6; ok $? "run polls every feed at start"
waitfor "SELECT count(*) FROM feeds WHERE last_poll > 0" 2; ok $? "both feeds polled"
i=0; while [ ! -s "$T/atom.xml" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$T/atom.xml" ]; ok $? "merged feed written after the cycle"
mkfeed "$T/a.xml" a 6
kill -USR1 "$pid"
waitfor 'SELECT count(*) FROM entries' 8; ok $? "SIGUSR1 polls every feed now"
cp "$T/fm.conf" "$T/good.conf"
printf '[feed "c"]\nbogus = 1\n' >>"$T/fm.conf"
kill -HUP "$pid"
i=0; while ! grep -q "reload refused" "$T/run.log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
contains "$T/run.log" "fm.conf:$(($(wc -l <"$T/good.conf") + 2)): unknown key" \
    "a bad config is refused with file:line"
kill -0 "$pid"; ok $? "and the daemon keeps running"
cp "$T/good.conf" "$T/fm.conf"
mkfeed "$T/c.xml" c 1
printf '[feed "c"]\nurl = file://%s/c.xml\n' "$T" >>"$T/fm.conf"
kill -HUP "$pid"
waitfor "SELECT count(*) FROM entries e JOIN feeds f ON f.id = e.feed WHERE f.name = 'c'" 1
ok $? "SIGHUP adds a feed and polls it"
kill -TERM "$pid"
wait "$pid"
is "$?" 0 "SIGTERM: exit 0"
tap_cleanups=""
done_testing
