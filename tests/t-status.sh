#!/bin/sh
# feedmux status and list: before any poll, after a poll with one failing
# feed (failing first, HTTP status, counts), columns, colour only on a TTY,
# --json for scripts, quiet feeds flagged.
. "$top_srcdir/tests/lib.sh"
export XDG_STATE_HOME="$T/state" FEEDMUX_CONF="" FEEDMUX_NOW=1800000000
unset NO_COLOR
D="$top_srcdir/tests/data/opml"
P=$(free_port)
$PY "$D/server.py" "$P" "$T/hits" & srv=$!
stop_server() { kill $srv; }
at_exit stop_server

cat >"$T/f.conf" <<EOF
[feedmux]
database = $T/db/feedmux.db
quiet_after = 1d
interval = 1h

[feed "other"]
url = http://127.0.0.1:$P/other.rss
category = Misc

[feed "broken-feed"]
url = http://127.0.0.1:$P/missing.xml

[feed "atom"]
url = http://127.0.0.1:$P/feed.atom
interval = 2h
EOF
fm() { "$FEEDMUX" -c "$T/f.conf" "$@"; }

# list: what is configured.
fm list >"$T/out" 2>&1; is $? 0 "list exits 0"
is "$(head -1 "$T/out" | tr -s ' ')" "NAME CATEGORY INTERVAL URL" "list header"
grep -q "^other  *Misc  *1h  *http://127.0.0.1:$P/other.rss$" "$T/out"; ok $? "list row: name, category, interval, url"
grep -q "^atom  *-  *2h " "$T/out"; ok $? "per-feed interval shown"
fm list --json | $PY -c 'import json,sys; l=json.load(sys.stdin); assert [f["name"] for f in l]==["other","broken-feed","atom"] and l[0]["interval"]==3600, l' 2>"$T/err"
ok $? "list --json"

# Before any poll: every feed never polled, and looking creates nothing.
fm status >"$T/out" 2>&1; is $? 0 "status before any poll exits 0"
contains "$T/out" "3 feeds, 0 failing, 0 gone, 0 quiet, 3 never polled, 0 entries" "summary before polling"
test ! -e "$T/db/feedmux.db"; ok $? "status does not create the database"

wait_port "$P"; ok $? "fixture server up"
mkdir -p "$T/db"
fm poll >"$T/poll.out" 2>&1
is $? 0 "poll with one failing feed exits 0"

fm status >"$T/out" 2>&1; is $? 0 "status after a poll"
sed -n 2p "$T/out" | grep -q "^broken-feed .* 404 .* 1 "; st=$?
ok $st "the failing feed comes first, with HTTP 404 and 1 failure"
[ $st -eq 0 ] || sed 's/^/#   /' "$T/out"
contains "$T/out" "3 feeds, 1 failing, 0 gone, 0 quiet, 0 never polled, 3 entries" "summary counts failing and entries"
grep -q "^other .* 200 .* 2 " "$T/out"; ok $? "a good feed: HTTP 200, its 2 entries"
$PY - "$T/out" <<'EOF'
import sys
lines = open(sys.argv[1]).read().splitlines()[:-1]
head = lines[0]
for col in ("LAST OK", "NEXT POLL", "WHY", "FLAGS"):
    i = head.index(col)
    for l in lines[1:]:
        assert l[i - 2:i] == "  " and l[i] != " ", (col, l)
EOF
ok $? "columns are aligned"
grep -q "$(printf '\033')" "$T/out"; is $? 1 "no colour in a pipe"

# On a terminal: colour (red for the failing feed), unless NO_COLOR.
tty_status() {
	$PY -c 'import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        b = os.read(fd, 4096)
    except OSError:
        break
    if not b:
        break
    out += b
os.waitpid(pid, 0)
sys.stdout.write(out.decode())' "$FEEDMUX" -c "$T/f.conf" status
}
tty_status >"$T/tty" 2>&1
grep -q "$(printf '\033')\[31mbroken-feed" "$T/tty"; ok $? "on a TTY the failing feed is red"
NO_COLOR=1 tty_status >"$T/tty" 2>&1
grep -q "$(printf '\033')" "$T/tty"; is $? 1 "NO_COLOR turns colour off on a TTY"

# --json for scripts.
fm status --json >"$T/json"; is $? 0 "status --json exits 0"
$PY - "$T/json" <<'EOF' >"$T/err" 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
f = d["feeds"]
assert f[0]["name"] == "broken-feed" and f[0]["failing"] and f[0]["last_status"] == 404 and f[0]["failures"] == 1, f[0]
assert f[0]["last_success"] is None and f[0]["last_error"], f[0]
o = [x for x in f if x["name"] == "other"][0]
assert o["entries"] == 2 and o["last_status"] == 200 and not o["failing"] and o["polled"], o
assert o["last_success"] == "2027-01-15T08:00:00Z", o["last_success"]
assert o["next_poll"] and o["next_reason"], o
assert o["category"] == "Misc" and o["quiet"] is False
s = d["summary"]
assert s == {"feeds": 3, "failing": 1, "gone": 0, "quiet": 0, "never_polled": 0,
             "entries": 3, "daemon_pid": None,
             "nothing_to_poll": False, "now": "2027-01-15T08:00:00Z"}, s
EOF
st=$?; ok $st "status --json: feeds (failing first) and summary"
[ $st -eq 0 ] || sed 's/^/#   /' "$T/err"

# Two days later with nothing new: the good feeds have gone quiet.
FEEDMUX_NOW=$((1800000000 + 2 * 86400)) fm status >"$T/out" 2>&1
grep -q "^other .*quiet$" "$T/out"; ok $? "a feed with nothing new for quiet_after is flagged quiet"
contains "$T/out" "2 quiet" "and counted"
FEEDMUX_NOW=$((1800000000 + 2 * 86400)) fm status --json | $PY -c 'import json,sys; d=json.load(sys.stdin); assert [x["quiet"] for x in d["feeds"]]==[False,True,True], d' 2>"$T/err"
ok $? "quiet in --json too (not for the failing feed)"

# export after a poll: the feed's own title and site link.
fm export >"$T/x.opml"
contains "$T/x.opml" "<outline type=\"rss\" text=\"Other Feed\" title=\"Other Feed\" xmlUrl=\"http://127.0.0.1:$P/other.rss\" htmlUrl=\"http://127.0.0.1/other\"/>" \
	"export uses the feed's title and site link from the store"

fm status --bogus >/dev/null 2>&1; is $? 64 "unknown option: EX_USAGE"
done_testing
