#!/usr/bin/python3
"""share-check.py MODE ARG...: what t-pg-share.sh and bench-share.sh read
from tests/many-feeds-server.py's request log ("START END STATUS PATH UA",
one line per answered request) and from the daemons' outputs.  Each mode
exits 0 when its condition holds, else says why on stderr and exits 1.

  have LOG FROM N        every feed /f/0../f/N-1 answered since line FROM
  cycle LOG FROM N MAX   since line FROM: each feed fetched exactly once,
                         no two requests for one feed overlap, at most MAX
                         at once (MAX 0: no limit); prints the requests by
                         User-Agent and the most at once
  killed LOG FROM N MAX UA KILLT LEASE HELD
                         the same for a cycle in which the daemon with
                         User-Agent UA was stopped at KILLT (monotonic s)
                         and killed: a feed may be fetched twice only if
                         UA fetched it first, started before KILLT and
                         still held its lease then (file HELD: the feed
                         names the database showed leased to UA while it
                         was stopped), and the second fetch, by another
                         daemon, waited for the lease (LEASE s, 2 s of
                         slack) after UA's start; at least one feed is
                         fetched again
  kill URL UA PID LOG FROM MIN
                         wait until MIN feeds are answered since line FROM
                         and UA has a request in flight (the server's
                         URL/ctl/state), then SIGSTOP PID (the caller
                         reads its leases, then kills it); prints the
                         monotonic time of the stop
  atom FILE TRUTH        the Atom document holds each id of file TRUTH
                         (one a line) exactly once and nothing else
  hooks DIR TRUTH [PID,...]
                         the hook's batches (DIR/PPID.*.jsonl) hold each
                         id of TRUTH once; an id may come twice if one
                         copy was given by a PID (a killed daemon: its
                         mark was not moved)
  mail DIR TRUTH         DIR holds exactly one message, a digest listing
                         every id's title of TRUTH ("feed I entry J")
"""
import email
import email.policy
import glob
import json
import os
import signal
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET


def fail(msg):
    sys.stderr.write(msg + "\n")
    sys.exit(1)


def requests(log, start):
    rows = []
    with open(log) as f:
        for n, line in enumerate(f):
            if n < start or not line.endswith("\n"):
                continue
            s, e, st, path, ua = line.rstrip("\n").split(" ", 4)
            rows.append((float(s), float(e), int(st), path, ua))
    return rows


def feeds(rows, n):
    byfeed = {}
    for r in rows:
        if not r[3].startswith("/f/"):
            fail("unexpected request %r" % (r,))
        byfeed.setdefault(int(r[3][3:]), []).append(r)
    missing = [i for i in range(n) if i not in byfeed]
    if missing:
        fail("%d feeds never fetched, e.g. %s" % (len(missing), missing[:5]))
    return byfeed


def most_at_once(rows):
    ev = sorted([(r[0], 1) for r in rows] + [(r[1], -1) for r in rows],
                key=lambda x: (x[0], x[1]))
    cur = top = 0
    for _, d in ev:
        cur += d
        top = max(top, cur)
    return top


def no_overlap(byfeed):
    for i, rs in byfeed.items():
        rs.sort()
        for a, b in zip(rs, rs[1:]):
            if b[0] < a[1]:
                fail("feed %d: two requests at once: %r and %r" % (i, a, b))


def summary(rows):
    ua = {}
    for r in rows:
        ua[r[4]] = ua.get(r[4], 0) + 1
    print("requests %d; by daemon %s; most at once %d; statuses %s" % (
        len(rows), " ".join("%s=%d" % kv for kv in sorted(ua.items())),
        most_at_once(rows), " ".join("%d=%d" % (s, sum(
            1 for r in rows if r[2] == s)) for s in sorted({r[2] for r in rows}))))


def limit(rows, most):
    top = most_at_once(rows)
    if most > 0 and top > most:
        # The requests in flight when the last of them started.
        for r in sorted(rows):
            now = [x for x in rows if x[0] <= r[0] < x[1]]
            if len(now) > most:
                break
        fail("%d requests at once, more than per_host = %d:\n%s" % (
            top, most, "\n".join("%.6f %.6f %d %s %s" % x for x in now)))


def m_have(log, start, n):
    got = {r[3] for r in requests(log, int(start))}
    sys.exit(0 if all("/f/%d" % i in got for i in range(int(n))) else 1)


