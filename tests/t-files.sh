#!/bin/sh
# Files: an output's mode (never wider than 0644, a symlink followed), a
# damaged database (exit 65 and one message naming it, every command), a
# read-only database (status and digest -n still work).
. "$top_srcdir/tests/lib.sh"
export XDG_STATE_HOME="$T/state" FEEDMUX_CONF=""
unset NOTIFY_SOCKET WATCHDOG_USEC WATCHDOG_PID
umask 022
chmod 755 "$T"		# an unprivileged user must reach the files

$PY - "$T/feed.xml" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write('<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
            '<link>http://127.0.0.1/</link>\n')
    for i in range(300):
        f.write('<item><title>Item %d</title><link>http://127.0.0.1/%d</link>'
                '<description>%s</description></item>\n' % (i, i, "words " * 60))
    f.write('</channel></rss>\n')
EOF
mkdir "$T/db" "$T/out" "$T/real"
cat >"$T/f.conf" <<EOF
[feedmux]
database = $T/db/feedmux.db
[output]
atom = out/atom.xml
rss = out/rss.xml
json = out/feed.json
[digest]
dir = digests
[feed "t"]
url = feed.xml
EOF
C="-c $T/f.conf"
mode() { stat -c %a "$1"; }

# Output modes: the replaced file's, masked to 0644; a symlink's target is
# replaced and the link stays.
echo old >"$T/real/atom.xml"
chmod 4777 "$T/real/atom.xml"
ln -s ../real/atom.xml "$T/out/atom.xml"
echo old >"$T/out/rss.xml"
chmod 600 "$T/out/rss.xml"
echo old >"$T/out/feed.json"
chmod 775 "$T/out/feed.json"
check "poll" $FEEDMUX $C poll
test -L "$T/out/atom.xml"; ok $? "the symlink stays a symlink"
contains "$T/real/atom.xml" "<feed" "its target got the new document"
is "$(mode "$T/real/atom.xml")" 644 "a 4777 target becomes 0644"
is "$(mode "$T/out/rss.xml")" 600 "a 0600 file stays 0600"
is "$(mode "$T/out/feed.json")" 644 "a 0775 file becomes 0644"
rm -f "$T/real/atom.xml"
check "merge with a dangling link" $FEEDMUX $C merge
test -f "$T/out/atom.xml" && test ! -L "$T/out/atom.xml"
ok $? "a dangling link is replaced by the file"
is "$(mode "$T/out/atom.xml")" 644 "a new file is 0644 less the umask"

# A read-only database: status and digest -n read it, as a user who may
# not write it (root ignores file modes).
if [ "$(id -u)" -eq 0 ]; then
	if setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
		AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	else
		AS=""
	fi
	chown -R nobody "$T/db"
else
	AS="env"
fi
if [ -n "$AS" ]; then
	$FEEDMUX $C merge >/dev/null 2>&1	# checkpointed: no -wal left
	rm -f "$T/db/feedmux.db-wal" "$T/db/feedmux.db-shm"
	chmod 444 "$T/db/feedmux.db"
	$AS $FEEDMUX $C status >"$T/st" 2>&1; st=$?
	ok $st "status on a 0444 database (exit $st)"
	contains "$T/st" "300 entries" "with its entries"
	$AS $FEEDMUX $C digest -n >"$T/dg" 2>&1; st=$?
	ok $st "digest -n on a 0444 database (exit $st)"
	contains "$T/dg" "Item 299" "with the entries"
	chmod 644 "$T/db/feedmux.db"
	rm -f "$T/db/feedmux.db-wal" "$T/db/feedmux.db-shm"
	chmod 555 "$T/db"
	$AS $FEEDMUX $C status >"$T/st" 2>&1; st=$?
	ok $st "status in a read-only directory (exit $st)"
	contains "$T/st" "300 entries" "with its entries"
	$AS $FEEDMUX $C status --json >"$T/st" 2>&1; st=$?
	ok $st "status --json in a read-only directory (exit $st)"
	$AS $FEEDMUX $C digest -n >"$T/dg" 2>&1; st=$?
	ok $st "digest -n in a read-only directory (exit $st)"
	contains "$T/dg" "Item 299" "with the entries"
	test ! -e "$T/db/feedmux.db-wal"; ok $? "and nothing was created"
	chmod 755 "$T/db"
else
	echo "# no way to drop root: read-only tests skipped"
fi

# A damaged database: every command exits 65, naming the file.
cp "$T/db/feedmux.db" "$T/good.db"
damaged() {	# damaged KIND "COMMAND ARGS"
	# shellcheck disable=SC2086
	timeout 20 $FEEDMUX $C $2 >"$T/out.txt" 2>&1; st=$?
	if [ $st -eq 65 ] && grep -qF "$T/db/feedmux.db: the database is damaged" "$T/out.txt"; then
		ok 0 "$1: $2 exits 65 naming the file"
	else
		ok 1 "$1: $2 exits 65 naming the file"
		echo "#   exit $st:"; sed 's/^/#   /' "$T/out.txt" | head -5
	fi
}
for kind in garbage pages; do
	for cmd in "poll --all" "run" "status" "status --json" "digest" "digest -n" "merge"; do
		rm -f "$T/db/feedmux.db-wal" "$T/db/feedmux.db-shm"
		if [ $kind = garbage ]; then
			head -c 40000 /dev/urandom >"$T/db/feedmux.db"
		else
			# The header intact, the pages after the fourth overwritten.
			$PY - "$T/good.db" "$T/db/feedmux.db" <<'EOF'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
for off in range(4 * 8192, len(data) - 8192, 8192):
    data[off + 100:off + 2100] = b"\xa5" * 2000
open(sys.argv[2], "wb").write(data)
EOF
		fi
		damaged $kind "$cmd"
	done
done
done_testing
