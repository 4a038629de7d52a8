#!/bin/sh
# bench-conf.sh: load a configuration of 10,000, 35,000 and 100,000 feeds
# (`feedmux check-config`: parse, validate, duplicate names and canonical
# URLs, paths), beside newsboat loading a urls file of the same feeds
# (`newsboat -e`: read the urls file and its cache, print OPML).  Every
# command and every SIGHUP pays this load.  CPU time (user + sys), best
# of 3, in this run.  BASELINE=/path/to/feedmux adds another build's figure.
set -u
: "${FEEDMUX:=./feedmux}"
T=$(mktemp -d "${TMPDIR:-/tmp}/feedmux-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

# cpu_ms CMD...: user + sys milliseconds of CMD.
cpu_ms() {
	/usr/bin/time -f '%U %S' -o "$T/time" "$@" >/dev/null 2>&1 || return 1
	awk '{ printf "%d\n", ($1 + $2) * 1000 }' "$T/time"
}
best() {	# best CMD...: the least CPU of three runs
	b=
	for r in 1 2 3; do
		ms=$(cpu_ms "$@") || { echo "failed: $*" >&2; return 1; }
		[ -n "$b" ] && [ "$b" -le "$ms" ] || b=$ms
	done
	echo "$b"
}

nb=
command -v newsboat >/dev/null && nb=1
[ -n "$nb" ] || echo "newsboat not installed (Debian package newsboat): no peer figure"
for n in 10000 35000 100000; do
	/usr/bin/python3 - "$T" "$n" <<'EOF'
import sys
d, n = sys.argv[1], int(sys.argv[2])
with open(d + "/f.conf", "w") as f, open(d + "/urls", "w") as u:
    f.write("[feedmux]\ndatabase = %s/db/f.db\n\n" % d)
    for i in range(n):
        url = "https://host%d.example.org/blog/%d/feed.xml" % (i % 3000, i)
        f.write('[feed "feed-%d"]\nurl = %s\ncategory = c%d\n\n' % (i, url, i % 50))
        u.write('%s "c%d"\n' % (url, i % 50))
EOF
	ms=$(best "$FEEDMUX" -c "$T/f.conf" check-config) || exit 1
	echo "feedmux check-config, $n feeds: $ms ms CPU"
	if [ -n "${BASELINE:-}" ]; then
		if ms=$(best "$BASELINE" -c "$T/f.conf" check-config 2>/dev/null); then
			echo "baseline check-config, $n feeds: $ms ms CPU"
		else
			echo "baseline check-config, $n feeds: refused the file"
		fi
	fi
	if [ -n "$nb" ]; then
		rm -f "$T/cache.db"
		ms=$(best newsboat -u "$T/urls" -c "$T/cache.db" -e) || exit 1
		echo "newsboat -e (urls file), $n feeds: $ms ms CPU"
	fi
done
