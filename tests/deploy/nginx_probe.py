#!/usr/bin/env python3
"""Abusive clients for tests/deploy/run_nginx_test.sh, on raw sockets (TLS or not).

Each command prints one line per check, "PASS what" or "FAIL what: why", and exits 0; the
shell script counts the lines. Every wait has a deadline, so a hang is a FAIL, not a stuck
test. Another client address (127.0.0.2 by default) stands for everybody else: per-client
limits must not touch it while one client misbehaves.

Usage: nginx_probe.py COMMAND --port PORT [--tls] [options]  (see --help of each command)
"""

import argparse
import json
import select
import socket
import ssl
import sys
import threading
import time

HOST = "127.0.0.1"
SOURCE = None  # this client's address (--source)
TLS = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
TLS.check_hostname = False
TLS.verify_mode = ssl.CERT_NONE


def say(ok, what, why=""):
    print(("PASS " if ok else "FAIL ") + what + ("" if ok or not why else ": " + why), flush=True)
    return ok


def connect(port, tls, source=None, timeout=10.0, handshake=True):
    source = source or SOURCE
    raw = socket.create_connection((HOST, port), timeout=timeout,
                                   source_address=(source, 0) if source else None)
    if not tls:
        return raw
    # The test's certificate is self-signed: encryption without verification, as curl -k.
    return TLS.wrap_socket(raw, server_hostname=None, do_handshake_on_connect=handshake)


class response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        return self.headers.get(name.lower(), "")


def readable(sock, seconds):
    if isinstance(sock, ssl.SSLSocket) and sock.pending():
        return True
    return bool(select.select([sock], [], [], seconds)[0])


def read_response(sock, deadline, data=b""):
    """Reads one HTTP/1.1 answer; None if the peer closed (or reset) before a whole one."""
    while b"\r\n\r\n" not in data:
        chunk = recv(sock, deadline)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        return None
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    status = int(parts[1])
    if status in (204, 304):
        return response(status, headers, b"")
    length = int(headers.get("content-length", "-1"))
    while length < 0 or len(body) < length:
        chunk = recv(sock, deadline)
        if not chunk:
            if length < 0:
                break
            return None
        body += chunk
    return response(status, headers, body[:length] if length >= 0 else body)


def recv(sock, deadline):
    """Bytes, or b"" on close, reset or deadline."""
    left = deadline - time.monotonic()
    if left <= 0 or not readable(sock, left):
        return b""
    try:
        return sock.recv(65536)
    except (ConnectionError, ssl.SSLError, OSError):
        return b""


def exchange(port, tls, request, seconds=20.0, source=None):
    """Sends the request in pieces, stopping as soon as an answer starts (nginx answers a
    refusal before the client has finished sending), then reads that answer. Returns
    (response or None, seconds taken)."""
    started = time.monotonic()
    deadline = started + seconds
    sock = connect(port, tls, source)
    try:
        sock.settimeout(5.0)
        early = b""
        for i in range(0, len(request), 16384):
            try:
                sock.sendall(request[i:i + 16384])
            except (ConnectionError, ssl.SSLError, socket.timeout, OSError):
                break
            early = poll_answer(sock)
            if early is None or early:
                break
        if early is None:  # closed while sending: whatever arrived before is lost
            return None, time.monotonic() - started
        return read_response(sock, deadline, early), time.monotonic() - started
    finally:
        sock.close()


def poll_answer(sock):
    """What the peer has sent so far without waiting: b"" if nothing (a TLS 1.3 session
    ticket is not an answer), None if it closed."""
    if not readable(sock, 0):
        return b""
    sock.setblocking(False)
    try:
        data = sock.recv(65536)
        return data if data else None
    except (ssl.SSLWantReadError, BlockingIOError):
        return b""
    except (ConnectionError, ssl.SSLError, OSError):
        return None
    finally:
        sock.settimeout(5.0)


