#!/bin/sh
# t-hooks.sh: [hook] sections with a real daemon, a real database and a
# loopback receiver: an exec hook and a url hook (token checked) get every
# new entry exactly once across polls, a failing receiver, a restart and a
# kill -9; a hanging program is killed at its timeout with its group;
# since = all vs now; filters and rules; a clean environment; /metrics;
# `feedmux hooks`.
. "$top_srcdir/tests/lib.sh"
export XDG_STATE_HOME="$T/state"
FEEDMUX_TEST_SECRET=leak; export FEEDMUX_TEST_SECRET


# The feed: entries 1..N (entry 4 is about a secret; a rule hides 6).
NE=0
feed_to() {
	NE=$1
	$PY - "$T/a.rss" "$1" <<'PYEOF'
import sys
n = int(sys.argv[2])
items = "".join("<item><guid>urn:hook:%d</guid><title>%s %d</title>"
    "<link>http://127.0.0.1/e/%d</link><description>text %d</description>"
    "</item>\n" % (i, {4: "secret", 6: "banned"}.get(i, "Entry"), i, i, i)
    for i in range(1, n + 1))
open(sys.argv[1], "w").write('<?xml version="1.0"?><rss version="2.0">'
    "<channel><title>Feed A</title><link>http://127.0.0.1/a</link>\n%s"
    "</channel></rss>\n" % items)
PYEOF
}

# The webhook receiver: checks the token, fails while $T/fail exists,
# appends each entry it accepts to $T/web.jsonl.
port=$(free_port)
hport=$(free_port)
$PY - "$port" "$T" <<'PYEOF' &
import json, os, sys, time
from http.server import BaseHTTPRequestHandler, HTTPServer
T = sys.argv[2]
class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/slow":
            # Answers late: the daemon's cycles must not wait for it.
            time.sleep(8)
            with open(T + "/slow.jsonl", "a") as f:
                for e in json.loads(body)["entries"]:
                    f.write(json.dumps(e) + "\n")
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.headers.get("Authorization") != "Bearer s3cret":
            code = 401
        elif os.path.exists(T + "/fail"):
            code = 500
        else:
            code = 200
            doc = json.loads(body)
            with open(T + "/web.jsonl", "a") as f:
                for e in doc["entries"]:
                    f.write(json.dumps(e) + "\n")
        with open(T + "/web.log", "a") as f:
            f.write("%d %s\n" % (code, self.headers.get("User-Agent")))
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()
HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PYEOF
recv_pid=$!
stop_recv() { kill $recv_pid; }
at_exit stop_recv
wait_port "$port" || { echo "Bail out! receiver did not start"; exit 1; }

# The exec hook: its environment, then its input, appended.
cat >"$T/ex.sh" <<EOF2
#!/bin/sh
env >"$T/ex.env"
cat >>"$T/ex.jsonl"
echo "ex ran" >&2
EOF2
# A program that hangs, with a child of its own; records its group.
cat >"$T/hang.sh" <<EOF2
#!/bin/sh
echo \$\$ >"$T/hang.pgid"
echo \$\$ >>"$T/hang.pgids"
sleep 300 &
sleep 300
EOF2
chmod +x "$T/ex.sh" "$T/hang.sh"

conf() {
	cat <<EOF2
[feedmux]
database = $T/db.sqlite
log_level = info
exclude_match = banned
listen = 127.0.0.1:$hport

[feed "a"]
url = file://$T/a.rss
interval = 1h

[hook "ex"]
exec = $T/ex.sh
exclude_match = secret

[hook "web"]
url = http://127.0.0.1:$port/hook
header = Authorization: Bearer s3cret
batch = 2
EOF2
}
conf >"$T/feedmux.conf"
printf '\n[hook "hang"]\nexec = %s/hang.sh\ntimeout = 2s\n' "$T" \
    >>"$T/feedmux.conf"

