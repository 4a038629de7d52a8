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

# content = full, per_feed and a fair max_entries, each mailed through
# the same sink by `feedmux digest NAME`.
mkdir -p "$T/f" "$T/fm"
cat >"$T/f/feedmux.conf" <<EOF2
[feedmux]
database = $T/f/db.sqlite
[feed "rich"]
url = $U/rich/rich
title = Rich Stories
[feed "many"]
url = $U/many/busy/40
title = Busy Feed
[feed "alpha"]
url = $U/feed/alpha
[digest "full"]
timezone = Europe/Istanbul
dir = $T/f/digests
feeds = rich
content = full
mail_to = full@example.org
mail_from = feedmux@example.org
smtp = smtp://127.0.0.1:$sport
[digest "capped"]
dir = $T/f/digests
feeds = many
per_feed = 3
mail_to = capped@example.org
mail_from = feedmux@example.org
smtp = smtp://127.0.0.1:$sport
[digest "fair"]
dir = $T/f/digests
feeds = many alpha
max_entries = 4
mail_to = fair@example.org
mail_from = feedmux@example.org
smtp = smtp://127.0.0.1:$sport
EOF2
F="-c $T/f/feedmux.conf"
FEEDMUX_NOW=$SLOT7 $FEEDMUX $F poll >"$T/f/poll.out" 2>&1
ok $? "poll the rich, busy and plain feeds"
for d in full capped fair; do
	FEEDMUX_NOW=$SLOT7 $FEEDMUX $F digest $d >"$T/f/$d.out" 2>&1
	ok $? "feedmux digest $d mails it"
done
cat >"$T/f/check.py" <<'EOF2'
import email, email.policy, glob, json, re, sys
import html5lib
d = sys.argv[1]
def t(cond, what):
    print(("ok" if cond else "FAIL") + " " + what)
msgs = {}
for f in glob.glob(d + "/msg-*.eml"):
    env = json.load(open(f.replace("msg-", "env-").replace(".eml", ".json")))
    m = email.message_from_bytes(open(f, "rb").read(), policy=email.policy.default)
    msgs[env["rcpt_tos"][0].split("@")[0]] = m
m = msgs["full"]
text = m.get_body(("plain",)).get_content().replace("\r\n", "\n")
html = m.get_body(("html",)).get_content()
html5lib.HTMLParser(strict=True).parse(html)
t(True, "full: the HTML part parses strictly (html5lib)")
t("First paragraph of story 0" in html and "<li>point one</li>" in html,
  "full: the whole content in the HTML part")
t("<script" not in html.lower() and not re.search(r"\son\w+\s*=", html, re.I),
  "full: sanitized: no script, no on* attribute")
t("alert(1)" not in text and "<" not in text.replace("<feedmux", ""),
  "full: the text part has no markup")
t(re.search(r"First paragraph of story 0, with a link \[(\d+)\] in it\.", text) is not None,
  "full: links in the text as numbered references")
n = re.search(r"story 0, with a link \[(\d+)\]", text).group(1)
t(re.search(r"^\[%s\] http://example\.org/rich/ref0$" % n, text, re.M) is not None,
  "full: listed at the end with their URLs")
t(re.search(r"^  - point one$", text, re.M) is not None, "full: list items on their own lines")
long = "http://example.org/rich/a/very/long/path/that/goes/on/and/on/beyond/seventy-two/columns?x=1&y=2"
t(re.search(r"^\[\d+\] " + re.escape(long) + "$", text, re.M) is not None,
  "full: a long URL whole on one line, beside its number")
t(all(len(l) <= 72 or "://" in l for l in text.splitlines()),
  "full: other lines within 72 columns")
t("by writer0@example.org (Writer 0)" in text or "by Writer 0" in text, "full: author in text")
t("Writer 0" in html, "full: author in HTML")
t("Enclosure: http://example.org/rich/0.mp3 (audio/mpeg, 1.5 MB)" in text,
  "full: enclosure with type and size in text")
t('href="http://example.org/rich/0.mp3"' in html and "audio/mpeg, 1.5 MB" in html,
  "full: and in HTML")
t("Image: http://example.org/rich/0.jpg" in text and 'src="http://example.org/rich/0.jpg"' in html,
  "full: thumbnail in both parts")
t(re.search(r"2023-11-14 0[23]:00 \+03", text) is not None,
  "full: dates in the digest's zone, with the zone")
m = msgs["capped"]
text = m.get_body(("plain",)).get_content().replace("\r\n", "\n")
html = m.get_body(("html",)).get_content()
t(len(re.findall(r"^\* busy item", text, re.M)) == 3, "per_feed = 3: three entries of the busy feed")
t(re.search(r"^\.\.\. and 37 more from Busy Feed \[(\d+)\]$", text, re.M) is not None,
  "and 'and 37 more from Busy Feed' with a reference")
t('and 37 more from <a href="http://example.org/busy"' in html, "linking to the feed in HTML")
t(m["Subject"].endswith(": 40 new entries"), "the subject counts all 40: %s" % m["Subject"])
m = msgs["fair"]
text = m.get_body(("plain",)).get_content().replace("\r\n", "\n")
t(len(re.findall(r"^\* busy item", text, re.M)) == 2 and
  len(re.findall(r"^\* alpha item", text, re.M)) == 2,
  "max_entries = 4 shared fairly: two of each feed")
t("and 38 more from Busy Feed" in text and "and 1 more from alpha" in text,
  "what was left out is counted per feed")
EOF2
$PY "$T/f/check.py" "$T/mail" >"$T/f/check.out" 2>&1 || sed 's/^/# /' "$T/f/check.out"
while read -r res what; do
	[ "$res" = ok ]; ok $? "$what"
done <"$T/f/check.out"

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
sed -i 's/^group = none/max_entries = 1/' "$T/g/feedmux.conf"
$FEEDMUX -c "$T/g/feedmux.conf" digest -n >"$T/g/out" 2>&1
contains "$T/g/out" "... and 1 more from Daily (d2)" \
    "a 'more' line tells two feeds of one title apart too"
sed -i 's/^max_entries = 1/group = whatever/' "$T/g/feedmux.conf"
$FEEDMUX -c "$T/g/feedmux.conf" check-config >"$T/g/out" 2>&1; st=$?
is "$st" 78 "check-config refuses a bad group"
contains "$T/g/out" "$T/g/feedmux.conf:23: group: want feed, category or none" \
    "with file:line"
done_testing
