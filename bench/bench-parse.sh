#!/bin/sh
# bench-parse: `feedmux parse --json` beside sfeed and python3-feedparser on
# generated feeds (RSS 2.0 and Atom, 100k items, ~55 MB, entities, CDATA,
# UTF-8).  Times are CPU seconds (user + system) of each command, so that
# other load on the machine does not blur the ratios; wall time is shown too.
# feedparser gets a feed of 10k items (a tenth) and its rate is per MB.
# The libxml2-floor row is bench/sax_floor: libxml2's push parser alone
# with empty callbacks, the same options and pieces, i.e. what feedmux
# would cost if all our own work were free.
# Environment: FEEDMUX, top_srcdir, top_builddir (set by `make bench`);
# SAX_FLOOR for the floor program; ITEMS to change size.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${FEEDMUX:=$top_srcdir/feedmux}"
: "${top_builddir:=$(dirname "$FEEDMUX")}"
: "${SAX_FLOOR:=$top_builddir/bench/sax_floor}"
ITEMS=${ITEMS:-100000}
PY=/usr/bin/python3
T=$(mktemp -d "${TMPDIR:-/tmp}/feedmux-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT

for f in rss atom; do
	$PY "$top_srcdir/bench/gen-feed.py" $f "$ITEMS" >"$T/$f.xml"
	$PY "$top_srcdir/bench/gen-feed.py" $f $((ITEMS / 10)) >"$T/$f-small.xml"
done
command -v sfeed >/dev/null || echo "sfeed not found: apt-get install sfeed"
$PY -c 'import feedparser' 2>/dev/null ||
	echo "feedparser not found: apt-get install python3-feedparser"

[ -x "$SAX_FLOOR" ] || echo "sax_floor not found: make bench/sax_floor"

$PY - "$T" "$FEEDMUX" "$SAX_FLOOR" <<'PY'
import os, subprocess, sys, time, shutil

T, feedmux, floor = sys.argv[1], sys.argv[2], sys.argv[3]
have_floor = os.access(floor, os.X_OK)
have_sfeed = shutil.which("sfeed") is not None
try:
    import feedparser  # noqa: F401
    have_fp = True
except ImportError:
    have_fp = False

def run(cmd, path):
    with open(path, "rb") as f, open(os.devnull, "wb") as null:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdin=f, stdout=null)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
    if status != 0:
        sys.exit("%s failed with status %d" % (cmd[0], status))
    return ru.ru_utime + ru.ru_stime, wall

fp_code = "import sys, feedparser; d = feedparser.parse(sys.stdin.buffer.read()); print(len(d.entries))"
print("%-6s %-13s %8s %8s %8s %9s" % ("feed", "parser", "MB", "cpu s", "wall s", "MB/s cpu"))
for fmt in ("rss", "atom"):
    big, small = "%s/%s.xml" % (T, fmt), "%s/%s-small.xml" % (T, fmt)
    mb, mbs = os.path.getsize(big) / 1e6, os.path.getsize(small) / 1e6
    rates = {}
    rows = [("feedmux", [feedmux, "parse", "--json", "-"], big, mb)]
    if have_floor:
        rows.append(("libxml2-floor", [floor], big, mb))
    if have_sfeed:
        rows.append(("sfeed", ["sfeed"], big, mb))
    if have_fp:
        rows.append(("feedparser", ["/usr/bin/python3", "-c", fp_code], small, mbs))
    for name, cmd, path, size in rows:
        best = None
        for _ in range(2 if name != "feedparser" else 1):
            cpu, wall = run(cmd, path)
            if best is None or cpu < best[0]:
                best = (cpu, wall)
        rates[name] = size / best[0]
        print("%-6s %-13s %8.1f %8.2f %8.2f %9.1f" % (fmt, name, size, best[0], best[1], rates[name]))
    if "libxml2-floor" in rates:
        print("%-6s feedmux/floor CPU time: %.2f (1 would mean no cost of our own)" %
              (fmt, rates["libxml2-floor"] / rates["feedmux"]))
    if "sfeed" in rates:
        print("%-6s feedmux/sfeed speed ratio: %.2f (target >= 1)" % (fmt, rates["feedmux"] / rates["sfeed"]))
    if "feedparser" in rates:
        print("%-6s feedmux/feedparser speed ratio: %.0f (target > 50; feedparser on %d-item file)" %
              (fmt, rates["feedmux"] / rates["feedparser"], int(os.environ.get("ITEMS", "100000")) // 10))
PY