starts=0
start() {
	"$FEEDMUX" -c "$T/feedmux.conf" run 2>>"$T/daemon.log" &
	daemon_pid=$!
	starts=$((starts + 1))
	wait_for sh -c "[ \$(grep -c 'running:' '$T/daemon.log') -ge $starts ]"
}
stop_daemon() { kill $daemon_pid 2>/dev/null; wait $daemon_pid 2>/dev/null; }
at_exit stop_daemon
# A daemon killed with -9 cannot stop what it started: the test does.
stop_hang() { for g in $(cat "$T/hang.pgids"); do kill -KILL -$g; done; }
at_exit stop_hang
lines() { [ -f "$1" ] && wc -l <"$1" || echo 0; }
have() { [ "$(lines "$1")" -ge "$2" ]; }
# once FILE N [x]: one line per entry 1..N, each once, with distinct
# feedmux_ids; 6 left out (the rule), and 4 too with x (the hook's filter).
once() {
	$PY - "$@" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
want = [i for i in range(1, int(sys.argv[2]) + 1)
    if i != 6 and not (len(sys.argv) > 3 and i == 4)]
got = [int(r["entry"]["id"].rsplit(":", 1)[1]) for r in rows]
ids = [r["feedmux_id"] for r in rows]
if sorted(got) != want or len(set(ids)) != len(ids):
    sys.exit("got %r want %r" % (got, want))
if any(r["feed"] != "a" or r["feed_title"] != "Feed A" for r in rows):
    sys.exit("feed name or title missing")
PYEOF
}

# Config checks: one of exec and url, a full path, a name, once each.
bad() {
	printf '[feed "a"]\nurl = file://%s/a.rss\n[hook%s]\n%b\n' "$T" "$1" "$2" \
	    >"$T/bad.conf"
	"$FEEDMUX" -c "$T/bad.conf" check-config >"$T/bad.out" 2>&1
	[ $? -ne 0 ] && grep -q "$3" "$T/bad.out"
}
check "config: a hook without exec or url" bad ' "x"' 'batch = 3' 'needs exec or url'
check "config: a hook with both" bad ' "x"' 'exec = /bin/true\nurl = http://127.0.0.1/' 'needs exec or url'
check "config: exec without a full path" bad ' "x"' 'exec = true' 'absolute path'
check "config: a url hook must be http(s)" bad ' "x"' 'url = file:///etc/passwd' 'http:// or https://'
check "config: [hook] needs a name" bad '' 'exec = /bin/true' 'needs a name'
check "config: since all or now" bad ' "x"' 'exec = /bin/true\nsince = yesterday' 'since:'
check "config: a filter key in [hook]" sh -c "printf '[hook \"x\"]\nexec = /bin/true\ncategories = a b\nexclude_match = (x\n' >'$T/bad.conf'; ! '$FEEDMUX' -c '$T/bad.conf' check-config 2>&1 | grep -q 'unknown key'"

# 1: three entries at start.
feed_to 3
start
wait_for have "$T/web.jsonl" 3; ok $? "url hook: the first poll's entries"
wait_for have "$T/ex.jsonl" 3; ok $? "exec hook: the first poll's entries"
check "exec hook: each entry once" once "$T/ex.jsonl" 3 x
check "url hook: each entry once, in batches of 2" once "$T/web.jsonl" 3
contains "$T/web.log" "200 feedmux/" "url hook: POSTed with feedmux's User-Agent"
contains "$T/daemon.log" "hook ex: ex ran" "exec hook: its stderr in the log"

# Environment: FEEDMUX_HOOK and PATH, nothing of ours.
contains "$T/ex.env" "FEEDMUX_HOOK=ex" "exec hook: FEEDMUX_HOOK set"
contains "$T/ex.env" "PATH=/usr/bin:/bin" "exec hook: PATH=/usr/bin:/bin"
check_fail "exec hook: a clean environment" grep -q "FEEDMUX_TEST_SECRET\|^HOME=" "$T/ex.env"

