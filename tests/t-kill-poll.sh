#!/bin/sh
# t-kill-poll.sh: kill -9 a real `feedmux poll` at random moments; after
# each, the database passes integrity_check, every feed whose fetch
# committed holds all the entries of its document, and the next poll
# carries on.
. "$top_srcdir/tests/lib.sh"
NF=16
NE=30
mkdir -p "$T/feeds"
$PY - "$T/feeds" $NF $NE <<'PYEOF'
import sys
d, nf, ne = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for f in range(nf):
    items = "".join(
        "<item><guid>urn:kill:%d:%d</guid><title>Entry %d of %d</title>"
        "<link>http://127.0.0.1/%d/%d</link><description>%s</description>"
        "<pubDate>Mon, 02 Jan 2023 10:%02d:00 GMT</pubDate></item>\n"
        % (f, i, i, f, f, i, "text " * 60, i % 60) for i in range(ne))
    open("%s/f%d.rss" % (d, f), "w").write(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>F%d</title>'
        "<link>http://127.0.0.1/%d</link>\n%s</channel></rss>\n" % (f, f, items))
PYEOF
{
	printf '[feedmux]\ndatabase = %s\nkeep = 0\nkeep_max = 0\n\n' "$T/db.sqlite"
	f=0
	while [ $f -lt $NF ]; do
		printf '[feed "f%d"]\nurl = file://%s/feeds/f%d.rss\n\n' $f "$T" $f
		f=$((f + 1))
	done
} >"$T/feedmux.conf"
export XDG_STATE_HOME="$T/state"

# Every feed with a committed fetch has all NE entries; integrity ok.
check_db() {
	$PY - "$T/db.sqlite" $NE <<'PYEOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
ic = db.execute("PRAGMA integrity_check").fetchone()[0]
if ic != "ok":
    sys.exit("integrity_check: " + ic)
# Killed before the first migration committed: nothing at all, not a part.
if db.execute("PRAGMA user_version").fetchone()[0] == 0:
    n = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    sys.exit("half a schema: %d objects" % n if n else 0)
bad = db.execute("SELECT f.name, count(e.id) FROM feeds f LEFT JOIN entries e"
    " ON e.feed = f.id WHERE f.last_success > 0 GROUP BY f.id"
    " HAVING count(e.id) != ?", (int(sys.argv[2]),)).fetchall()
if bad:
    sys.exit("committed feeds missing entries: %r" % bad)
PYEOF
}

# Half the feeds due again, their entries gone: each run ingests again.
replan() {
	$PY - "$T/db.sqlite" <<'PYEOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'feeds'").fetchone():
    db.execute("UPDATE feeds SET next_poll = 0, last_success = 0"
        " WHERE id % 2 = 0")
    db.execute("DELETE FROM entries WHERE feed % 2 = 0")
    db.commit()
PYEOF
}

i=0
while [ $i -lt 8 ]; do
	[ -f "$T/db.sqlite" ] && replan
	"$FEEDMUX" -c "$T/feedmux.conf" poll >/dev/null 2>&1 &
	pid=$!
	# Once something committed (the WAL has frames), a random moment
	# 0-150 ms later.
	w=0
	while [ ! -s "$T/db.sqlite-wal" ] && [ $w -lt 100 ]; do
		sleep 0.05; w=$((w + 1))
	done
	sleep "0.$(printf '%03d' $(($(od -An -N1 -tu1 /dev/urandom) % 150)))"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	if [ -f "$T/db.sqlite" ]; then
		check "run $i: killed poll left a consistent database" check_db
	else
		ok 0 "run $i: killed before the database was created"
	fi
	i=$((i + 1))
done
check "the next poll carries on" "$FEEDMUX" -c "$T/feedmux.conf" poll
check "then every feed holds all its entries" check_db
n=$($PY -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM feeds WHERE last_success > 0").fetchone()[0])' "$T/db.sqlite")
is "$n" "$NF" "every feed committed"
done_testing
