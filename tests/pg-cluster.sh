#!/bin/sh
# pg-cluster.sh CMD [ARG...]: run CMD beside a private PostgreSQL cluster.
#
# initdb into a temporary directory, the server listening only on a Unix
# socket in that directory (no TCP), one database "feedmux".  CMD runs
# with FEEDMUX_TEST_PG set to its URI (printed as a TAP comment); the
# cluster is stopped and removed when CMD ends, and CMD's status is ours.
# As root, the server runs as the unprivileged user nobody (PostgreSQL
# refuses root), owner of the directory; clients connect as that role.
set -u
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
	echo "Bail out! PostgreSQL server binaries not found" \
	    "(/usr/lib/postgresql/*/bin/initdb): install the Debian package" \
	    "postgresql (./quickstart does)"
	exit 1
fi
[ $# -gt 0 ] || { echo "usage: pg-cluster.sh CMD [ARG...]" >&2; exit 64; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/feedmux-pg.XXXXXX") || exit 1
if [ "$(id -u)" -eq 0 ]; then
	user=nobody
	chown "$user" "$dir"
	as() { runuser -u "$user" -- "$@"; }
else
	user=$(id -un)
	as() { "$@"; }
fi
stop() {
	as "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
	rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT TERM

# Durability is no test's subject here: no fsync, for speed.
if ! as "$bindir/initdb" -D "$dir/data" -U "$user" --auth=trust \
    -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
	echo "Bail out! initdb failed:"; sed 's/^/# /' "$dir/initdb.log"
	exit 1
fi
if ! as "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-k $dir -c listen_addresses='' -c fsync=off \
    -c full_page_writes=off -c synchronous_commit=off" \
    start >/dev/null 2>&1; then
	echo "Bail out! the PostgreSQL server did not start:"
	sed 's/^/# /' "$dir/server.log"
	exit 1
fi
if ! as "$bindir/createdb" -h "$dir" -U "$user" feedmux; then
	echo "Bail out! createdb failed"
	exit 1
fi
FEEDMUX_TEST_PG="postgresql:///feedmux?host=$dir&user=$user"
export FEEDMUX_TEST_PG
echo "# cluster: $FEEDMUX_TEST_PG"
"$@"
st=$?
exit $st