def check_problem(what, r, status, seconds):
    """A problem document from nginx with this status, within seconds (None: closed)."""
    if r is None:
        return say(False, what, "the connection closed without an answer")
    why = []
    if r.status != status:
        why.append("status %d, expected %d" % (r.status, status))
    if not r.header("content-type").startswith("application/problem+json"):
        why.append("Content-Type '%s'" % r.header("content-type"))
    try:
        doc = json.loads(r.body)
        if doc.get("status") != status:
            why.append("body status %r" % doc.get("status"))
        for member in ("type", "title", "detail"):
            if not isinstance(doc.get(member), str):
                why.append("no '%s' in the body" % member)
    except ValueError:
        why.append("the body is not JSON: %r" % r.body[:200])
    if not r.header("x-request-id"):
        why.append("no X-Request-Id")
    return say(not why, "%s: %d problem+json in %.2f s" % (what, status, seconds), "; ".join(why))


def get(port, tls, path, source=None, headers=(), seconds=10.0):
    request = "GET %s HTTP/1.1\r\nHost: %s\r\n%sConnection: close\r\n\r\n" % (
        path, HOST, "".join("%s: %s\r\n" % h for h in headers))
    try:
        return exchange(port, tls, request.encode(), seconds, source)[0]
    except OSError:
        return None


def healthy(port, tls, source, what):
    r = get(port, tls, "/healthz", source)
    ok = r is not None and r.status == 200 and json.loads(r.body or b"{}").get("status") == "ok"
    return say(ok, "%s: /healthz answers 200 to another client (%s)" % (what, source),
               "got " + ("no answer" if r is None else "%d %r" % (r.status, r.body[:200])))


# --- commands --------------------------------------------------------------------------------

