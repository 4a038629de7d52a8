#!/usr/bin/python3
"""river_browser.py URL OUTDIR TITLE...: load URL in headless chromium,
driven over the DevTools protocol on --remote-debugging-pipe, at a desktop
(1280x900) and a phone (390x844, touch, 3x) viewport.  For each: the load
event fires, no console error, no uncaught exception, no failed request
and no HTTP error; the DOM holds every TITLE as an entry heading, no
script element, at least one alternate link per feed type; nothing is
wider than the viewport (no sideways scrolling); the body text is at least
16 CSS pixels; with prefers-color-scheme: dark the page turns dark.  A
screenshot of each goes to OUTDIR/river-desktop.png and
OUTDIR/river-phone.png.  Prints "ok - WHAT" or "not ok - WHAT" lines (with
"#" details) for the caller to number, and exits 0 only when every check
passed."""
import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

CHROMIUM = "/usr/bin/chromium"
TIMEOUT = 60.0


class Browser:
    def __init__(self, profile):
        # fd 3: what the browser reads (our commands), fd 4: what it writes.
        self.cmd_r, self.cmd_w = os.pipe()
        self.ev_r, self.ev_w = os.pipe()
        args = [CHROMIUM, "--headless", "--remote-debugging-pipe",
                "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-sync",
                "--disable-component-update", "--disable-default-apps",
                "--mute-audio", "--hide-scrollbars", "--lang=en-US",
                # Tests reach loopback only: every other name fails at once.
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "--user-data-dir=" + profile, "about:blank"]

        def fds():
            os.dup2(self.cmd_r, 3)
            os.dup2(self.ev_w, 4)
        self.log = open(os.path.join(profile, "..", "chromium.log"), "wb")
        self.proc = subprocess.Popen(args, preexec_fn=fds, pass_fds=(3, 4),
                                     stdout=self.log, stderr=self.log)
        os.close(self.cmd_r)
        os.close(self.ev_w)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.cmd_w, json.dumps(msg).encode() + b"\0")
        return self.next_id

    def read_one(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.ev_r], [], [], left)[0]:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self.ev_r, 1 << 20)
            if not chunk:
                raise EOFError("chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=None):
        i = self.send(method, params, session)
        deadline = time.monotonic() + TIMEOUT
        while True:
            m = self.read_one(deadline)
            if m.get("id") == i:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method, deadline):
        while True:
            for k, m in enumerate(self.events):
                if m.get("method") == method:
                    del self.events[k]
                    return m
            self.events.append(self.read_one(deadline))

    def close(self):
        try:
            self.call("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


n = 0
failed = 0


def ok(cond, what, detail=""):
    global n, failed
    n += 1
    print("%s - %s" % ("ok" if cond else "not ok", what), flush=True)
    if not cond:
        failed += 1
        for line in str(detail).splitlines()[:20]:
            print("#   " + line)


def problems(events):
    """Console errors, exceptions, failed requests and HTTP errors seen."""
    bad = []
    for m in events:
        meth, p = m.get("method"), m.get("params", {})
        if meth == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            bad.append("console.%s: %s" % (p["type"], p.get("args")))
        elif meth == "Runtime.exceptionThrown":
            bad.append("exception: %s" % p.get("exceptionDetails"))
        elif meth == "Log.entryAdded" and p["entry"].get("level") == "error":
            bad.append("log error: %s %s" % (p["entry"].get("text"), p["entry"].get("url", "")))
        elif meth == "Network.loadingFailed":
            bad.append("request failed: %s %s" % (p.get("errorText"), p.get("requestId")))
        elif meth == "Network.responseReceived" and p["response"].get("status", 0) >= 400:
            bad.append("HTTP %s: %s" % (p["response"]["status"], p["response"]["url"]))
    return bad


PROBE = """(() => {
  const h3 = [...document.querySelectorAll('article h3')].map(e => e.textContent);
  const alt = [...document.querySelectorAll('link[rel=alternate]')].map(e => e.type);
  const st = getComputedStyle(document.body);
  return JSON.stringify({titles: h3, alternates: alt,
    scripts: document.scripts.length,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    fontSize: parseFloat(st.fontSize),
    main: document.querySelector('main') ? document.querySelector('main').getBoundingClientRect().width : -1});
})()"""


DARK = """JSON.stringify([getComputedStyle(document.body).backgroundColor,
    getComputedStyle(document.body).color])"""


def luma(css):
    """Relative brightness 0..1 of an rgb()/rgba() colour."""
    r, g, b = [int(float(x)) for x in css[css.index("(") + 1:].rstrip(")").split(",")[:3]]
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def visit(b, session, url, name, width, height, mobile, scale, titles, outdir):
    del b.events[:]
    b.call("Emulation.setDeviceMetricsOverride",
           {"width": width, "height": height, "deviceScaleFactor": scale,
            "mobile": mobile}, session)
    b.call("Emulation.setTouchEmulationEnabled", {"enabled": mobile}, session)
    b.call("Page.navigate", {"url": url}, session)
    deadline = time.monotonic() + TIMEOUT
    try:
        b.wait_event("Page.loadEventFired", deadline)
        loaded = True
    except (TimeoutError, EOFError) as e:
        loaded = False
        ok(False, "%s: page loads" % name, e)
    if loaded:
        ok(True, "%s: page loads (load event)" % name)
    # Let late requests and messages arrive before counting them.
    time.sleep(0.5)
    b.call("Runtime.evaluate", {"expression": "1"}, session)
    bad = problems(b.events)
    ok(not bad, "%s: no console errors and no failed requests" % name, "\n".join(bad))
    r = b.call("Runtime.evaluate", {"expression": PROBE, "returnByValue": True}, session)
    d = json.loads(r["result"]["value"])
    missing = [t for t in titles if t not in d["titles"]]
    ok(not missing and d["titles"], "%s: the DOM holds every entry title (%d)" %
       (name, len(d["titles"])), "missing %r; have %r" % (missing, d["titles"]))
    ok(d["scripts"] == 0, "%s: no script element" % name, d["scripts"])
    ok(all(t in d["alternates"] for t in ("application/atom+xml", "application/rss+xml",
                                          "application/feed+json")),
       "%s: alternate links for Atom, RSS and JSON Feed" % name, d["alternates"])
    ok(d["scrollWidth"] <= d["innerWidth"], "%s: nothing wider than the viewport (%d <= %d)"
       % (name, d["scrollWidth"], d["innerWidth"]), d)
    ok(d["fontSize"] >= 16, "%s: body text %.1fpx" % (name, d["fontSize"]), d)
    if not mobile:
        ok(d["main"] <= 800, "%s: readable measure, main %dpx wide" % (name, d["main"]), d)
    shot = b.call("Page.captureScreenshot", {"format": "png"}, session)
    path = os.path.join(outdir, "river-%s.png" % name)
    with open(path, "wb") as f:
        f.write(base64.b64decode(shot["data"]))
    ok(os.path.getsize(path) > 1000, "%s: screenshot %s" % (name, path))
    # The reader's dark preference: a dark background, light text.
    b.call("Emulation.setEmulatedMedia", {"features": [
        {"name": "prefers-color-scheme", "value": "dark"}]}, session)
    r = b.call("Runtime.evaluate", {"expression": DARK, "returnByValue": True}, session)
    bg, fg = json.loads(r["result"]["value"])
    ok(luma(bg) < 0.2 and luma(fg) > 0.6, "%s: dark scheme followed (%s on %s)" %
       (name, fg, bg))
    b.call("Emulation.setEmulatedMedia", {"features": [
        {"name": "prefers-color-scheme", "value": "light"}]}, session)


def main():
    url, outdir, titles = sys.argv[1], sys.argv[2], sys.argv[3:]
    tmp = tempfile.mkdtemp(prefix="river-chromium.")
    profile = os.path.join(tmp, "profile")
    os.mkdir(profile)
    b = Browser(profile)
    try:
        targets = b.call("Target.getTargets")["targetInfos"]
        page = [t for t in targets if t["type"] == "page"][0]
        session = b.call("Target.attachToTarget", {"targetId": page["targetId"],
                                                   "flatten": True})["sessionId"]
        for dom in ("Page", "Runtime", "Log", "Network"):
            b.call(dom + ".enable", {}, session)
        visit(b, session, url, "desktop", 1280, 900, False, 1, titles, outdir)
        visit(b, session, url, "phone", 390, 844, True, 3, titles, outdir)
    except Exception as e:
        ok(False, "chromium session", repr(e))
    finally:
        b.close()
        if failed:
            with open(os.path.join(tmp, "chromium.log"), errors="replace") as f:
                for line in f.read().splitlines()[-15:]:
                    print("#   chromium: " + line)
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if failed else 0)


main()
