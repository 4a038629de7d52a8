#!/usr/bin/python3
"""fixture-server.py [ADDR:]PORT LOGFILE [BENCH_N]: the loopback HTTP server of
the fetch tests and bench (on 127.0.0.1 unless ADDR, another loopback address,
is given).  Every request is appended to LOGFILE as one JSON line (method,
path, status, headers) so tests assert exactly what feedmux sent."""
import email.utils, gzip, json, sys, threading, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ADDR, _, PORT = sys.argv[1].rpartition(":")
ADDR, PORT, LOG = ADDR or "127.0.0.1", int(PORT), sys.argv[2]
BENCH_N = int(sys.argv[3]) if len(sys.argv) > 3 else 0
LOCK = threading.Lock()
LASTMOD = "Tue, 14 Nov 2023 22:13:20 GMT"


def rss(name, n=3, pad=0):
    items = "".join(
        "<item><title>%s item %d</title><link>http://example.org/%s/%d</link>"
        "<guid>%s-%d</guid><pubDate>Tue, 14 Nov 2023 %02d:00:00 GMT</pubDate>"
        "<description>%s</description></item>"
        % (name, i, name, i, name, i, i % 24, "x" * pad) for i in range(n))
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            "<title>%s</title><link>http://example.org/%s</link>"
            "<description>fixture</description><ttl>60</ttl>%s</channel></rss>"
            % (name, name, items)).encode()


def jsonfeed(name, n=3):
    """A JSON Feed 1.1 in UTF-8: relative URLs, HTML to sanitize."""
    items = [{"id": "%s-%d" % (name, i), "url": "posts/%d" % i,
              "title": "%s item %d \u00e9t\u00e9" % (name, i),
              "content_html": '<p onclick="x()">body %d<script>bad()</script></p>' % i,
              "date_published": "2023-11-14T%02d:00:00Z" % i, "tags": ["json"],
              "attachments": [{"url": "media/%d.mp3" % i, "mime_type": "audio/mpeg",
                               "size_in_bytes": 1000 + i}]} for i in range(n)]
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": name + " JSON",
                       "home_page_url": "http://example.org/" + name + "/", "items": items},
                      ensure_ascii=False).encode()


def rich(name):
    """An RSS 2.0 feed with what a digest shows in full: HTML content with
    links, a script and an event handler to drop, an author, an enclosure
    with type and size, a thumbnail, a URL longer than a line."""
    long = "http://example.org/%s/a/very/long/path/that/goes/on/and/on/beyond/seventy-two/columns?x=1&amp;y=2" % name
    items = "".join(
        "<item><title>%s story %d</title><link>http://example.org/%s/%d</link>"
        "<guid>%s-r%d</guid><pubDate>Tue, 14 Nov 2023 %02d:00:00 GMT</pubDate>"
        "<author>writer%d@example.org (Writer %d)</author>"
        '<enclosure url="http://example.org/%s/%d.mp3" type="audio/mpeg" length="%d"/>'
        '<media:thumbnail url="http://example.org/%s/%d.jpg"/>'
        "<content:encoded><![CDATA[<p onclick=\"steal()\">First paragraph of story %d, "
        "with <a href=\"http://example.org/%s/ref%d\">a link</a> in it.</p>"
        "<script>alert(1)</script><ul><li>point one</li><li>point two</li></ul>"
        "<p>See <a href=\"%s\">the long one</a>.</p>]]></content:encoded></item>"
        % (name, i, name, i, name, i, i, i, i, name, i, 1500000 + i, name, i, i,
           name, i, long) for i in range(2))
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:media="http://search.yahoo.com/mrss/"><channel>'
            "<title>%s</title><link>http://example.org/%s</link>"
            "<description>fixture</description>%s</channel></rss>"
            % (name, name, items)).encode()


def page(links):
    """An HTML page announcing (type, href) feeds with <link rel=alternate>."""
    return ("<!DOCTYPE html><html><head><title>page</title>%s</head><body>x</body></html>"
            % "".join('<link rel="alternate" type="%s" href="%s">' % l for l in links)).encode()