# The hanging hook: killed at 2 s, its whole group gone.
wait_for test -s "$T/hang.pgid"; ok $? "hang hook started"
wait_for grep -q "hook hang: failing: timed out" "$T/daemon.log"
ok $? "hang hook: killed at its timeout, reported once"
pg=$(cat "$T/hang.pgid")
wait_for sh -c "! kill -0 -$pg"; ok $? "hang hook: its process group is gone"

# 2: a second poll (SIGUSR1), with the secret entry.
feed_to 5
kill -USR1 $daemon_pid
wait_for have "$T/web.jsonl" 5; ok $? "url hook: second poll"
wait_for have "$T/ex.jsonl" 4; ok $? "exec hook: second poll"
sleep 0.5
check "exec hook: the excluded entry never came" once "$T/ex.jsonl" 5 x

# 3: a restart between polls.
stop_daemon
feed_to 7
start
kill -USR1 $daemon_pid		# the feed is not due for an hour
wait_for have "$T/web.jsonl" 6; ok $? "url hook: after a restart"
wait_for have "$T/ex.jsonl" 5; ok $? "exec hook: after a restart"

# 4: kill -9 between polls.
sleep 0.5
kill -9 $daemon_pid; wait $daemon_pid 2>/dev/null
feed_to 9
start
kill -USR1 $daemon_pid
wait_for have "$T/web.jsonl" 8; ok $? "url hook: after kill -9"
wait_for have "$T/ex.jsonl" 7; ok $? "exec hook: after kill -9"

# 5: the receiver fails, then recovers: retried, delivered once.
touch "$T/fail"
feed_to 10
kill -USR1 $daemon_pid
wait_for grep -q "hook web: failing: .*HTTP 500" "$T/daemon.log"
ok $? "url hook: a failure is reported"
rm "$T/fail"
kill -USR1 $daemon_pid		# retry now rather than after the backoff
wait_for have "$T/web.jsonl" 9; ok $? "url hook: delivered after the failure"
wait_for grep -q "hook web: recovered after" "$T/daemon.log"
ok $? "url hook: recovery reported"
wait_for have "$T/ex.jsonl" 8
sleep 0.5
check "exec hook: every entry exactly once" once "$T/ex.jsonl" 10 x
check "url hook: every entry exactly once" once "$T/web.jsonl" 10
check_fail "a rule's rejected entry reached no hook" grep -q banned \
    "$T/ex.jsonl" "$T/web.jsonl"
$PY -c "import urllib.request; print(urllib.request.urlopen(
    'http://127.0.0.1:$hport/metrics').read().decode())" >"$T/metrics"
contains "$T/metrics" 'feedmux_hook_delivered_total{hook="web"} 9' \
    "/metrics: deliveries counted per hook"
contains "$T/metrics" 'feedmux_hook_failures{hook="hang"}' \
    "/metrics: failures per hook"
is "$(grep -c 'hook web: failing' "$T/daemon.log")" 1 "the failure reported once"

"$FEEDMUX" -c "$T/feedmux.conf" hooks >/dev/null 2>&1
is $? 75 "feedmux hooks: refused while the daemon runs them"

# status shows the hooks.
"$FEEDMUX" -c "$T/feedmux.conf" status --json >"$T/status.json" 2>&1
check "status --json: hooks with last success, backlog and failures" $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
h = {x["name"]: x for x in d["hooks"]}
assert h["web"]["backlog"] == 0 and h["web"]["failures"] == 0, h
assert h["web"]["last_success"] is not None, h
assert h["hang"]["failures"] >= 1 and h["hang"]["backlog"] == 9, h
' "$T/status.json"
stop_daemon

