#!/bin/sh
# The one client's policy, in poll, parse URL, add and import alike: a
# redirect (or a discovered link) from a public address to a loopback or
# private one is refused unless allow_private; file: and other schemes come
# only from the config file or the command line; one User-Agent.
# Tests see only loopback: FEEDMUX_TEST_PUBLIC_ADDR makes 127.0.0.2 the
# "public" server, 127.0.0.1 stays private.
. "$top_srcdir/tests/lib.sh"
export FEEDMUX_TEST_PUBLIC_ADDR=127.0.0.2 FEEDMUX_CONF=""
start_fixture				# private: $U on 127.0.0.1
PP=$(free_port)
plog="$T/public.log"
: >"$plog"
$PY "$top_srcdir/tests/fixture-server.py" "127.0.0.2:$PP" "$plog" &
public_pid=$!
stop_public() { kill "$public_pid"; }
at_exit stop_public
wait_port "$PP" 127.0.0.2 || { echo "Bail out! no fixture server on 127.0.0.2"; exit 1; }
P="http://127.0.0.2:$PP"		# public
db="$T/fm.db"

conf() {	# conf FILE [FEEDMUX-KEY...]
	f=$1; shift
	printf '[feedmux]\ndatabase = %s\njitter = 0\ntimeout = 5s\n' "$db" >"$f"
	for kv in "$@"; do printf '%s\n' "$kv" >>"$f"; done
}
feed() {	# feed FILE NAME URL [KEY=VALUE...]
	f=$1 n=$2 u=$3; shift 3
	printf '[feed "%s"]\nurl = %s\n' "$n" "$u" >>"$f"
	for kv in "$@"; do printf '%s\n' "$kv" >>"$f"; done
}
entries() {
	sqlite3 "$db" "SELECT count(*) FROM entries e JOIN feeds f ON f.id = e.feed WHERE f.name = '$1'"
}
err_of() { sqlite3 "$db" "SELECT last_error FROM feeds WHERE name = '$1'"; }

# poll
conf "$T/p.conf"
feed "$T/p.conf" pub "$P/feed/pub"
feed "$T/p.conf" topriv "$P/goto?$U/feed/topriv"
feed "$T/p.conf" byname "$P/goto?http://localhost:$port/feed/byname"
feed "$T/p.conf" allowed "$P/goto?$U/feed/allowed" "allow_private = yes"
feed "$T/p.conf" lan "$U/goto?$U/feed/lan"
"$FEEDMUX" -c "$T/p.conf" poll >"$T/out" 2>"$T/err"
is "$(entries pub)" 3 "a public feed is fetched"
is "$(entries topriv)" 0 "public -> 127.0.0.1: nothing stored"
contains "$T/err" "topriv: $P/goto?$U/feed/topriv: redirect to private address 127.0.0.1 refused (allow_private = yes allows it)" \
	"the feed's error names the address and the key"
case "$(err_of topriv)" in *"redirect to private address 127.0.0.1 refused"*) ok 0 "stored as the feed's last error";;
*) ok 1 "stored as the feed's last error"; echo "#   $(err_of topriv)";; esac
is "$(grep -c '/feed/topriv' "$log")" 0 "the private server never saw the request"
is "$(entries byname)" 0 "public -> a name resolving to loopback: refused too"
contains "$T/err" "byname: $P/goto?http://localhost:$port/feed/byname: redirect to private address" \
	"the connected address is checked, not the URL's spelling"
is "$(entries allowed)" 3 "allow_private = yes follows it"
is "$(entries lan)" 3 "a feed configured on a private address may redirect to one"

# One transfer at a time: the private feed's connection waits in the pool
# and the redirect would reuse it without opening a socket.
conf "$T/r.conf" "concurrency = 1"
feed "$T/r.conf" lan0 "$U/feed/lan0"
feed "$T/r.conf" reuse "$P/goto?$U/feed/reuse"
"$FEEDMUX" -c "$T/r.conf" poll >/dev/null 2>"$T/err"
is "$(entries lan0)/$(entries reuse)" 3/0 "a pooled connection to the private address is refused too"
is "$(grep -c '/feed/reuse' "$log")" 0 "before the request is sent"

conf "$T/d.conf" "allow_private = yes"
feed "$T/d.conf" topriv "$P/goto?$U/feed/topriv"
"$FEEDMUX" -c "$T/d.conf" poll --all >/dev/null 2>&1
is "$(entries topriv)" 3 "allow_private in [feedmux] is the default of every feed"