BENCH = {}
for i in range(BENCH_N):
    BENCH[i] = rss("bench%d" % i, 20, 2400)


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def record(self, status):
        with LOCK, open(LOG, "a") as f:
            f.write(json.dumps({"method": self.command, "path": self.path, "status": status,
                                "headers": {k.lower(): v for k, v in self.headers.items()}}) + "\n")

    def send(self, code, body=b"", ctype="application/rss+xml", extra=()):
        self.record(code)
        self.send_response(code)
        for k, v in extra:
            self.send_header(k, v)
        if code != 304:
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if code != 304:
            self.wfile.write(body)

    def feed(self, body, etag='"v1"', lastmod=LASTMOD, extra=()):
        inm, ims = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        vals = []
        if etag:
            vals.append(("ETag", etag))
        if lastmod:
            vals.append(("Last-Modified", lastmod))
        if (inm is not None and inm == etag) or (inm is None and ims is not None and ims == lastmod):
            return self.send(304, extra=vals + list(extra))
        self.send(200, body, extra=vals + list(extra))

    def do_GET(self):
        p = self.path
        if p.startswith("/goto?"):   # a redirect to the URL in the query
            return self.send(302, b"", "text/plain", [("Location", urllib.parse.unquote(p[6:]))])
        if p.startswith("/announce?"):  # a page announcing the feed in the query
            href = urllib.parse.unquote(p[10:]).replace("&", "&amp;").replace('"', "&quot;")
            return self.send(200, ('<!DOCTYPE html><html><head><title>page</title><link rel="alternate" '
                                   'type="application/atom+xml" href="%s"></head><body></body></html>'
                                   % href).encode(), "text/html")
        parts = p.strip("/").split("/")
        head = parts[0]
        arg = parts[1] if len(parts) > 1 else ""
        if head == "feed":
            return self.feed(rss(arg))
        if head == "many":          # /many/NAME/N: N items
            return self.feed(rss(arg, int(parts[2])))
        if head == "rich":
            return self.feed(rich(arg))
        if head == "nolm":          # ETag only
            return self.feed(rss(arg), lastmod=None)
        if head == "noetag":        # Last-Modified only
            return self.feed(rss(arg), etag=None)
        if head == "weak":          # an opaque weak ETag with odd characters
            return self.feed(rss(arg), etag='W/"a b;c=d"')
        if head == "cache":
            return self.feed(rss(arg), extra=[("Cache-Control", "public, max-age=7200")])
        if head == "bench":
            return self.feed(BENCH[int(arg)], etag='"b%s"' % arg)
        if head == "gzip":
            body = gzip.compress(rss(arg, 5))
            return self.send(200, body, extra=[("Content-Encoding", "gzip")])
        if head in ("r301", "r302", "r307", "r308"):
            return self.send(int(head[1:]), b"", "text/plain", [("Location", "/feed/" + arg)])
        if head == "chain":          # 301 then 302: not a permanent move
            return self.send(301, b"", "text/plain", [("Location", "/r302/" + arg)])
        if head == "loop":
            return self.send(302, b"", "text/plain", [("Location", "/loop/" + arg)])
        if head == "ftp":
            return self.send(302, b"", "text/plain", [("Location", "ftp://127.0.0.1/x")])
        if head == "status":
            return self.send(int(arg), b"<html><body>error</body></html>", "text/html")
        if head == "retry":
            return self.send(429, b"slow down", "text/plain", [("Retry-After", arg)])
        if head == "retrydate":
            return self.send(503, b"busy", "text/plain",
                             [("Retry-After", "Wed, 15 Nov 2023 08:00:00 GMT")])
        if head == "html":
            return self.send(200, b"<!DOCTYPE html><html><head><title>x</title></head>"
                             b"<body><p>not a feed</p></body></html>", "text/html")
        if head == "big":
            return self.send(200, rss("big", 400, 5000))
        if head == "bomb":          # small on the wire, 8 MB decoded
            body = gzip.compress(b"<rss>" + b" " * (8 << 20))
            return self.send(200, body, extra=[("Content-Encoding", "gzip")])
        if head == "truncated":
            body = rss("trunc", 50)
            self.record(200)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:200])
            self.wfile.flush()
            self.close_connection = True
            return
        if head == "slowfeed":       # a whole feed, in four parts over 1.5 s
            body = rss(arg or "slowfeed", 3)
            self.record(200)
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            step = len(body) // 4 + 1
            try:
                for i in range(0, len(body), step):
                    self.wfile.write(body[i:i + step])
                    self.wfile.flush()
                    time.sleep(0.5)
            except OSError:
                pass
            return
        if head == "slow":           # one byte a second
            self.record(200)
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            try:
                for _ in range(20):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(1)
            except OSError:
                pass
            self.close_connection = True
            return
        if head == "jsonfeed":       # the charset must not be believed: JSON is UTF-8
            return self.send(200, jsonfeed(arg), "application/feed+json; charset=iso-8859-1")
        if head == "jsonpage":       # a page that links only a JSON Feed
            return self.send(200, page([("application/feed+json", "/jsonfeed/" + arg)]),
                             "text/html")
        if head == "jsonpages":      # RSS, JSON Feed, plain JSON: RSS wins
            return self.send(200, page([("application/json", "/wpjson/" + arg),
                                        ("application/feed+json", "/jsonfeed/" + arg),
                                        ("application/rss+xml", "/feed/" + arg)]), "text/html")
        if head == "apipage":        # plain JSON that is no feed (a CMS's API)
            return self.send(200, page([("application/json", "/wpjson/" + arg)]), "text/html")
        if head == "wpjson":
            return self.send(200, b'{"id": 2, "routes": {}}', "application/json")
        if head == "auth":
            if self.headers.get("Authorization") != "Basic dXNlcjpwYXNz":
                return self.send(401, b"auth", "text/plain",
                                 [("WWW-Authenticate", 'Basic realm="x"')])
            return self.feed(rss("auth"))
        self.send(404, b"not found", "text/plain")


class S(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request, client_address):
        pass        # clients that hang up on purpose (limits) are normal


S((ADDR, PORT), H).serve_forever()