def cmd_oversized(a):
    """Requests nginx must refuse itself, each with its problem document."""
    mib2 = 2 * 1024 * 1024
    # Port 80 redirects before reading a body, which is right, so there a chunked body
    # (whose size nginx learns only by reading it) is not refused.
    chunked = not a.no_chunked
    pad = b"a" * mib2
    many_headers = b"".join(b"X-Pad-%05d: %s\r\n" % (i, b"b" * 1000) for i in range(mib2 // 1014))
    cases = [
        ("2 MB URL", b"GET /api/v1/lookup?lon=" + pad + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        ("2 MB in one header", b"GET /api/v1 HTTP/1.1\r\nHost: x\r\nX-Pad: " + pad + b"\r\n\r\n",
         431),
        ("2 MB of 1 KB headers", b"GET /api/v1 HTTP/1.1\r\nHost: x\r\n" + many_headers + b"\r\n",
         431),
        ("2 MiB body with Content-Length",
         b"POST /api/v1/pledges HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
         b"Content-Length: %d\r\n\r\n" % mib2 + pad, 413),
        ("2 MiB chunked body" if chunked else None,
         b"POST /api/v1/pledges HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
         b"Transfer-Encoding: chunked\r\n\r\n" +
         b"".join(b"4000\r\n" + b"c" * 0x4000 + b"\r\n" for _ in range(mib2 // 0x4000)) +
         b"0\r\n\r\n", 413),
        ("a control character in the request line", b"GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n",
         400),
        ("HTTP/2.0 in an HTTP/1 request line", b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
        ("an unknown Transfer-Encoding",
         b"POST /api/v1/pledges HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: zip\r\n\r\n", 501),
    ]
    for what, request, status in cases:
        if what is None:
            continue
        try:
            r, seconds = exchange(a.port, a.tls, request, a.seconds)
        except OSError as e:
            say(False, what, "could not connect: %s" % e)
            continue
        check_problem(what, r, status, seconds)
    if a.tls:
        # Plain HTTP to the TLS port.
        try:
            r, seconds = exchange(a.port, False, b"GET /api/v1 HTTP/1.1\r\nHost: x\r\n\r\n",
                                  a.seconds)
            check_problem("plain HTTP to the HTTPS port", r, 400, seconds)
        except OSError as e:
            say(False, "plain HTTP to the HTTPS port", str(e))
    healthy(a.port, a.tls, a.other, "after the oversized requests")


def closed_within(sock, seconds, drip=None):
    """Seconds until the peer closes, dripping one byte of `drip` a second meanwhile; None
    if it is still open after `seconds`. Also returns what the peer sent."""
    started = time.monotonic()
    got = b""
    i = 0
    while time.monotonic() - started < seconds:
        if readable(sock, 1.0):
            try:
                chunk = sock.recv(65536)
            except (ConnectionError, ssl.SSLError, OSError):
                return time.monotonic() - started, got
            if not chunk:
                return time.monotonic() - started, got
            got += chunk
        elif drip is not None:
            try:
                sock.send(drip[i % len(drip):i % len(drip) + 1])
            except (ConnectionError, ssl.SSLError, OSError):
                return time.monotonic() - started, got
            i += 1
    return None, got


def cmd_slowloris(a):
    """A request header sent a byte a second: nginx ends it at client_header_timeout."""
    sock = connect(a.port, a.tls)
    try:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        took, got = closed_within(sock, a.within, drip=b"X-Slow: aaaaaaaaaaaa\r\n")
    finally:
        sock.close()
    say(took is not None and b"200 OK" not in got,
        "slowloris (a header byte a second) closed by nginx%s" %
        ("" if took is None else " after %.1f s" % took),
        "still open after %d s" % a.within if took is None else "it was answered: %r" % got[:100])


def cmd_idle(a):
    """Many connections that never send a request: others are still served, and nginx closes
    all of them by client_header_timeout."""
    socks = []
    try:
        for i in range(a.count):
            # Half do the TLS handshake and stop, half do not even that.
            s = connect(a.port, a.tls, handshake=not (i % 2))
            socks.append(s)
    except OSError as e:
        say(False, "%d idle connections opened" % a.count, "only %d: %s" % (len(socks), e))
    else:
        say(True, "%d idle connections opened" % a.count)
    healthy(a.port, a.tls, a.other, "while %d connections idle" % len(socks))
    started = time.monotonic()
    open_socks = list(socks)
    while open_socks and time.monotonic() - started < a.within:
        ready = select.select(open_socks, [], [], 1.0)[0]
        for s in ready:
            try:
                data = s.recv(65536)
            except ssl.SSLWantReadError:
                continue
            except (ConnectionError, ssl.SSLError, OSError):
                data = b""
            if not data:
                open_socks.remove(s)
    for s in socks:
        s.close()
    say(not open_socks, "nginx closed all %d idle connections within %d s (%.1f s)" %
        (len(socks), a.within, time.monotonic() - started),
        "%d still open" % len(open_socks))


def cmd_held_bodies(a):
    """Requests whose bodies never come: they hold limit_conn slots, the next request of that
    client is a 429, others are served, and nginx ends them at client_body_timeout."""
    socks = []
    for _ in range(a.count):
        s = connect(a.port, a.tls)
        s.sendall(b"POST /api/v1/pledges HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                  b"\r\nContent-Length: 1000\r\n\r\n{\"target\":")
        socks.append(s)
    time.sleep(0.5)
    answered = sum(1 for s in socks if poll_answer(s) != b"")
    say(answered == 0, "%d requests of one client wait for their bodies" % a.count,
        "%d were answered at once (a rate limit spent before this check?)" % answered)
    # Once nginx has read all their headers, each holds a slot; a busy machine may take a
    # while, so ask again (up to 10 s) until the next request is refused.
    for _ in range(20):
        r = get(a.port, a.tls, "/api/v1")
        if r is None or r.status == 429:
            break
        time.sleep(0.5)
    check_problem("request %d of one client while %d wait for their bodies" %
                  (a.count + 1, a.count), r, 429, 0)
    if r is not None and r.status == 429:
        say(r.header("retry-after").isdigit(), "429 has Retry-After",
            "Retry-After '%s'" % r.header("retry-after"))
    healthy(a.port, a.tls, a.other, "while one client holds %d requests" % a.count)
    started = time.monotonic()
    answers = []
    still_open = 0
    for s in socks:
        took, got = closed_within(s, max(1.0, a.within - (time.monotonic() - started)))
        if took is None:
            still_open += 1
        answers.append(got)
        s.close()
    say(still_open == 0 and not any(b"201" in g.split(b"\r\n")[0] for g in answers),
        "nginx ended the %d held requests within %d s (%.1f s)" %
        (a.count, a.within, time.monotonic() - started),
        "%d still open" % still_open)


def cmd_burst(a):
    """One client faster than limit_req: refused with 429 problem+json, never more than that;
    others are served meanwhile."""
    statuses = {}
    problems = []
    lock = threading.Lock()
    stop = threading.Event()
    sent = [0]

    def worker():
        sock = None
        while not stop.is_set():
            with lock:
                if sent[0] >= a.max:
                    return
                sent[0] += 1
            try:
                if sock is None:
                    sock = connect(a.port, a.tls)
                sock.sendall(("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % a.path).encode())
                r = read_response(sock, time.monotonic() + 10)
            except OSError:
                r = None
            if r is None or r.header("connection").lower() == "close":
                if sock is not None:
                    sock.close()
                sock = None
            with lock:
                code = r.status if r is not None else 0
                statuses[code] = statuses.get(code, 0) + 1
                if code == 429 and len(problems) < 3:
                    problems.append(r)
                if statuses.get(429, 0) >= 20:
                    stop.set()
        if sock is not None:
            sock.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(a.seconds)
    stop.set()
    seconds = time.monotonic() - started
    other = set(statuses) - {200, 429}
    say(statuses.get(429, 0) > 0 and not other,
        "a burst of %d requests to %s in %.1f s: %s" % (
            sent[0], a.path, seconds, ", ".join("%d x %d" % (n, s) for s, n in sorted(statuses.items()))),
        "expected 200s then 429s only")
    if problems:
        check_problem("a 429 of the burst", problems[0], 429, 0)
        say(problems[0].header("retry-after").isdigit(), "the 429 has Retry-After",
            "Retry-After '%s'" % problems[0].header("retry-after"))
    healthy(a.port, a.tls, a.other, "during the burst's aftermath")


def cmd_problem(a):
    """One GET that nginx must answer with a problem document of this status."""
    headers = [tuple(h.split(": ", 1)) for h in a.header]
    started = time.monotonic()
    r = get(a.port, a.tls, a.path, None, headers, a.seconds)
    ok = check_problem("GET %s" % a.path, r, a.status, time.monotonic() - started)
    if ok and a.retry_after:
        say(r.header("retry-after").isdigit(), "GET %s: Retry-After" % a.path,
            "Retry-After '%s'" % r.header("retry-after"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name, function, **extra):
        p = sub.add_parser(name, help=function.__doc__.split("\n")[0])
        p.add_argument("--port", type=int, required=True)
        p.add_argument("--tls", action="store_true")
        p.add_argument("--source", default=None, help="this client's address (127.0.0.x)")
        p.add_argument("--other", default="127.0.0.2", help="another client's address")
        p.add_argument("--seconds", type=float, default=20.0, help="limit for one exchange")
        for flag, kwargs in extra.items():
            p.add_argument("--" + flag.replace("_", "-"), **kwargs)
        p.set_defaults(run=function)

    command("oversized", cmd_oversized, no_chunked=dict(action="store_true"))
    command("slowloris", cmd_slowloris, within=dict(type=float, default=45.0))
    command("idle", cmd_idle, count=dict(type=int, default=300),
            within=dict(type=float, default=45.0))
    command("held-bodies", cmd_held_bodies, count=dict(type=int, default=40),
            within=dict(type=float, default=45.0))
    command("burst", cmd_burst, path=dict(default="/api/v1"), max=dict(type=int, default=5000))
    command("problem", cmd_problem, path=dict(required=True), status=dict(type=int, required=True),
            header=dict(action="append", default=[]),
            retry_after=dict(action="store_true"))
    a = parser.parse_args()
    global SOURCE
    SOURCE = a.source
    try:
        a.run(a)
    except Exception as e:  # a crash of the probe is a failed check, named
        say(False, "nginx_probe %s" % a.command, "%s: %s" % (type(e).__name__, e))
    return 0


if __name__ == "__main__":
    sys.exit(main())