# 6: since: a new hook starts from now; since = all from the start.
{ conf; printf '\n[hook "late"]\nexec = %s/late.sh\n\n[hook "all"]\nexec = %s/all.sh\nsince = all\n' "$T" "$T"; } >"$T/feedmux.conf"
printf '#!/bin/sh\ncat >>%s/late.jsonl\n' "$T" >"$T/late.sh"
printf '#!/bin/sh\ncat >>%s/all.jsonl\n' "$T" >"$T/all.sh"
chmod +x "$T/late.sh" "$T/all.sh"
"$FEEDMUX" -c "$T/feedmux.conf" hooks >/dev/null 2>&1
ok $? "feedmux hooks: runs (nothing new for a new hook)"
feed_to 11
"$FEEDMUX" -c "$T/feedmux.conf" poll --all >/dev/null 2>&1
"$FEEDMUX" -c "$T/feedmux.conf" hooks 2>>"$T/daemon.log"
ok $? "feedmux hooks: delivers the new entry"
is "$(lines "$T/late.jsonl")" 1 "since = now: only what came after the hook"
is "$(lines "$T/all.jsonl")" 10 "since = all: the whole history (not what a rule hides)"
check "feedmux hooks: exec hook got entry 11 once" once "$T/ex.jsonl" 11 x
check "feedmux hooks: url hook got entry 11 once" once "$T/web.jsonl" 11
"$FEEDMUX" -c "$T/feedmux.conf" hooks >/dev/null 2>&1
is "$(lines "$T/all.jsonl")" 10 "a second run sends nothing again"

# A second daemon of its own for what follows: $1 extra config.
# feed2_to FILE ID=LINK...: a feed of those entries.
feed2_to() {
	$PY - "$@" <<'PYEOF'
import sys
items = "".join("<item><guid>urn:b:%s</guid><title>B %s</title>"
    "<link>%s</link></item>\n" % (i, i, l)
    for i, l in (a.split("=", 1) for a in sys.argv[2:]))
open(sys.argv[1], "w").write('<?xml version="1.0"?><rss version="2.0">'
    "<channel><title>Feed B</title><link>http://127.0.0.1/b</link>\n%s"
    "</channel></rss>\n" % items)
PYEOF
}
start2() {
	mkdir -p "$T/2"
	{ printf '[feedmux]\ndatabase = %s/2/db.sqlite\nlog_level = info\n' "$T"
	  printf '[output]\natom = %s/2/out.atom\n' "$T"
	  printf '[feed "b"]\nurl = file://%s/b.rss\ninterval = 1h\n' "$T"
	  printf '%b\n' "$1"; } >"$T/2/feedmux.conf"
	: >"$T/2/daemon.log"
	"$FEEDMUX" -c "$T/2/feedmux.conf" run 2>>"$T/2/daemon.log" &
	daemon_pid=$!
	wait_for grep -q 'running:' "$T/2/daemon.log"
}

# 7: a POST in flight (the receiver answers after 8 s) neither holds the
# poll cycle open nor loses what a cycle stores meanwhile.
feed2_to "$T/b.rss" 1=http://127.0.0.1/b/1
start2 '[hook "slow"]\nurl = http://127.0.0.1:'$port'/slow\nsince = all'
wait_for grep -q "cycle:" "$T/2/daemon.log"
sleep 0.5
feed2_to "$T/b.rss" 1=http://127.0.0.1/b/1 2=http://127.0.0.1/b/2
kill -USR1 $daemon_pid
i=0
while [ $i -lt 40 ] && ! grep -q "urn:b:2" "$T/2/out.atom"; do
	sleep 0.1; i=$((i + 1))
done
contains "$T/2/out.atom" "urn:b:2" \
    "a cycle ends while a hook's POST is in flight (output rewritten)"
is "$(grep -c "cycle:" "$T/2/daemon.log")" 2 "the second cycle ended"
wait_for grep -q "urn:b:2" "$T/slow.jsonl"
ok $? "what a cycle stored while the hook ran goes out after the run"
stop_daemon

