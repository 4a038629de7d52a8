#!/bin/sh
# bench-httpd.sh: the daemon's HTTP endpoint beside nginx serving the same
# merged Atom feed as a static file, both on loopback, measured with wrk
# (2 threads, 32 connections, 5 s each) in this run:
#   full     GET /atom.xml
#   gzip     the same with Accept-Encoding: gzip
#   304      a conditional GET with the current ETag (what feed readers send)
# The store holds 20,000 entries of 100 feeds (bench/merge_bench); the feed
# has the default 50.  Also prints the daemon's peak RSS after the runs.
set -u
: "${top_builddir:=.}"
: "${FEEDMUX:=$top_builddir/feedmux}"
for c in wrk nginx; do
	if ! command -v $c >/dev/null; then
		echo "$c not installed (.ci/install-deps bench): no figures"
		exit 0
	fi
done
T=$(mktemp -d "${TMPDIR:-/tmp}/feedmux-bench.XXXXXX")
fmpid= ngpid=
cleanup() {
	[ -n "$fmpid" ] && kill "$fmpid" 2>/dev/null
	[ -n "$ngpid" ] && kill "$ngpid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
up() {	# up PORT: wait until something listens there
	i=0
	while ! /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 1)" 2>/dev/null; do
		i=$((i + 1)); [ $i -gt 100 ] && return 1; sleep 0.1
	done
}
"$top_builddir/bench/merge_bench" "$T" 20000 100 >/dev/null || exit 1
fp=$(port) np=$(port)
mkdir -p "$T/www" "$T/ng"
# The bench's feeds, at paths that do not exist: the daemon's first polls
# fail at once, without touching the network, and the stored entries stay.
{
	printf '[feedmux]\ndatabase = %s/bench.db\n[output]\nlisten = 127.0.0.1:%s\n' "$T" "$fp"
	i=0
	while [ $i -lt 100 ]; do
		printf '[feed "feed%d"]\nurl = file://%s/none/%d.xml\n' $i "$T" $i
		i=$((i + 1))
	done
} >"$T/fm.conf"
"$FEEDMUX" -c "$T/fm.conf" run 2>"$T/fm.log" &
fmpid=$!
up "$fp" || { echo "feedmux did not start:"; cat "$T/fm.log"; exit 1; }
sleep 2		# its first poll cycle over
curl -s -D "$T/hdr" -o "$T/www/atom.xml" "http://127.0.0.1:$fp/atom.xml"
fetag=$(tr -d '\r' <"$T/hdr" | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
cat >"$T/ng/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $T/ng/nginx.pid;
error_log $T/ng/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $T/ng; proxy_temp_path $T/ng;
	fastcgi_temp_path $T/ng; uwsgi_temp_path $T/ng; scgi_temp_path $T/ng;
	types { application/atom+xml xml; }
	gzip on; gzip_types application/atom+xml;
	server { listen 127.0.0.1:$np; root $T/www; }
}
EOF
nginx -c "$T/ng/nginx.conf" 2>"$T/ng/start.log" &
ngpid=$!
up "$np" || { echo "nginx did not start:"; cat "$T/ng/start.log"; exit 1; }
curl -s -D "$T/nhdr" -o /dev/null "http://127.0.0.1:$np/atom.xml"
netag=$(tr -d '\r' <"$T/nhdr" | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')

rps() {	# rps URL [HEADER]: requests per second
	if [ $# -gt 1 ]; then
		wrk -t2 -c32 -d5s -H "$2" "$1"
	else
		wrk -t2 -c32 -d5s "$1"
	fi 2>/dev/null | awk '/^Requests\/sec/ { printf "%.0f", $2 }'
}
printf "merged Atom feed, %s bytes; requests/s (wrk -t2 -c32 -d5s, loopback)\n" \
    "$(wc -c <"$T/www/atom.xml")"
printf "%-6s %12s %12s\n" "" feedmux nginx
printf "%-6s %12s %12s\n" full "$(rps "http://127.0.0.1:$fp/atom.xml")" \
    "$(rps "http://127.0.0.1:$np/atom.xml")"
printf "%-6s %12s %12s\n" gzip \
    "$(rps "http://127.0.0.1:$fp/atom.xml" 'Accept-Encoding: gzip')" \
    "$(rps "http://127.0.0.1:$np/atom.xml" 'Accept-Encoding: gzip')"
printf "%-6s %12s %12s\n" 304 \
    "$(rps "http://127.0.0.1:$fp/atom.xml" "If-None-Match: $fetag")" \
    "$(rps "http://127.0.0.1:$np/atom.xml" "If-None-Match: $netag")"
printf "feedmux run peak RSS: %s kB\n" \
    "$(awk '/^VmHWM/ { print $2 }' "/proc/$fmpid/status")"
