#!/usr/bin/python3
"""river_check.py PAGE TITLE...: the river page as a browser's parser reads
it.  html5lib in strict mode (any parse error fails), then: no <script>, no
on* attribute, no javascript: (or vbscript:/data:text) URL anywhere, every
entry link absolute http(s) with a host, the Atom/RSS/JSON alternate links
in the head, and each TITLE (an entry's expected title) present as an
entry heading."""
import sys
import urllib.parse

import html5lib

NS = "{http://www.w3.org/1999/xhtml}"
URL_ATTRS = {"href", "src", "action", "formaction", "poster", "cite", "srcset",
             "background", "data", "xlink:href"}


def fail(msg):
    print(msg)
    sys.exit(1)


def main():
    path, titles = sys.argv[1], sys.argv[2:]
    with open(path, "rb") as f:
        data = f.read()
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=True)
    try:
        doc = parser.parse(data, transport_encoding="utf-8")
    except Exception as e:  # html5lib.html5parser.ParseError
        fail("html5lib (strict): %s at %s" % (e, parser.errors[-1:] or "?"))
    els = list(doc.iter())
    for el in els:
        tag = el.tag.replace(NS, "") if isinstance(el.tag, str) else ""
        if tag in ("script", "noscript", "iframe", "object", "embed"):
            fail("<%s> in the page" % tag)
        for k, v in el.attrib.items():
            if k.lower().startswith("on"):
                fail("event handler attribute %s=%r on <%s>" % (k, v, tag))
            if k in URL_ATTRS:
                s = "".join(v.split()).lower()
                if s.startswith(("javascript:", "vbscript:", "data:text")):
                    fail("script URL %s=%r on <%s>" % (k, v, tag))
    head = doc.find(NS + "head")
    alts = {l.get("type"): l.get("href") for l in head.iter(NS + "link")
            if l.get("rel") == "alternate"}
    for t in ("application/atom+xml", "application/rss+xml",
              "application/feed+json"):
        if not alts.get(t):
            fail("no <link rel=alternate type=%s> in the head" % t)
    headings = {}
    for h in doc.iter(NS + "h3"):
        a = h.find(NS + "a")
        text = "".join(h.itertext())
        headings[text] = a.get("href") if a is not None else None
    for el in doc.iter(NS + "article"):
        for a in el.iter(NS + "a"):
            if a.get("href") is None:   # the sanitizer took a bad link out
                continue
            u = urllib.parse.urlsplit(a.get("href"))
            if u.scheme not in ("http", "https", "mailto") or \
                    (u.scheme != "mailto" and not u.netloc):
                fail("entry link not absolute: %r" % a.get("href"))
    for t in titles:
        if t not in headings:
            fail("no entry titled %r (have %r)" % (t, sorted(headings)))
    print("ok: %d entries, alternates %s" % (len(headings), sorted(alts)))


main()
