#!/bin/sh
# t-digest.sh: `feedmux digest` end to end against a real SMTP server on
# loopback (aiosmtpd): the message parses with Python's email package, has
# both parts and the right headers, the non-ASCII subject survives; a send
# while the server is down is retried without duplicates; AUTH works.
. "$top_srcdir/tests/lib.sh"
FILL=$top_builddir/tests/digest_fill
SINK=$top_srcdir/tests/smtp-sink.py
export FEEDMUX_NOW=1793602800		# Mon 2 Nov 2026 07:00Z

sink_pid=
start_sink() {	# start_sink DIR [USER:PASS]
	mkdir -p "$1"
	$PY "$SINK" "$port" "$@" 2>>"$T/sink.err" &
	sink_pid=$!
	wait_port "$port"
}
stop_sink() {
	[ -n "$sink_pid" ] || return 0
	kill "$sink_pid"; wait "$sink_pid" 2>/dev/null; sink_pid=
}
at_exit stop_sink

port=$(free_port)
cat >"$T/feedmux.conf" <<EOF2
[feedmux]
database = $T/db.sqlite
[feed "alpha"]
url = http://127.0.0.1:9/alpha
title = Alpha News
[feed "beta"]
url = http://127.0.0.1:9/beta
[digest]
at = 07:00
timezone = Europe/Istanbul
dir = $T/digests
mail_to = reader@example.org, "Second, Reader" <second@example.org>
mail_from = feedmux <feedmux@example.org>
smtp = smtp://127.0.0.1:$port
subject = Дайджест {{day}}: {{count}} new — café
EOF2
C="-c $T/feedmux.conf"

$FILL "$T/feedmux.conf" entry alpha a1 "Café au lait <&> \"quotes\"" \
    "<p>The <b>first</b> body, long enough to be wrapped when it is printed as plain text in a digest that keeps lines under seventy-two columns.</p>"
$FILL "$T/feedmux.conf" entry beta b1 "Second story" "<p>Beta body</p>"
$FILL "$T/feedmux.conf" fail beta "HTTP 503"

start_sink "$T/m1"
check "feedmux digest sends through SMTP" $FEEDMUX $C digest
contains "$T/.out" "digest: 2 entries, mailed" "it says what it did"

cat >"$T/check.py" <<'EOF2'
import email, email.policy, json, sys
raw = open(sys.argv[1], "rb").read()
env = json.load(open(sys.argv[2]))
m = email.message_from_bytes(raw, policy=email.policy.default)
def t(cond, what):
    print(("ok" if cond else "FAIL") + " " + what)
t(m.get_content_type() == "multipart/alternative", "multipart/alternative")
parts = [p.get_content_type() for p in m.iter_parts()]
t(parts == ["text/plain", "text/html"], "text then html: %s" % parts)
t(str(m["Subject"]) == "Дайджест 2026-11-02: 2 new — café",
  "subject decoded: %s" % m["Subject"])
for h in ("Date", "Message-ID", "From", "To", "List-Id", "MIME-Version"):
    t(m[h] is not None, "header " + h)
t(m["Date"].datetime is not None, "Date parses")
t([a.addr_spec for a in m["To"].addresses] ==
  ["reader@example.org", "second@example.org"], "To addresses")
t(m["To"].addresses[1].display_name == "Second, Reader",
  "a display name with a comma: %s" % m["To"])
t(env["mail_from"] == "feedmux@example.org", "envelope sender")
t(sorted(env["rcpt_tos"]) == ["reader@example.org", "second@example.org"],
  "envelope recipients")
t(all(len(l) < 998 for l in raw.split(b"\r\n")), "lines under 998")
for p in m.iter_parts():
    t(p["Content-Transfer-Encoding"] in ("quoted-printable", "base64"),
      "encoded body " + p.get_content_type())
text = m.get_body(("plain",)).get_content()
html = m.get_body(("html",)).get_content()
t("Café au lait <&> \"quotes\"" in text, "title in the text part")
t(all(len(l) <= 72 for l in text.splitlines() if "://" not in l),
  "text wrapped at 72")
t("[1] https://alpha.example/a1" in text, "links listed as references")
t("Café au lait &lt;&amp;&gt; &quot;quotes&quot;" in html, "title escaped in HTML")
t('href="https://alpha.example/a1"' in html, "link in HTML")
t("<script" not in html and "src=" not in html and "<link" not in html,
  "no scripts or external resources")
