# server.py PORT LOGFILE: serve this directory on 127.0.0.1:PORT, one line
# per request ("GET /path") appended to LOGFILE, so tests can see polls.
import http.server, os, sys

port, log = int(sys.argv[1]), sys.argv[2]
root = os.path.dirname(os.path.abspath(__file__))
types = {".atom": "application/atom+xml", ".rss": "application/rss+xml",
         ".html": "text/html; charset=utf-8", ".opml": "text/x-opml"}

class H(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k):
        super().__init__(*a, directory=root, **k)
    def guess_type(self, path):
        return types.get(os.path.splitext(path)[1], "application/octet-stream")
    def log_message(self, fmt, *args):
        pass
    def do_GET(self):
        with open(log, "a") as f:
            f.write("GET %s\n" % self.path)
        super().do_GET()

http.server.ThreadingHTTPServer.allow_reuse_address = True
http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