def m_cycle(log, start, n, most):
    rows = requests(log, int(start))
    byfeed = feeds(rows, int(n))
    twice = [i for i, rs in byfeed.items() if len(rs) != 1]
    if twice:
        fail("%d feeds fetched more than once, e.g. %r" % (
            len(twice), byfeed[twice[0]]))
    no_overlap(byfeed)
    limit(rows, int(most))
    summary(rows)


def m_killed(log, start, n, most, ua, killt, lease, held):
    held = set(truth(held))
    rows = requests(log, int(start))
    byfeed = feeds(rows, int(n))
    killt, lease = float(killt), float(lease)
    no_overlap(byfeed)
    limit(rows, int(most))
    again = 0
    for i, rs in byfeed.items():
        if len(rs) == 1:
            continue
        first, rest = rs[0], rs[1:]
        if len(rest) > 1 or first[4] != ua or first[0] >= killt or \
                "f%d" % i not in held:
            fail("feed %d fetched %d times, not one the killed daemon had "
                 "in hand: %r" % (i, len(rs), rs))
        if rest[0][4] == ua or rest[0][0] < first[0] + lease - 2:
            fail("feed %d fetched again before its lease ran out: %r" % (i, rs))
        again += 1
    if again == 0:
        fail("nothing fetched again: the killed daemon had nothing in hand")
    summary(rows)
    print("fetched again after the kill: %d" % again)


def m_kill(url, ua, pid, log, start, least):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if len(requests(log, int(start))) >= int(least):
            st = json.load(urllib.request.urlopen(url + "/ctl/state"))
            if st["inflight"].get(ua, 0) > 0:
                os.kill(int(pid), signal.SIGSTOP)
                print("%.6f" % time.monotonic())
                return
        time.sleep(0.005)
    fail("%s never had a request in flight" % ua)


def truth(path):
    return [l.strip() for l in open(path) if l.strip()]


def m_atom(path, tpath):
    ns = "{http://www.w3.org/2005/Atom}"
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        fail("%s: %s" % (path, e))
    ids = [e.findtext(ns + "id") for e in root.iter(ns + "entry")]
    want = truth(tpath)
    if len(ids) != len(set(ids)):
        fail("%s: %d entries, %d distinct ids" % (path, len(ids), len(set(ids))))
    if set(ids) != set(want):
        fail("%s: %d ids, want %d; missing e.g. %s; extra e.g. %s" % (
            path, len(ids), len(want), sorted(set(want) - set(ids))[:3],
            sorted(set(ids) - set(want))[:3]))


def m_hooks(d, tpath, pids=""):
    pids = set(pids.split(",")) - {""}
    seen = {}
    for p in glob.glob(os.path.join(d, "*.jsonl")):
        by = os.path.basename(p).split(".")[0]
        for line in open(p):
            seen.setdefault(json.loads(line)["entry"]["id"], []).append(by)
    want = truth(tpath)
    if set(seen) != set(want):
        fail("hook got %d ids, want %d; missing e.g. %s" % (
            len(seen), len(want), sorted(set(want) - set(seen))[:3]))
    for i, by in seen.items():
        if len(by) > 1 and (len(by) > 2 or not pids & set(by)):
            fail("hook got %s %d times (daemons %s)" % (i, len(by), by))
    print("hook runs: %d; ids given twice: %d" % (
        len(glob.glob(os.path.join(d, "*.jsonl"))),
        sum(1 for by in seen.values() if len(by) > 1)))


def m_mail(d, tpath):
    msgs = sorted(glob.glob(os.path.join(d, "msg-*.eml")))
    if len(msgs) != 1:
        fail("%d messages in %s, want 1" % (len(msgs), d))
    m = email.message_from_bytes(open(msgs[0], "rb").read(),
                                 policy=email.policy.default)
    text = m.get_body(("plain",)).get_content()
    for i in truth(tpath):
        f, j = i.split(":")[2:]
        if "feed %s entry %s" % (f, j) not in text:
            fail("the digest lacks %s" % i)
    print("digest: %s" % m["Subject"])


MODES = {"have": m_have, "cycle": m_cycle, "killed": m_killed,
         "kill": m_kill, "atom": m_atom, "hooks": m_hooks, "mail": m_mail}
if len(sys.argv) < 2 or sys.argv[1] not in MODES:
    fail(__doc__)
MODES[sys.argv[1]](*sys.argv[2:])