t("Alpha News" in html and "Beta body" in text, "grouped by feed, excerpt")
t("beta: failing since" in text and "HTTP 503" in html, "failing feeds footer")
EOF2
$PY "$T/check.py" "$T/m1/msg-1.eml" "$T/m1/env-1.json" >"$T/py.out" 2>&1
while read -r res what; do ok $([ "$res" = ok ]; echo $?) "message: $what"; done <"$T/py.out"
grep -v '^ok\|^FAIL' "$T/py.out" | sed 's/^/#   /'
ls "$T"/digests/digest-2026-11-02-1000.html >/dev/null 2>&1
ok $? "digest file written (manual digest: -HHMM)"

# The server is down: the digest fails and is kept for a retry.
stop_sink
export FEEDMUX_NOW=1793606400
$FILL "$T/feedmux.conf" entry alpha a2 "While down"
$FEEDMUX $C digest >"$T/out" 2>&1
is "$?" 75 "server down: EX_TEMPFAIL"
is "$($FILL "$T/feedmux.conf" last | cut -d' ' -f1,2)" "unsent 1" \
    "recorded as unsent after one attempt"
# libcurl's words, the elapsed milliseconds aside: what each path said.
say_err() { sed 's/ after [0-9]* ms//'; }
oneshot_err=$($FILL "$T/feedmux.conf" last | cut -d' ' -f3- | say_err)
contains "$T/out" "feedmux: digest: $($FILL "$T/feedmux.conf" last | cut -d' ' -f3-) (will be retried)" \
    "feedmux digest prints the transport's error"
$FILL "$T/feedmux.conf" status >"$T/status"
contains "$T/status" "digest: last 2026-11-02 11:00, NOT SENT after 1 attempt: smtp://127.0.0.1:$port: " \
    "status line shows the failure"
contains "$T/status" "; retry 2026-11-02 11:01; next 2026-11-03 07:00" \
    "with the retry and the next slot in the zone"
contains "$T/status" '"attempts":1,"error":"smtp://' "and as JSON"
start_sink "$T/m1"
export FEEDMUX_NOW=1793610000
$FILL "$T/feedmux.conf" entry beta b2 "After the outage"
check "the next digest goes through" $FEEDMUX $C digest
is "$(ls "$T/m1" | grep -c eml)" 2 "one more message, not two"
grep -q "While down" "$T/m1/msg-2.eml" && grep -q "After the outage" "$T/m1/msg-2.eml"
ok $? "it carries the failed digest's entry and the new one"
! grep -q "Second story" "$T/m1/msg-2.eml"
ok $? "and nothing the first message had"
stop_sink

# Authentication.
sed -i "s/^smtp = .*/&\nsmtp_user = digest\nsmtp_password = s3cret/" "$T/feedmux.conf"
start_sink "$T/m2" digest:s3cret
$FILL "$T/feedmux.conf" entry alpha a3 "Authenticated"
check "SMTP AUTH with smtp_user/smtp_password" $FEEDMUX $C digest
test -f "$T/m2/msg-1.eml"
ok $? "the authenticated message arrived"
stop_sink
sed -i "s/^smtp_password = .*/smtp_password = wrong/" "$T/feedmux.conf"
start_sink "$T/m2" digest:s3cret
$FILL "$T/feedmux.conf" entry alpha a4 "Wrong password"
check_fail "a wrong password fails" $FEEDMUX $C digest
stop_sink

# TLS: STARTTLS required on smtp://, and smtps://, verified against our CA.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$T/key.pem" \
    -out "$T/cert.pem" >/dev/null 2>&1
ok $? "a self-signed certificate for 127.0.0.1"
sed -i "/^smtp_user\|^smtp_password/d" "$T/feedmux.conf"
sed -i "s/^smtp = .*/&\nstarttls = yes\nsmtp_cafile = cert.pem/" "$T/feedmux.conf"
start_sink "$T/m4" "starttls:$T/cert.pem:$T/key.pem"
$FILL "$T/feedmux.conf" entry alpha t1 "Over STARTTLS"
check "STARTTLS with starttls = yes" $FEEDMUX $C digest
grep -q "Over STARTTLS" "$T/m4/msg-1.eml"
ok $? "the message came over STARTTLS"
stop_sink
sed -i "s/^starttls = yes/starttls = no/" "$T/feedmux.conf"
start_sink "$T/m4" "starttls:$T/cert.pem:$T/key.pem"
$FILL "$T/feedmux.conf" entry alpha t2 "Plain refused"
check_fail "without starttls the server refuses plain text" $FEEDMUX $C digest
contains "$T/.out" "530" "with 530"
stop_sink
sed -i "s|^smtp = smtp://|smtp = smtps://|" "$T/feedmux.conf"
start_sink "$T/m5" "tls:$T/cert.pem:$T/key.pem"
check "smtps:// (TLS from the start)" $FEEDMUX $C digest
grep -q "Plain refused" "$T/m5/msg-1.eml"
ok $? "the message came over smtps"
stop_sink
sed -i "/^smtp_cafile/d" "$T/feedmux.conf"
start_sink "$T/m5" "tls:$T/cert.pem:$T/key.pem"
$FILL "$T/feedmux.conf" entry alpha t3 "Untrusted"
check_fail "an untrusted certificate is refused" $FEEDMUX $C digest
contains "$T/.out" "certificate" "for its certificate"
stop_sink
sed -i "s|^smtp = smtps://|smtp = smtp://|; /^starttls/d" "$T/feedmux.conf"