# 8: cross-feed duplicates, per hook: an article that reaches the hook's
# feed after another feed had it goes to the hook (it never had it); a
# hook that had it does not get it again.
mkdir -p "$T/3"
cat >"$T/3/feedmux.conf" <<EOF2
[feedmux]
database = $T/3/db.sqlite
[feed "c1"]
url = file://$T/3/c1.rss
[feed "c2"]
url = file://$T/3/c2.rss
[hook "dup"]
exec = $T/3/dup.sh
feeds = c2
since = all
[hook "any"]
exec = $T/3/any.sh
since = all
EOF2
printf '#!/bin/sh\ncat >>%s/3/dup.jsonl\n' "$T" >"$T/3/dup.sh"
printf '#!/bin/sh\ncat >>%s/3/any.jsonl\n' "$T" >"$T/3/any.sh"
chmod +x "$T/3/dup.sh" "$T/3/any.sh"
hooks3() {
	"$FEEDMUX" -c "$T/3/feedmux.conf" poll --all >/dev/null 2>&1
	"$FEEDMUX" -c "$T/3/feedmux.conf" hooks 2>>"$T/3/log"
}
feed2_to "$T/3/c1.rss" c1=http://127.0.0.1/p/1
feed2_to "$T/3/c2.rss"
hooks3
is "$(lines "$T/3/dup.jsonl")" 0 "duplicates: c1's entry is not for a hook on c2"
feed2_to "$T/3/c2.rss" c2=http://127.0.0.1/p/1
hooks3
check "duplicates: the article reaching c2 later goes to the hook on c2" \
    grep -q '"feed": "c2"' "$T/3/dup.jsonl"
is "$(lines "$T/3/any.jsonl")" 1 "duplicates: a hook that had it gets it once"

# 9: URLs an older version stored, which the link policy now refuses,
# reach no hook (as no output): link and thumbnail null, enclosure gone.
feed2_to "$T/3/c1.rss" c1=http://127.0.0.1/p/1 c3=http://127.0.0.1/p/3
"$FEEDMUX" -c "$T/3/feedmux.conf" poll --all >/dev/null 2>&1
$PY - "$T/3/db.sqlite" <<'PYEOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE entries SET link = 'javascript:alert(1)',"
    " thumbnail = 'file:///etc/passwd', enclosures = ?"
    " WHERE id = (SELECT max(id) FROM entries)",
    (b"javascript:alert(2)\0\x005\0http://127.0.0.1/ok.mp3\0audio/mpeg\x007\0",))
db.commit()
PYEOF
"$FEEDMUX" -c "$T/3/feedmux.conf" hooks 2>>"$T/3/log"
check "stored URLs the link policy refuses reach no hook" $PY -c '
import json, sys
e = json.loads(open(sys.argv[1]).readlines()[-1])["entry"]
assert e["id"] == "urn:b:c3", e
assert e["link"] is None and e["thumbnail"] is None, e
assert [x["url"] for x in e["enclosures"]] == ["http://127.0.0.1/ok.mp3"], e
' "$T/3/any.jsonl"

# 10: a batch closes at about 8 MiB as well as at batch entries: twelve
# entries of 900 kB go in more than one run, every one delivered.
mkdir -p "$T/4"
cat >"$T/4/feedmux.conf" <<EOF2
[feedmux]
database = $T/4/db.sqlite
[feed "big"]
url = file://$T/4/big.rss
[hook "big"]
exec = $T/4/big.sh
since = all
EOF2
printf '#!/bin/sh\nwc -l >>%s/4/runs\n' "$T" >"$T/4/big.sh"
chmod +x "$T/4/big.sh"
$PY - "$T/4/big.rss" <<'PYEOF'
import sys
items = "".join("<item><guid>urn:big:%d</guid><title>Big %d</title>"
    "<description>%s</description></item>\n" % (i, i, "x" * 900000)
    for i in range(1, 13))
open(sys.argv[1], "w").write('<?xml version="1.0"?><rss version="2.0">'
    "<channel><title>Big</title>\n%s</channel></rss>\n" % items)
