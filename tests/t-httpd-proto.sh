#!/bin/sh
# The daemon's HTTP endpoint over loopback: HEAD then GET on one kept-alive
# connection, every method but GET and HEAD refused alike (405, Allow,
# closed), pipelined requests, and listen rebound on SIGHUP (kept when the
# new address cannot be bound).
. "$top_srcdir/tests/lib.sh"
C="$PY $top_srcdir/tests/httpd-clients.py"
port=$(free_port)
U=http://127.0.0.1:$port
conf() {	# conf PORT
	printf '[feedmux]\ndatabase = %s/db.sqlite\nlisten = 127.0.0.1:%s\nlog_level = info\n' \
	    "$T" "$1" >"$T/fm.conf"
}
conf "$port"
"$FEEDMUX" -c "$T/fm.conf" run 2>"$T/log" &
pid=$!
stop() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
at_exit stop
wait_port "$port" || { echo "Bail out! daemon did not start"; cat "$T/log"; exit 1; }

# HEAD has GET's headers and no body: before, the body followed and the
# next request on the connection read it as its reply.
check "curl -I URL --next URL on one connection" \
    curl -sf -I "$U/atom.xml" --next -sf -o "$T/body" "$U/atom.xml"
check "the GET after HEAD got the feed" xmllint --noout "$T/body"
$C ask "$port" 'HEAD /atom.xml HTTP/1.1\r\nHost: t\r\n\r\nGET /atom.xml HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n' \
    >"$T/two"
len=$(wc -c <"$T/body" | tr -d ' ')
is "$(grep -c '^HTTP/1.1 200 OK$' "$T/two")" 2 "HEAD and GET pipelined: two replies"
is "$(sed -n 's/^Content-Length: //p' "$T/two" | tr '\n' ' ')" "$len $len " \
    "... HEAD's Content-Length is GET's body length"
is "$(grep -c '<feed' "$T/two")" 1 "... one body, GET's"
is "$(tail -1 "$T/two")" "closed=1" "... closed after Connection: close"

for req in 'TRACE / HTTP/1.1' 'PROPFIND / HTTP/1.1' 'get /atom.xml HTTP/1.1' \
    'POST /atom.xml HTTP/1.1' 'CONNECT 127.0.0.1:443 HTTP/1.1' 'BREW /pot HTTP/1.1'; do
	$C ask "$port" "$req\\r\\nHost: t\\r\\n\\r\\n" >"$T/r"
	is "$(head -1 "$T/r")" "HTTP/1.1 405 Method Not Allowed" "$req: 405"
	contains "$T/r" "Allow: GET, HEAD" "... with Allow"
	is "$(tail -1 "$T/r")" "closed=1" "... and closed"
done
$C ask "$port" 'GET /atom.xml\r\n\r\n' >"$T/r"
is "$(head -1 "$T/r")" "HTTP/1.1 400 Bad Request" "no HTTP version: 400"
$C ask "$port" 'GET /healthz HTTP/1.0\r\n\r\n' >"$T/r"
is "$(tail -1 "$T/r")" "closed=1" "HTTP/1.0: closed after the reply"
$C ask "$port" 'GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n' >"$T/r"
contains "$T/r" "Connection: keep-alive" "HTTP/1.0 keep-alive: kept"
is "$(tail -1 "$T/r")" "closed=0" "... open"

# A port in use says so, at start and on reload.
busy=$(free_port)
$PY -c "import socket, time; s = socket.socket(); s.bind(('127.0.0.1', $busy)); s.listen(); time.sleep(20)" &
holder=$!
wait_port "$busy"
conf "$busy"
printf '[feedmux]\ndatabase = %s/db2.sqlite\nlisten = 127.0.0.1:%s\n' "$T" "$busy" >"$T/busy.conf"
"$FEEDMUX" -c "$T/busy.conf" run 2>"$T/busy.log"
ok $([ $? -ne 0 ]; echo $?) "start on a port in use fails"
contains "$T/busy.log" "cannot bind 127.0.0.1 port $busy: Address already in use" "... and says why"

kill -HUP "$pid"
i=0; until grep -q "still listening" "$T/log" || [ $i -gt 50 ]; do sleep 0.1; i=$((i + 1)); done
contains "$T/log" "cannot bind 127.0.0.1 port $busy: Address already in use; still listening on 127.0.0.1:$port" \
    "reload onto a port in use: says why, keeps the old socket"
is "$(curl -s "$U/healthz")" ok "... which still answers"
kill "$holder"; wait "$holder" 2>/dev/null

new=$(free_port)
conf "$new"
kill -HUP "$pid"
check "reload with a new listen: bound" wait_port "$new"
is "$(curl -s "http://127.0.0.1:$new/healthz")" ok "... and answering"
check_fail "... the old port closed" curl -sf "$U/healthz"
contains "$T/log" "listening on 127.0.0.1:$new (was 127.0.0.1:$port)" "... and logged"
stop

# Started without listen, a reload that adds one starts the endpoint.
printf '[feedmux]\ndatabase = %s/db.sqlite\nlog_level = info\n' "$T" >"$T/fm.conf"
"$FEEDMUX" -c "$T/fm.conf" run 2>"$T/log" &
pid=$!
i=0; until grep -q "running:" "$T/log" || [ $i -gt 50 ]; do sleep 0.1; i=$((i + 1)); done
conf "$new"
kill -HUP "$pid"
check "listen added on reload: bound" wait_port "$new"
is "$(curl -s "http://127.0.0.1:$new/healthz")" ok "... and answering"
stop
done_testing