# The daemon's timer: SMTP on the event loop, a retry after an outage.
export FEEDMUX_NOW=1793689200		# Tue 3 Nov 07:00Z = 10:00 Istanbul
$FILL "$T/feedmux.conf" entry beta b5 "Daemon time"
$FILL "$T/feedmux.conf" sched
is "$($FILL "$T/feedmux.conf" last | cut -d' ' -f1,2)" "unsent 1" \
    "daemon: the 07:00 slot missed while down, the server down too"
is "$($FILL "$T/feedmux.conf" last | cut -d' ' -f3- | say_err)" "$oneshot_err" \
    "the daemon and feedmux digest fail through the same transport, same words"
start_sink "$T/m3"
$FILL "$T/feedmux.conf" sched
is "$(ls "$T/m3" | grep -c eml)" 0 "not retried before next_try"
export FEEDMUX_NOW=1793689260
$FILL "$T/feedmux.conf" sched
is "$($FILL "$T/feedmux.conf" last | cut -d' ' -f1)" sent "retried and sent"
grep -q "Daemon time" "$T/m3/msg-1.eml"
ok $? "the retried message arrived through the event loop"
$FILL "$T/feedmux.conf" sched
is "$(ls "$T/m3" | grep -c eml)" 1 "sent once"
stop_sink

# -n prints without recording or sending.
$FILL "$T/feedmux.conf" entry beta b3 "Preview only"
before=$($FILL "$T/feedmux.conf" last)
$FEEDMUX $C digest -n >"$T/preview.txt"
contains "$T/preview.txt" "* Preview only [" "digest -n prints the text"
is "$($FILL "$T/feedmux.conf" last)" "$before" "and records nothing"
$FEEDMUX $C digest -n -H >"$T/preview.html"
contains "$T/preview.html" "Preview only</a>" "digest -n -H prints the HTML"
# User templates, and the built-in ones to start from.
$FEEDMUX digest -T text >"$T/builtin.txt"
contains "$T/builtin.txt" "{{#groups}}" "digest -T text prints the built-in template"
$FEEDMUX digest -T html >"$T/builtin.html"
contains "$T/builtin.html" "<a href=\"{{link}}\"" "digest -T html too"
printf '%s\n' '{{#groups}}' '# {{name}}' '{{#entries}}' \
    '{{title}} <{{link}}>' '{{/entries}}' '{{/groups}}' >"$T/my.txt"
printf '<ul>{{#groups}}{{#entries}}<li>{{title}}</li>{{/entries}}{{/groups}}</ul>\n' \
    >"$T/my.html"
printf 'text_template = my.txt\nhtml_template = my.html\n' >>"$T/feedmux.conf"
$FILL "$T/feedmux.conf" entry alpha u1 "Mine & yours"
$FEEDMUX $C digest -n >"$T/mine.txt"
contains "$T/mine.txt" "Mine & yours <https://alpha.example/u1>" \
    "text_template renders, values as they are"
contains "$T/mine.txt" "# Alpha News" "with the groups"
$FEEDMUX $C digest -n -H >"$T/mine.html"
contains "$T/mine.html" "<li>Mine &amp; yours</li>" \
    "html_template renders, values escaped"
# A link as an older version stored it, a newline inside: the link policy
# (url_allowed) leaves it out rather than split a line of the digest.
$FILL "$T/feedmux.conf" entry alpha "u2
evil" "Stored long ago"
$FEEDMUX $C digest -n >"$T/old.txt"
contains "$T/old.txt" "Stored long ago <>" "a stored link with a newline is left out"
printf 'x\n{{#groups}}\n{{/entries}}\n' >"$T/my.txt"
$FEEDMUX $C digest >"$T/.out" 2>&1
is "$?" 78 "a malformed template is a configuration error"
contains "$T/.out" "my.txt: line 3: {{/entries}} closes no open section" \
    "naming the file and line"
printf '{{#groups}}{{/groups}}\n' >"$T/my.txt"
is "$($FILL "$T/feedmux.conf" last | cut -d' ' -f1)" sent \
    "and claims nothing"
done_testing
