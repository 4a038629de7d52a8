#!/usr/bin/python3
"""many-feeds-server.py [-a ADDR] [-d MS] [-e K] PORT LOG N: N feeds on
loopback for the tests and benches of several daemons at once.

GET /f/I (0 <= I < N) is feed I: RSS 2.0 for an even I, Atom for an odd
one, with K (default 3) entries plus one per generation; entry ids are
urn:mf:I:J, stable, so a later generation only adds.  The ETag names the
feed and the generation: If-None-Match with it gives 304.  Each answer
waits MS milliseconds first (default 0), so requests stay in flight.

Control, never logged: /ctl/bump starts the next generation (a new entry
in every feed), /ctl/delay/MS sets the wait, /ctl/delay/MS/UA the wait
for requests with that User-Agent alone, /ctl/state is a JSON object
(gen, delay_ms, inflight by User-Agent, served), /ctl/truth every entry id
served so far, one a line.

Each answered feed request is appended to LOG as one line, flushed:
"START END STATUS PATH USER-AGENT", START and END in seconds of
CLOCK_MONOTONIC (the same clock for every process of the machine) when
the handler began and when its answer was about to be sent: the client
has the request in flight all that time and more (a thread can wait
milliseconds for the interpreter after sending), so overlaps counted from
these times are never more than the client had.  PORT 0 takes a free
port; the port is printed on standard output once listening."""
import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ap = argparse.ArgumentParser()
ap.add_argument("-a", dest="addr", default="127.0.0.1")
ap.add_argument("-d", dest="delay", type=int, default=0)
ap.add_argument("-e", dest="entries", type=int, default=3)
ap.add_argument("port", type=int)
ap.add_argument("log")
ap.add_argument("n", type=int)
A = ap.parse_args()

LOCK = threading.Lock()
LOG = open(A.log, "a", buffering=1)
STATE = {"gen": 0, "delay_ms": A.delay, "delay_ua": {}, "inflight": {},
         "served": 0}
BASE = 1700000000		# Tue 14 Nov 2023 22:13:20Z: entry J is J hours on


def stamp(t, atom):
    if atom:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
    return time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(t))


def body(i, gen):
    atom = i % 2 == 1
    # Distinct dates across feeds too, so the merged order is total.
    ents = [(j, BASE + j * 3600 + i) for j in range(A.entries + gen)]
    if atom:
        items = "".join(
            "<entry><id>urn:mf:%d:%d</id><title>feed %d entry %d</title>"
            '<link href="http://example.org/%d/%d"/><updated>%s</updated>'
            "<summary>Entry %d of feed %d.</summary></entry>"
            % (i, j, i, j, i, j, stamp(t, 1), j, i) for j, t in ents)
        return ('<?xml version="1.0" encoding="utf-8"?>'
                '<feed xmlns="http://www.w3.org/2005/Atom">'
                "<title>Feed %d</title><id>urn:mf:%d</id>"
                '<link href="http://example.org/%d/"/><updated>%s</updated>'
                "%s</feed>" % (i, i, i, stamp(ents[-1][1], 1), items)).encode()
    items = "".join(
        "<item><guid isPermaLink=\"false\">urn:mf:%d:%d</guid>"
        "<title>feed %d entry %d</title><link>http://example.org/%d/%d</link>"
        "<pubDate>%s</pubDate><description>Entry %d of feed %d.</description>"
        "</item>" % (i, j, i, j, i, j, stamp(t, 0), j, i) for j, t in ents)
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            "<title>Feed %d</title><link>http://example.org/%d/</link>"
            "<description>many-feeds fixture</description>%s</channel></rss>"
            % (i, i, items)).encode()


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Head and body in one write, sent at once: a kept-alive connection
    # otherwise waits for the client's delayed ACK (40 ms) every request.
    wbufsize = -1
    disable_nagle_algorithm = True

    def log_message(self, *a):
        pass

    def reply(self, code, data=b"", ctype="text/plain", extra=()):
        self.send_response(code)
        for k, v in extra:
            self.send_header(k, v)
        if code != 304:
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
        self.ready = time.monotonic()
        self.end_headers()
        if code != 304:
            self.wfile.write(data)
        self.wfile.flush()

    def control(self, parts):
        with LOCK:
            if parts[1:] == ["bump"]:
                STATE["gen"] += 1
            elif len(parts) == 3 and parts[1] == "delay":
                STATE["delay_ms"] = int(parts[2])
            elif len(parts) == 4 and parts[1] == "delay":
                STATE["delay_ua"][parts[3]] = int(parts[2])
            elif parts[1:] == ["truth"]:
                ids = "".join("urn:mf:%d:%d\n" % (i, j) for i in range(A.n)
                              for j in range(A.entries + STATE["gen"]))
                return self.reply(200, ids.encode())
            elif parts[1:] != ["state"]:
                return self.reply(404, b"no such control\n")
            doc = json.dumps(STATE).encode()
        self.reply(200, doc, "application/json")

    def do_GET(self):
        start = time.monotonic()
        parts = self.path.strip("/").split("/")
        if parts[0] == "ctl":
            return self.control(parts)
        ua = self.headers.get("User-Agent", "-")
        with LOCK:
            gen = STATE["gen"]
            delay = STATE["delay_ua"].get(ua, STATE["delay_ms"])
            STATE["inflight"][ua] = STATE["inflight"].get(ua, 0) + 1
        status = 0
        self.ready = None
        try:
            if delay:
                time.sleep(delay / 1000)
            if len(parts) != 2 or parts[0] != "f" or not parts[1].isdigit() \
                    or int(parts[1]) >= A.n:
                status = 404
                return self.reply(404, b"not found\n")
            i = int(parts[1])
            etag = '"f%dg%d"' % (i, gen)
            if self.headers.get("If-None-Match") == etag:
                status = 304
                return self.reply(304, extra=[("ETag", etag)])
            ctype = "application/atom+xml" if i % 2 else "application/rss+xml"
            status = 200
            self.reply(200, body(i, gen), ctype, [("ETag", etag)])
        except OSError:
            # The client went away (a daemon killed): still one request.
            self.close_connection = True
        finally:
            end = self.ready or time.monotonic()
            with LOCK:
                STATE["inflight"][ua] -= 1
                STATE["served"] += 1
                LOG.write("%.6f %.6f %d %s %s\n" % (start, end, status,
                                                    self.path, ua))


class S(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024

    def handle_error(self, request, client_address):
        pass


srv = S((A.addr, A.port), H)
print(srv.server_address[1], flush=True)
srv.serve_forever()
