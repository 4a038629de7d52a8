#!/usr/bin/env python3
"""gen-feed.py FORMAT ITEMS > FILE: a large feed for bench-parse.sh.

FORMAT is rss or atom.  Items carry entities, CDATA and UTF-8 text, about
500 bytes each, so 100000 items make a feed of some 50 MB.  Deterministic:
the same arguments give the same bytes.
"""
import sys

fmt, n = sys.argv[1], int(sys.argv[2])
out = sys.stdout
words = ("feed", "caf\u00e9", "na\u00efve", "\u65e5\u672c\u8a9e", "\u00fcber",
         "parser", "stream", "\u0434\u0430\u043d\u043d\u044b\u0435", "entity", "quote")


def text(i, k):
    return " ".join(words[(i * 7 + j * 3) % len(words)] for j in range(k))


if fmt == "rss":
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
              'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
              'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
              '<title>Bench &amp; Co</title>\n<link>https://bench.example.com/</link>\n'
              '<description>A large feed</description>\n')
    for i in range(n):
        out.write(
            '<item>\n<title>Item %d: %s &amp; more &lt;3</title>\n'
            '<link>https://bench.example.com/posts/%d?a=1&amp;b=2</link>\n'
            '<guid isPermaLink="false">bench-%d</guid>\n'
            '<pubDate>Fri, 31 Oct 2025 %02d:%02d:00 +0000</pubDate>\n'
            '<dc:creator>Author %d</dc:creator>\n<category>cat%d</category>\n'
            '<description><![CDATA[<p>%s <a href="/p/%d">link</a> <b>bold</b> &eacute;</p>]]></description>\n'
            '<content:encoded>&lt;p&gt;%s&lt;/p&gt;&lt;p&gt;%s &amp;amp; %s&lt;/p&gt;</content:encoded>\n'
            '</item>\n' % (i, text(i, 4), i, i, i // 60 % 24, i % 60, i % 97, i % 13,
                           text(i, 5), i, text(i + 1, 4), text(i + 2, 2), text(i + 3, 2)))
    out.write('</channel>\n</rss>\n')
else:
    out.write('<?xml version="1.0" encoding="utf-8"?>\n'
              '<feed xmlns="http://www.w3.org/2005/Atom">\n<title>Bench &amp; Co</title>\n'
              '<link href="https://bench.example.com/"/>\n<id>urn:bench</id>\n'
              '<updated>2025-10-31T06:00:00Z</updated>\n')
    for i in range(n):
        out.write(
            '<entry>\n<title type="html">Item %d: %s &amp;amp; more</title>\n'
            '<link href="https://bench.example.com/posts/%d"/>\n<id>urn:bench:%d</id>\n'
            '<updated>2025-10-31T%02d:%02d:00Z</updated>\n'
            '<published>2025-10-30T%02d:%02d:00+02:00</published>\n'
            '<author><name>Author %d</name></author>\n<category term="cat%d"/>\n'
            '<summary>%s &lt; %s</summary>\n'
            '<content type="html"><![CDATA[<p>%s <a href="/p/%d">link</a> <i>it</i> &eacute;</p><p>%s</p>]]></content>\n'
            '</entry>\n' % (i, text(i, 4), i, i, i // 60 % 24, i % 60, i // 60 % 24, i % 60,
                            i % 97, i % 13, text(i, 3), text(i + 1, 2), text(i + 2, 5), i,
                            text(i + 3, 3)))
    out.write('</feed>\n')
