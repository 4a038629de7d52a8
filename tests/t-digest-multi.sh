#!/bin/sh
# t-digest-multi.sh: several digests over real SMTP on loopback (aiosmtpd):
# [digest "name"] sections with their own filters, recipients, slots and
# zones, each mail carrying exactly its entries, each sent once across
# daemon restarts.
. "$top_srcdir/tests/lib.sh"
SINK=$top_srcdir/tests/smtp-sink.py
SLOT7=1793602800			# Mon 2 Nov 2026 07:00Z
SLOT8=1793606400			# 08:00Z = 11:00 in Istanbul

start_fixture
sport=$(free_port)
mkdir -p "$T/mail"
$PY "$SINK" "$sport" "$T/mail" 2>>"$T/sink.err" &
sink_pid=$!
stop_sink() { kill "$sink_pid"; }
at_exit stop_sink
wait_port "$sport" || { echo "Bail out! smtp sink did not start"; exit 1; }

cat >"$T/feedmux.conf" <<EOF2
[feedmux]
database = $T/db.sqlite
pidfile = $T/feedmux.pid
log_level = info
[feed "alpha"]
url = $U/feed/alpha
category = News
[feed "beta"]
url = $U/feed/beta
category = Sport
[feed "gamma"]
url = $U/feed/gamma
category = News
[digest "news"]
at = 07:00
timezone = UTC
dir = $T/digests
categories = News
exclude_match = gamma item 2
mail_to = news@example.org
mail_from = feedmux <feedmux@example.org>
smtp = smtp://127.0.0.1:$sport
[digest "sport"]
at = 11:00
timezone = Europe/Istanbul
dir = $T/digests
feeds = beta
mail_to = Sport Desk <sport@example.org>
mail_from = feedmux <feedmux@example.org>
smtp = smtp://127.0.0.1:$sport
subject = Sport {{day}}: {{count}}
EOF2
C="-c $T/feedmux.conf"

check "check-config takes two named digests" $FEEDMUX $C check-config
FEEDMUX_NOW=$((SLOT7 - 600)) $FEEDMUX $C poll >"$T/poll.out" 2>&1
ok $? "poll fills the store from the fixture"

msgs() { ls "$T/mail" | grep -c '\.eml$'; }
dpid=
# daemon NOW: start the daemon with its clock at NOW.
daemon() {
	FEEDMUX_NOW=$1 $FEEDMUX $C run >>"$T/run.log" 2>&1 &
	dpid=$!
}
stop_daemon() {
	[ -n "$dpid" ] || return 0
	kill -TERM "$dpid"; wait "$dpid"; st=$?; dpid=
	return $st
}
at_exit stop_daemon
# The daemon's digest timer runs first at start; a second start has had
# its chance once the first poll of it is logged.
settle() { wait_for grep -q "$1" "$T/run.log"; sleep 1; }

daemon $SLOT7
wait_for sh -c "[ \$(ls '$T/mail' | grep -c '\\.eml\$') -ge 1 ]"
settle "digest news .* delivered"
stop_daemon; ok $? "daemon at 07:00 stops cleanly"
is "$(msgs)" 1 "07:00: the news digest only"
: >"$T/run.log"
daemon $SLOT7
settle "cycle\|poll"
stop_daemon
is "$(msgs)" 1 "restarted at 07:00: not sent again"
: >"$T/run.log"
daemon $SLOT8
wait_for sh -c "[ \$(ls '$T/mail' | grep -c '\\.eml\$') -ge 2 ]"
settle "digest sport .* delivered"
stop_daemon
is "$(msgs)" 2 "11:00 Istanbul: the sport digest, news not again"
: >"$T/run.log"
daemon $SLOT8
settle "cycle\|poll"
stop_daemon
is "$(msgs)" 2 "restarted at 11:00 Istanbul: neither sent again"

cat >"$T/check.py" <<'EOF2'
import email, email.policy, json, re, sys
d = sys.argv[1]
def t(cond, what):
    print(("ok" if cond else "FAIL") + " " + what)
def load(n):
    m = email.message_from_bytes(open("%s/msg-%d.eml" % (d, n), "rb").read(),
                                 policy=email.policy.default)
    env = json.load(open("%s/env-%d.json" % (d, n)))
    text = m.get_body(("plain",)).get_content()
    html = m.get_body(("html",)).get_content()
    return m, env, text, html
def titles(text):
    return sorted(set(re.findall(r"\b(alpha|beta|gamma) item (\d)", text)))