# parse URL
"$FEEDMUX" -c "$T/p.conf" parse "$P/goto?$U/feed/parse" >/dev/null 2>"$T/err"
ok $(($? == 0)) "parse URL: public -> private refused"
contains "$T/err" "redirect to private address 127.0.0.1 refused" "and says why"
"$FEEDMUX" -c "$T/d.conf" parse "$P/goto?$U/feed/parse" >"$T/out" 2>&1
ok $? "parse URL with allow_private = yes follows it"
"$FEEDMUX" -c "$T/p.conf" parse "dict://127.0.0.1:$port/x" >/dev/null 2>"$T/err"
ok $(($? == 0)) "parse dict:// refused"
contains "$T/err" "not an http, https or file URL" "and says why"
"$FEEDMUX" -c "$T/p.conf" parse "$U/ftp/x" >/dev/null 2>"$T/err"
ok $(($? == 0)) "parse URL: a redirect to ftp:// refused"
contains "$T/err" "redirect to a non-HTTP(S) URL refused" "and says why"
"$FEEDMUX" -c "$T/p.conf" parse "$U/loop/x" >/dev/null 2>"$T/err"
contains "$T/err" "more than 5 redirects" "parse URL has the daemon's redirect limit"

# add
conf "$T/a.conf"
cp "$T/a.conf" "$T/a.orig"
fa() { "$FEEDMUX" -c "$T/a.conf" add "$@"; }
fa "$P/goto?$U/feed/add" >"$T/out" 2>&1; is $? 65 "add: public -> private refused"
contains "$T/out" "redirect to private address 127.0.0.1 refused" "and says why"
fa "$P/announce?file:///etc/passwd" >"$T/out" 2>&1; is $? 65 "add: a page announcing a file:// feed is refused"
contains "$T/out" "file:///etc/passwd: only http and https URLs may come from fetched content" "and says why"
fa "$P/announce?$U/feed/lanfeed" >"$T/out" 2>&1; is $? 65 "add: a public page announcing a private feed is refused"
contains "$T/out" "link to private address 127.0.0.1 refused" "and says why"
cmp -s "$T/a.conf" "$T/a.orig"; ok $? "nothing was subscribed"
fa "$U/announce?$U/feed/lanfeed" >"$T/out" 2>&1; is $? 0 "a private page may announce a private feed"
fa "$P/announce?$P/feed/pubfeed" >"$T/out" 2>&1; is $? 0 "a public page announcing a public feed is added"
conf "$T/a.conf" "allow_private = yes"
fa "$P/goto?$U/feed/add" --name viaredirect >"$T/out" 2>&1; is $? 0 "add with allow_private = yes follows it"

# The one User-Agent.
ua() {	# ua LOG PATH
	$PY - "$1" "$2" <<'PYEOF'
import json, sys
print(sorted({json.loads(l)["headers"].get("user-agent", "") for l in open(sys.argv[1])
              if json.loads(l)["path"] == sys.argv[2]}))
PYEOF
}
want="['feedmux/0.1.0 (+https://example.org/feedmux/)']"
is "$(ua "$plog" /feed/pub)" "$want" "poll's User-Agent"
is "$(ua "$log" /feed/parse)" "$want" "parse URL's: the same"
is "$(ua "$plog" "/announce?$P/feed/pubfeed")" "$want" "add's (the page): the same"
is "$(ua "$plog" /feed/pubfeed)" "$want" "add's (the feed): the same"

# import: an outline with a file:// URL is refused, with its line.
cat >"$T/subs.opml" <<EOF
<?xml version="1.0"?>
<opml version="2.0"><body>
<outline text="ok" xmlUrl="$P/feed/imported"/>
<outline text="secret" xmlUrl="file:///etc/passwd"/>
<outline text="ok2" xmlUrl="$U/feed/imported2"/>
</body></opml>
EOF
conf "$T/i.conf"
(cd "$T" && "$FEEDMUX" -c i.conf import subs.opml) >"$T/out" 2>&1; is $? 0 "import goes on"
contains "$T/out" "subs.opml:4: skipped file:///etc/passwd: an imported feed must be an http or https URL" \
	"the file:// outline refused with file and line"
contains "$T/out" "imported 2 feeds" "the rest imported"
grep -q passwd "$T/i.conf"; is $? 1 "no file:// feed in the config"
done_testing