PYEOF
"$FEEDMUX" -c "$T/4/feedmux.conf" poll --all >/dev/null 2>>"$T/4/log"
"$FEEDMUX" -c "$T/4/feedmux.conf" hooks 2>>"$T/4/log"
ok $? "big entries: delivered"
check "big entries: several batches of at most 10, 12 in all" $PY -c '
import sys
runs = [int(l) for l in open(sys.argv[1])]
assert len(runs) >= 2 and max(runs) <= 10 and sum(runs) == 12, runs
' "$T/4/runs"

# 11: a narrow filter on a big store: a run examines a bounded number of
# rows (the loop is not held for the whole table), the rest in later runs.
mkdir -p "$T/5"
cat >"$T/5/feedmux.conf" <<EOF2
[feedmux]
database = $T/5/db.sqlite
log_level = debug
[feed "many"]
url = file://$T/5/many.rss
keep_max = 10000
[hook "narrow"]
exec = $T/5/narrow.sh
since = all
match = needle
EOF2
printf '#!/bin/sh\ncat >>%s/5/narrow.jsonl\n' "$T" >"$T/5/narrow.sh"
chmod +x "$T/5/narrow.sh"
$PY - "$T/5/many.rss" <<'PYEOF'
import sys
items = "".join("<item><guid>urn:many:%d</guid><title>%s %d</title></item>\n"
    % (i, "needle" if i == 4500 else "hay", i) for i in range(1, 4501))
open(sys.argv[1], "w").write('<?xml version="1.0"?><rss version="2.0">'
    "<channel><title>Many</title>\n%s</channel></rss>\n" % items)
PYEOF
"$FEEDMUX" -c "$T/5/feedmux.conf" poll --all >/dev/null 2>>"$T/5/log"
"$FEEDMUX" -c "$T/5/feedmux.conf" hooks 2>"$T/5/hooks.log"
ok $? "narrow hook on a big store: runs"
is "$(grep -c 'hook narrow: .* examined, more to come' "$T/5/hooks.log")" 2 \
    "narrow hook: 4500 rows examined in three runs"
check "narrow hook: the one entry it wants, once" sh -c \
    "[ \$(wc -l <'$T/5/narrow.jsonl') -eq 1 ] && grep -q 'urn:many:4500' '$T/5/narrow.jsonl'"

# 12: a hook whose state cannot be read does not run (a mark of 0 would
# replay the whole history); it runs once the state reads again.
n3=$(lines "$T/3/any.jsonl")
$PY - "$T/3/db.sqlite" <<'PYEOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
# Reading it fails at run time (integer overflow), not at prepare.
db.executescript("ALTER TABLE hooks RENAME TO hooks_saved;"
    "CREATE VIEW hooks AS SELECT * FROM hooks_saved"
    " WHERE abs(-9223372036854775807 - 1) IS NOT NULL;")
PYEOF
"$FEEDMUX" -c "$T/3/feedmux.conf" hooks 2>"$T/3/err.log"
is $? 75 "unreadable hook state: feedmux hooks fails"
contains "$T/3/err.log" "not run until its state is read" \
    "unreadable hook state: reported"
is "$(lines "$T/3/any.jsonl")" "$n3" "unreadable hook state: no history replayed"
$PY -c "import sqlite3, sys; sqlite3.connect(sys.argv[1]).executescript(
    'DROP VIEW hooks; ALTER TABLE hooks_saved RENAME TO hooks;')" \
    "$T/3/db.sqlite"
"$FEEDMUX" -c "$T/3/feedmux.conf" hooks 2>>"$T/3/log"
ok $? "hook state readable again: feedmux hooks runs"
is "$(lines "$T/3/any.jsonl")" "$n3" "hook state readable again: nothing sent twice"

check_fail "no sanitizer report from the daemon or feedmux hooks" \
    grep -q "Sanitizer" "$T/daemon.log" "$T"/2/daemon.log "$T/3/log" \
    "$T/4/log" "$T/5/log" "$T/5/hooks.log"

done_testing
