"""merge_check.py DUMP FORMAT FILE: the merged document, read back by
feedparser (Debian's 6.0 has no JSON Feed reader: json for that), or
FILE the output of `feedmux parse --json` for FORMAT own-atom/own-rss, holds the store's entries (DUMP from
merge_fill dump) in order, with their titles, links, dates and sources.
Prints what differs and exits 1 on any difference."""
import calendar
import datetime
import html
import json
import os
import re
import sys

import feedparser

XML_ILLEGAL = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')


def text(h):
    if h is None:
        return None
    s = bytes.fromhex(h).decode('utf-8', 'replace')
    return XML_ILLEGAL.sub('', s)


# The elements html.c knows: a title is markup only with those (parse_text.c).
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..',
                       'src', 'html.c'), encoding='utf-8') as _f:
    KNOWN = set(re.findall(r'^\t\{ "([a-z0-9]+)", E_', _f.read(), re.M))


def looks_html(t):
    """feedmux's test: a close tag or a reference, only known elements."""
    tags = re.findall(r'<(/?)([A-Za-z][A-Za-z0-9]*)', t)
    if any(n.lower() not in KNOWN for _, n in tags):
        return False
    return any(c for c, _ in tags) or re.search(r'&#?[A-Za-z0-9]+;', t)


def as_html_title(t):
    """An RSS title as feedmux's parser reads it: HTML when it looks it."""
    for _ in range(2):
        if not looks_html(t):
            break
        t = ' '.join(html.unescape(re.sub('<[A-Za-z/][^>]*>', '', t)).split())
    return t


def url(u):
    """feedparser writes file:///x as file://x."""
    return None if u is None else u.replace('file:///', 'file://')


def first(*dates):
    for d in dates:
        if d is not None:
            return d
    return None


def stamp(t):
    return None if t is None else calendar.timegm(t)


def rfc3339(s):
    if s is None:
        return None
    return datetime.datetime.strptime(s, '%Y-%m-%dT%H:%M:%SZ').replace(
        tzinfo=datetime.timezone.utc).timetuple()


def json_entries(path):
    doc = json.load(open(path))
    if doc.get('version') != 'https://jsonfeed.org/version/1.1':
        raise SystemExit('# not JSON Feed 1.1')
    return [{'title': i.get('title'), 'link': i.get('url'), 'id': i['id'],
             'updated_parsed': rfc3339(i.get('date_modified')),
             'published_parsed': rfc3339(i.get('date_published'))}
            for i in doc['items']], doc['items']


def own_entries(path):
    """feedmux parse --json output; it folds white space in titles."""
    doc = json.load(open(path))
    return [{'title': i.get('title'), 'link': i.get('link'), 'id': i['id'],
             'updated_parsed': rfc3339(i.get('updated')),
             'published_parsed': rfc3339(i.get('published')),
             'author_email': i.get('author_email'),
             'thumbnail': i.get('thumbnail'),
             'enclosures': [x['url'] for x in i.get('enclosures', [])]}
            for i in doc['entries']]


def thumbnail(e):
    t = e.get('media_thumbnail') or [{}]
    return t[0].get('url')


def enclosures(e):
    return [x.get('href') for x in e.get('enclosures', [])]


def main():
    dump, fmt, path = sys.argv[1:4]
    want = [json.loads(line) for line in open(dump)]
    bad = []

    def expect(what, got, exp):
        if got != exp:
            bad.append('%s: got %r, want %r' % (what, got, exp))

    own = fmt.startswith('own-')
    if own:
        entries = own_entries(path)
        fmt = fmt[4:]
    elif fmt == 'json':
        entries, extra = json_entries(path)
    else:
        d = feedparser.parse(path)
        entries = d.entries
        if d.bozo:
            bad.append('not well-formed: %s' % d.bozo_exception)
    expect('entry count', len(entries), len(want))
    for i, (e, w) in enumerate(zip(entries, want)):
        n = 'entry %d' % i
        if own:
            t = ' '.join((text(w['title']) or '').split())
            if fmt == 'rss':
                # RSS never said whether a title is text or HTML; feedmux's
                # parser reads it as HTML when it looks like markup.
                t = as_html_title(t)
            expect(n + ' title', e.get('title') or '', t)
            expect(n + ' link', e.get('link'), text(w['link']))
            if fmt == 'rss':
                expect(n + ' published', stamp(e['published_parsed']),
                       first(w['published'], w['updated'], w['first_seen']))
            else:
                expect(n + ' updated', stamp(e['updated_parsed']),
                       first(w['updated'], w['published'], w['first_seen']))
                expect(n + ' author_email', e['author_email'],
                       text(w['author_email']))
            expect(n + ' thumbnail', e['thumbnail'], text(w['thumbnail']))
            if w['thumbnail'] is not None:
                expect(n + ' thumbnail not an enclosure',
                       text(w['thumbnail']) in e['enclosures'], False)
            continue
        expect(n + ' title', e.get('title', '').strip(),
               (text(w['title']) or '').strip())
        link = e.get('link')
        if w['link'] is None and link == e.get('id'):
            link = None		# feedparser's stand-in: the id
        expect(n + ' link', url(link), url(text(w['link'])))
        upd = first(w['updated'], w['published'], w['first_seen'])
        pub = first(w['published'], w['updated'], w['first_seen'])
        if fmt == 'rss':
            expect(n + ' pubDate', stamp(e.get('published_parsed')), pub)
            expect(n + ' source', e.source.get('title'),
                   text(w['feed_title']))
            expect(n + ' source url', url(e.source.get('href')),
                   url(text(w['feed_url'])))
            guid = text(w['id']) or text(w['link'])
            if guid is None and e.get('id', '').startswith('urn:feedmux:'):
                guid = e.get('id')	# made from feed and key
            expect(n + ' guid', url(e.get('id')), url(guid))
        else:
            expect(n + ' updated', stamp(e.get('updated_parsed')), upd)
            expect(n + ' published', stamp(e.get('published_parsed')),
                   w['published'])
        if fmt in ('atom', 'rss'):
            expect(n + ' thumbnail', thumbnail(e), text(w['thumbnail']))
            if w['thumbnail'] is not None:
                expect(n + ' thumbnail not an enclosure',
                       text(w['thumbnail']) in enclosures(e), False)
        if fmt == 'atom':
            expect(n + ' author email',
                   e.get('author_detail', {}).get('email'),
                   text(w['author_email']))
            expect(n + ' source has updated',
                   e.source.get('updated_parsed') is not None, True)
            expect(n + ' source', e.source.get('title'),
                   text(w['feed_title']))
            expect(n + ' source id', url(e.source.get('id')),
                   url(text(w['feed_url'])))
        if fmt == 'json':
            fm = extra[i]['_feedmux']
            expect(n + ' source', fm['feed_title'], text(w['feed_title']))
            expect(n + ' source url', fm['feed_url'], text(w['feed_url']))
            expect(n + ' also_feeds', fm['also_feeds'], w['also'])
            expect(n + ' image', extra[i].get('image'), text(w['thumbnail']))
            expect(n + ' no email (JSON Feed has none)',
                   [a for a in extra[i].get('authors', []) if 'email' in a],
                   [])
    for b in bad:
        print('# ' + b)
    return 1 if bad else 0


sys.exit(main())
