#!/usr/bin/python3
"""httpd-clients.py: loopback clients that misbehave, for t-httpd-hard.sh and
t-httpd-proto.sh.  Each mode prints key=value lines for the shell to check.

  flood PORT NIDLE NSLOW SECONDS   idle and slow-header crowds; meanwhile
                                   GET /healthz and /atom.xml on fresh
                                   connections: probes, fails, max (seconds)
  slowhead PORT N                  N clients sending a header byte each 0.5 s:
                                   when the server closed them (first, last)
  noread PORT PID N PATH           N clients asking for PATH and never
                                   reading: the daemon's VmRSS (kB) after 3 s
  ask PORT RAW                     send RAW (Python escapes), print the reply
                                   and closed=1 if the server then closed
  crowd PORT N                     N idle connections; after 1 s, how many
                                   the server has closed, and a probe
  busy PORT N PATH                 N clients asking for PATH, not reading:
                                   a probe meanwhile and after they close
"""
import select
import socket
import sys
import time

HOST = "127.0.0.1"


def connect(port, rcvbuf=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(2)
    s.connect((HOST, port))
    return s


def get(port, path, timeout=1.0):
    """One GET on a fresh connection: (status or 0, seconds)."""
    t = time.monotonic()
    try:
        s = socket.create_connection((HOST, port), timeout=timeout)
        s.sendall(b"GET %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                  % path.encode())
        data = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
            if time.monotonic() - t > timeout:
                raise socket.timeout
        s.close()
        return int(data.split(b" ", 2)[1]), time.monotonic() - t
    except (OSError, ValueError, IndexError):
        return 0, time.monotonic() - t


def closed(s):
    """Has the server closed s (EOF or reset)?"""
    try:
        r, _, _ = select.select([s], [], [], 0)
        if not r:
            return False
        return s.recv(4096, socket.MSG_PEEK) == b""
    except OSError:
        return True


def flood(port, nidle, nslow, seconds):
    conns = []
    for i in range(nidle + nslow):
        try:
            conns.append((connect(port), i >= nidle))
        except OSError:
            pass
    probes = fails = 0
    worst = 0.0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for s, slow in conns:
            if slow:
                try:
                    s.send(b"G")
                except OSError:
                    pass
        for path in ("/healthz", "/atom.xml"):
            code, t = get(port, path)
            probes += 1
            fails += code != 200
            worst = max(worst, t)
        time.sleep(0.5)
    still = sum(not closed(s) for s, _ in conns)
    print("probes=%d\nfails=%d\nmax=%.3f\nopen=%d" % (probes, fails, worst,
                                                     still))


def slowhead(port, n):
    start = time.monotonic()
    conns = [connect(port) for _ in range(n)]
    line = b"GET /healthz HTTP/1.1\r\nX-Slow: " + b"a" * 100
    when = {}
    i = 0
    while len(when) < n and time.monotonic() - start < 16:
        for k, s in enumerate(conns):
            if k in when:
                continue
            if closed(s):
                when[k] = time.monotonic() - start
                continue
            try:
                s.send(line[i % len(line):i % len(line) + 1])
            except OSError:
                when[k] = time.monotonic() - start
        i += 1
        time.sleep(0.5)
    times = sorted(when.values())
    print("closed=%d" % len(times))
    print("first=%.1f\nlast=%.1f" % (times[0] if times else -1,
                                     times[-1] if times else -1))


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def noread(port, pid, n, path):
    conns = []
    for _ in range(n):
        s = connect(port, rcvbuf=65536)
        s.sendall(b"GET %s HTTP/1.1\r\nHost: t\r\n\r\n" % path.encode())
        conns.append(s)
    time.sleep(3)
    print("rss_kb=%d" % rss_kb(pid))
    code, t = get(port, "/healthz")
    print("healthz=%d\nhealthz_s=%.3f" % (code, t))
    for s in conns:
        s.close()


def ask(port, raw):
    s = connect(port)
    s.sendall(raw.encode("latin-1").decode("unicode_escape")
              .encode("latin-1"))
    data = b""
    shut = 0
    end = time.monotonic() + 3
    try:
        while time.monotonic() < end:
            b = s.recv(65536)
            if not b:
                shut = 1
                break
            data += b
    except socket.timeout:
        pass
    except ConnectionResetError:
        shut = 1
    sys.stdout.write(data.decode("latin-1").replace("\r\n", "\n"))
    print("closed=%d" % shut)


def crowd(port, n):
    conns = [connect(port) for _ in range(n)]
    time.sleep(1)
    print("refused=%d" % sum(closed(s) for s in conns))
    code, t = get(port, "/healthz")
    print("healthz=%d" % code)


def busy(port, n, path):
    conns = []
    for _ in range(n):
        s = connect(port, rcvbuf=65536)
        s.sendall(b"GET %s HTTP/1.1\r\nHost: t\r\n\r\n" % path.encode())
        conns.append(s)
    time.sleep(1)
    print("while=%d" % get(port, "/healthz")[0])
    for s in conns:
        s.close()
    time.sleep(0.5)
    print("after=%d" % get(port, "/healthz")[0])


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    a = sys.argv[3:]
    if mode == "flood":
        flood(port, int(a[0]), int(a[1]), float(a[2]))
    elif mode == "slowhead":
        slowhead(port, int(a[0]))
    elif mode == "noread":
        noread(port, int(a[0]), int(a[1]), a[2])
    elif mode == "ask":
        ask(port, a[0])
    elif mode == "crowd":
        crowd(port, int(a[0]))
    elif mode == "busy":
        busy(port, int(a[0]), a[1])
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
