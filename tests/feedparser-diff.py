#!/usr/bin/python3
"""feedparser-diff: `feedmux parse --json` beside python3-feedparser, per field.

usage: feedparser-diff.py FEEDMUX KNOWN ROOT=DIR...

Every feed file under each DIR (named ROOT/relative/path in the output) is
read by both parsers from the same bytes with the same base URL; entries
are paired in document order.  Dates: "published" is the entry's first date
(published, else updated), "updated" its last (updated, else published), so
that where an element lands (dc:date is feedparser's updated and feedmux's
published) does not count, only what the dates are.  One TAP line per file and field: it passes
when both agree on every entry, or when KNOWN lists that file and field
with the reason feedmux's answer is the better one.  A KNOWN line that no
longer disagrees fails too, so the list stays true.
"""
import calendar
import html
import json
import os
import re
import subprocess
import sys
import time
import warnings

warnings.filterwarnings("ignore")
import feedparser  # noqa: E402

BASE = "http://feeds.example.org/dir/feed"
FIELDS = ("feed_title", "entries", "title", "link", "id", "published",
          "updated", "author", "enclosures")
# Debian 12's feedparser (6.0) reads no JSON Feed: the JSON fixtures are
# checked by t-parse.sh alone.
EXTS = (".xml", ".rss", ".atom", ".rdf")


def fold(s):
    return re.sub(r"\s+", " ", s).strip() if s else None


def fp_text(value, detail):
    """feedparser's text, as plain text: it keeps html-typed text as html."""
    if value is None:
        return None
    if detail is not None and "html" in (detail.get("type") or ""):
        value = html.unescape(re.sub(r"<[^>]*>", "", value))
    return fold(value) or None


def fp_date(t):
    if not t:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(calendar.timegm(t)))


def fp_author(e):
    d = e.get("author_detail") or {}
    return fold(d.get("name") or e.get("author")) or None


def feedparser_view(data):
    d = feedparser.parse(data, response_headers={"content-location": BASE})
    ents = []
    for e in d.entries:
        # dict.get: FeedParserDict's own get falls back from one to the other
        pub, upd = dict.get(e, "published_parsed"), dict.get(e, "updated_parsed")
        ents.append({
            "title": fp_text(e.get("title"), e.get("title_detail")),
            "link": e.get("link") or None,
            "id": e.get("id") or None,
            "published": fp_date(pub or upd),
            "updated": fp_date(upd or pub),
            "author": fp_author(e),
            "enclosures": sorted(x.get("href") for x in e.get("enclosures", [])
                                 if x.get("href")),
        })
    f = d.feed
    return {"feed_title": fp_text(f.get("title"), f.get("title_detail")),
            "entries": ents}


def feedmux_view(feedmux, path):
    p = subprocess.run([feedmux, "parse", "--json", "--base", BASE, path],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    if p.returncode != 0:
        return None
    d = json.loads(p.stdout.decode("utf-8"))
    ents = []
    for e in d["entries"]:
        ents.append({
            "title": fold(e.get("title")) or None,
            "link": e.get("link"),
            "id": e.get("id"),
            "published": e.get("published") or e.get("updated"),
            "updated": e.get("updated") or e.get("published"),
            "author": fold(e.get("author")) or None,
            "enclosures": sorted(x["url"] for x in e.get("enclosures") or []),
        })
    return {"feed_title": fold(d["feed"].get("title")) or None,
            "entries": ents}


def compare(a, b, field):
    """The disagreements on field, as (where, feedmux, feedparser) tuples."""
    if field == "feed_title":
        return [] if a["feed_title"] == b["feed_title"] else \
            [("feed", a["feed_title"], b["feed_title"])]
    if field == "entries":
        na, nb = len(a["entries"]), len(b["entries"])
        return [] if na == nb else [("count", na, nb)]
    out = []
    for i, (x, y) in enumerate(zip(a["entries"], b["entries"])):
        if x[field] != y[field]:
            out.append(("entry %d" % i, x[field], y[field]))
    return out


def load_known(path):
    known = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 2)
            if len(parts) < 3 or parts[1] not in FIELDS:
                sys.exit("%s:%d: want FILE FIELD REASON" % (path, n))
            known[(parts[0], parts[1])] = parts[2]
    return known


def main():
    feedmux, known_path = sys.argv[1], sys.argv[2]
    known = load_known(known_path)
    files = []
    for arg in sys.argv[3:]:
        root, _, top = arg.partition("=")
        for dirpath, _, names in sorted(os.walk(top)):
            for name in sorted(names):
                if name.endswith(EXTS):
                    full = os.path.join(dirpath, name)
                    files.append((root + "/" + os.path.relpath(full, top),
                                  full))
    n = failed = 0
    seen = set()
    for name, full in files:
        with open(full, "rb") as f:
            data = f.read()
        a = feedmux_view(feedmux, full)
        if a is None:
            continue		# not a feed to feedmux: nothing to compare
        try:
            b = feedparser_view(data)
            crash = None
        except Exception as ex:	# feedparser's own failure: one line
            b, crash = None, "%s: %s" % (type(ex).__name__, ex)
        for field in FIELDS:
            if crash is not None and field != "entries":
                continue
            n += 1
            diffs = compare(a, b, field) if crash is None else \
                [("feedparser raised", len(a["entries"]), crash)]
            why = known.get((name, field))
            seen.add((name, field))
            if not diffs and why is None:
                print("ok %d - %s: %s agrees" % (n, name, field))
            elif diffs and why is not None:
                print("ok %d - %s: %s differs, listed: %s" % (n, name, field,
                                                              why))
            elif diffs:
                failed += 1
                print("not ok %d - %s: %s differs" % (n, name, field))
                for where, x, y in diffs[:3]:
                    print("#   %s: feedmux %r, feedparser %r" % (where, x, y))
            else:
                failed += 1
                print("not ok %d - %s: %s agrees but is listed as known"
                      % (n, name, field))
    for key in sorted(set(known) - seen):
        n += 1
        failed += 1
        print("not ok %d - known entry for a file not compared: %s %s"
              % (n, key[0], key[1]))
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