m, env, text, html = load(1)
t(env["rcpt_tos"] == ["news@example.org"], "news: its recipient only: %s" % env["rcpt_tos"])
t("news" in m["List-Id"], "news: its own List-Id: %s" % m["List-Id"])
want = [("alpha", "0"), ("alpha", "1"), ("alpha", "2"), ("gamma", "0"), ("gamma", "1")]
t(titles(text) == want, "news: exactly its entries in text: %s" % titles(text))
t(titles(html) == want, "news: and in HTML")
t("2 News" not in text and "beta" not in text, "news: nothing of beta")
m, env, text, html = load(2)
t(env["rcpt_tos"] == ["sport@example.org"], "sport: its recipient only: %s" % env["rcpt_tos"])
t(m["Subject"] == "Sport 2026-11-02: 3", "sport: its own subject: %s" % m["Subject"])
want = [("beta", "0"), ("beta", "1"), ("beta", "2")]
t(titles(text) == want, "sport: exactly its entries: %s" % titles(text))
t(titles(html) == want, "sport: and in HTML")
EOF2
$PY "$T/check.py" "$T/mail" >"$T/check.out" 2>&1 || cat "$T/check.out" | sed 's/^/# /'
while read -r res what; do
	[ "$res" = ok ]; ok $? "$what"
done <"$T/check.out"
ls "$T/digests/digest-news-2026-11-02.html" "$T/digests/digest-sport-2026-11-02.html" >/dev/null
ok $? "each digest's files carry its name"

FEEDMUX_NOW=$((SLOT8 + 60)) $FEEDMUX $C status >"$T/status" 2>&1
contains "$T/status" 'digest "news": last 2026-11-02 07:00, sent; next 2026-11-03 07:00' \
    "status shows the news digest"
contains "$T/status" 'digest "sport": last 2026-11-02 11:00, sent; next 2026-11-03 11:00' \
    "and the sport digest, in its zone"
FEEDMUX_NOW=$((SLOT8 + 60)) $FEEDMUX $C status --json >"$T/status.json" 2>&1
$PY -c 'import json,sys; d=json.load(open(sys.argv[1]))["digest"]; sys.exit(not ([x["name"] for x in d["digests"]] == ["news", "sport"] and d["last"] is None))' "$T/status.json"
ok $? "status --json lists both by name"

$FEEDMUX $C digest nosuch >"$T/out" 2>&1; st=$?
is "$st" 78 "digest NAME unknown: EX_CONFIG"
contains "$T/out" 'no digest "nosuch" in '"$T/feedmux.conf"' (configured: news, sport)' \
    "it says which digests there are"
FEEDMUX_NOW=$((SLOT8 + 60)) $FEEDMUX $C digest -n sport >"$T/out" 2>&1
contains "$T/out" "0 new entries" "digest -n NAME previews that digest (nothing new)"

# Groups sorted as a person reads them, whatever the locale; two feeds of
# one title told apart by their config names.
FILL=$top_builddir/tests/digest_fill
mkdir -p "$T/g"
cat >"$T/g/feedmux.conf" <<EOF2
[feedmux]
database = $T/g/db.sqlite
[feed "z"]
url = http://127.0.0.1:9/z
title = Zebra
[feed "e"]
url = http://127.0.0.1:9/e
title = Éclair
[feed "a"]
url = http://127.0.0.1:9/a
title = apple
[feed "d1"]
url = http://127.0.0.1:9/d1
title = Daily
[feed "d2"]
url = http://127.0.0.1:9/d2
title = Daily
[feed "b"]
url = http://127.0.0.1:9/b
title = Ålborg bay
[digest]
dir = $T/g/digests
EOF2
for f in z e a d1 d2 b; do
	$FILL "$T/g/feedmux.conf" entry $f "$f-1" "Story of $f"
done
LC_ALL=C $FEEDMUX -c "$T/g/feedmux.conf" digest -n >"$T/g/out" 2>&1
is "$(grep '^== ' "$T/g/out" | tr '\n' '|')" \
    "== Ålborg bay ==|== apple ==|== Daily (d1) ==|== Daily (d2) ==|== Éclair ==|== Zebra ==|" \
    "groups by title, case and accents aside; same titles with their names"
grep -A1 "Story of d2" "$T/g/out" | grep -q "^  Daily,"
ok $? "the sources line names the feed by its display title"
sed -i 's/^dir = .*/&\ngroup = none/' "$T/g/feedmux.conf"
$FEEDMUX -c "$T/g/feedmux.conf" digest -n >"$T/g/out" 2>&1
is "$(grep -c '^== ' "$T/g/out")" 0 "group = none: no group headings"
is "$(grep -c '^\* Story of' "$T/g/out")" 6 "and every entry"
sed -i 's/^group = none/group = whatever/' "$T/g/feedmux.conf"
$FEEDMUX -c "$T/g/feedmux.conf" check-config >"$T/g/out" 2>&1; st=$?
is "$st" 78 "check-config refuses a bad group"
contains "$T/g/out" "$T/g/feedmux.conf:23: group: want feed, category or none" \
    "with file:line"
done_testing
