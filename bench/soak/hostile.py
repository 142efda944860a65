#!/usr/bin/env python3
"""Hostile load for the soak test (bench/soak.sh): one class of request patterns of issue 10
against 127.0.0.1, from raw sockets, until a deadline; then a JSON summary of what came back.

Classes (concurrency = connections, or clients per variant where a class has variants):
  coverage     keep-alive clients looping GET /api/v1/coverage?level=rt&limit=10000 (~5 MB)
  areas        keep-alive clients looping GET /api/v1/areas?q=a+a+... (50,000 words, 100 KB URL)
  huge         2 MB query string, 2 MB path, one 2 MB header, 2 MB of short headers
  json         {"x":1e400}, -1e400, 1e309 posted to the three write routes (as a collaborator
               and as an admin, so the body is read), nested arrays and objects, 1 MiB bodies
  malformed    Content-Length -1 and 99999999999999999999, unknown method, HTTP/2.0 request
               line, a space in the URL, bare-LF lines, a header line without a colon
  idle         connections that send nothing (an answer to them, such as a bare 408 before
               closing, is counted but need not be problem+json)
  slowloris    request headers trickled one byte per interval, never finished
  slowbody     a POST whose 100 KB body is trickled one byte per interval

Each client stops starting requests at the deadline and waits at most --grace seconds more
for the answer in flight. SIGTERM or SIGINT ends the run at once (the summary is still
written). Usage: hostile.py --port P --class coverage --duration 60 [--concurrency N] ...
"""
import argparse
import asyncio
import collections
import json
import signal
import sys
import time

import http_raw as h

HOST = "127.0.0.1"


class stats:
    """What one class saw: per variant, answers by status and the other outcomes."""

    def __init__(self, name):
        self.name = name
        self.sent = 0
        self.by_variant = collections.defaultdict(collections.Counter)
        self.outcomes = collections.Counter()
        self.statuses = collections.Counter()
        self.times = []  # seconds from the first byte sent to the whole answer
        self.close_times = []  # idle and slow classes: seconds until the server closed
        self.not_problem_json = 0
        self.no_retry_after = 0
        self.examples = {}  # kind of problem -> one example

    def example(self, kind, variant, reply=None, note=None):
        if kind in self.examples:
            return
        e = {"variant": variant}
        if reply is not None:
            e.update(status=reply.status, content_type=reply.headers.get("content-type"),
                     body=reply.body_head.decode("latin-1"))
        if note:
            e["note"] = note
        self.examples[kind] = e

    def answered(self, variant, reply, seconds, judged=True):
        """An answer; `judged`: whether a refusal must be problem+json (not for connections
        that sent nothing, where a bare 408 before closing is as good as closing)."""
        self.statuses[str(reply.status)] += 1
        self.by_variant[variant][str(reply.status)] += 1
        self.times.append(seconds)
        if judged and reply.status >= 400 and reply.content_type() != "application/problem+json":
            self.not_problem_json += 1
            self.example("not_problem_json", variant, reply)
        if reply.status == 503 and "retry-after" not in reply.headers:
            self.no_retry_after += 1
            self.example("503_without_retry_after", variant, reply)
        if reply.status >= 500 and reply.status not in (501, 503, 505):
            self.example("5xx", variant, reply)

    def other(self, variant, outcome, note=None):
        self.outcomes[outcome] += 1
        self.by_variant[variant][outcome] += 1
        if outcome in h.LOST:
            self.example(outcome, variant, note=note)

    def summary(self):
        return {
            "class": self.name,
            "sent": self.sent,
            "statuses": dict(self.statuses),
            "outcomes": dict(self.outcomes),
            "by_variant": {v: dict(c) for v, c in sorted(self.by_variant.items())},
            "not_problem_json": self.not_problem_json,
            "no_retry_after_503": self.no_retry_after,
            "answer_seconds": percentiles(self.times),
            "close_seconds": percentiles(self.close_times),
            "examples": self.examples,
        }


def percentiles(values):
    if not values:
        return {"n": 0}
    v = sorted(values)

    def at(q):
        return round(v[min(len(v) - 1, int(q * (len(v) - 1) + 0.5))], 4)

    return {"n": len(v), "p50": at(0.5), "p99": at(0.99), "max": round(v[-1], 4)}


def get(target, extra=b""):
    return (b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n" +
            extra + b"\r\n")


def post(path, body, token=None, content_type=b"application/json"):
    auth = b"Authorization: Bearer " + token.encode() + b"\r\n" if token else b""
    return (b"POST " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n" +
            auth + b"Content-Type: " + content_type + b"\r\nContent-Length: " +
            str(len(body)).encode() + b"\r\n\r\n" + body)


def variants(name, args):
    """(variant name, request bytes, keep the connection) for a request class."""
    if name == "coverage":
        return [("coverage_rt_10000", get(b"/api/v1/coverage?level=rt&limit=10000"), True)]
    if name == "areas":
        words = b"+".join([b"a"] * args.areas_words)
        return [("areas_q_%d_words" % args.areas_words, get(b"/api/v1/areas?q=" + words), True)]
    if name == "huge":
        size = args.huge_bytes
        many = b"".join(b"X-Pad-%05d: %s\r\n" % (i, b"p" * 1000) for i in range(size // 1014))
        return [
            ("query_2mb", get(b"/api/v1/areas?q=" + b"a" * size), False),
            ("path_2mb", get(b"/" + b"a" * size), False),
            ("one_header_2mb", get(b"/healthz", b"X-Big: " + b"b" * size + b"\r\n"), False),
            ("headers_2mb", get(b"/healthz", many), False),
        ]
    if name == "json":
        out = []
        writes = [(b"/api/v1/pledges", "pledges"),
                  (b"/api/v1/pledges/P000001/cancel", "cancel"),
                  (b"/api/v1/pledges/P000001/realizations", "realizations")]
        for path, short in writes:
            for body in (b'{"x":1e400}', b'{"x":-1e400}', b'{"x":1e309}'):
                for role, token in (("collaborator", args.collaborator_token),
                                    ("admin", args.admin_token)):
                    if token:
                        out.append(("%s_%s_%s" % (short, body[5:-1].decode(), role),
                                    post(path, body, token), True))
        token = args.collaborator_token or args.admin_token
        depth = args.nesting
        out += [
            ("nested_arrays_%d" % depth, post(b"/api/v1/pledges", b"[" * depth + b"]" * depth,
                                              token), True),
            ("nested_objects_%d" % depth,
             post(b"/api/v1/pledges", b'{"a":' * depth + b"1" + b"}" * depth, token), True),
            ("body_1mib", post(b"/api/v1/pledges", b'{"target":"' + b"T" * (2**20 - 13) + b'"}',
                               token), True),
            ("body_1mib_plus_1",
             post(b"/api/v1/pledges", b'{"target":"' + b"T" * (2**20 - 12) + b'"}', token),
             True),
        ]
        return out
    if name == "malformed":
        host = b"Host: 127.0.0.1\r\n"
        return [
            ("content_length_-1",
             b"POST /api/v1/pledges HTTP/1.1\r\n" + host + b"Content-Type: application/json\r\n"
             b"Content-Length: -1\r\n\r\n{}", False),
            ("content_length_1e20",
             b"POST /api/v1/pledges HTTP/1.1\r\n" + host + b"Content-Type: application/json\r\n"
             b"Content-Length: 99999999999999999999\r\n\r\n{}", False),
            ("unknown_method", b"BREW /healthz HTTP/1.1\r\n" + host + b"\r\n", False),
            ("http_2_0", b"GET /healthz HTTP/2.0\r\n" + host + b"\r\n", False),
            ("space_in_url", b"GET /api/v1/areas?q=a b HTTP/1.1\r\n" + host + b"\r\n", False),
            ("bare_lf", b"GET /healthz HTTP/1.1\nHost: 127.0.0.1\n\n", False),
            ("header_without_colon", b"GET /healthz HTTP/1.1\r\n" + host + b"NoColonHere\r\n\r\n",
             False),
        ]
    raise ValueError(name)


class run:
    def __init__(self, args):
        self.args = args
        self.start = time.monotonic()
        self.deadline = self.start + args.duration
        self.cap = self.deadline + args.grace  # no waiting past this
        self.stats = stats(args.cls)
        self.stopping = asyncio.Event()

    def before_deadline(self):
        return time.monotonic() < self.deadline and not self.stopping.is_set()

    async def connect(self, variant):
        try:
            return await h.open_connection(HOST, self.args.port, self.args.connect_timeout)
        except (OSError, asyncio.TimeoutError) as e:
            self.stats.other(variant, h.CONNECT_FAILED, note=repr(e))
            await asyncio.sleep(0.2)
            return None

    async def requests(self, variant, request, keep):
        """A client sending `request` again and again (on one connection while it lasts,
        when `keep`), each after the answer to the last."""
        conn = None
        while self.before_deadline():
            if conn is None:
                conn = await self.connect(variant)
                if conn is None:
                    continue
            reader, writer = conn
            self.stats.sent += 1
            try:
                outcome, reply, seconds, sent = await h.exchange(
                    reader, writer, request, self.args.answer_timeout, self.cap)
            except asyncio.CancelledError:
                self.stats.other(variant, h.UNFINISHED)
                h.close(writer)
                raise
            if outcome == "answer":
                self.stats.answered(variant, reply, seconds)
            else:
                self.stats.other(variant, outcome)
            if outcome != "answer" or not keep or not sent or not reply.keeps_connection():
                h.close(writer)
                conn = None
            if self.args.pause:
                await asyncio.sleep(self.args.pause)
        if conn is not None:
            h.close(conn[1])

    async def held(self, index, variant, head, trickle):
        """A connection that sends `head` at once, then `trickle` one byte per interval
        (nothing at all for idle ones), until the server answers or closes it or the run
        ends; then another one."""
        await asyncio.sleep(index * self.args.ramp)  # not all connects at once
        while self.before_deadline():
            conn = await self.connect(variant)
            if conn is None:
                continue
            reader, writer = conn
            self.stats.sent += 1
            opened = time.monotonic()
            reading = asyncio.create_task(h.read_answer(reader))
            try:
                if head:
                    writer.write(head)
                i = 0
                while not reading.done() and self.before_deadline():
                    if trickle:
                        writer.write(trickle[i % len(trickle):i % len(trickle) + 1])
                        i += 1
                    left = max(0.0, self.deadline - time.monotonic())
                    await asyncio.wait([reading], timeout=min(self.args.interval, left))
            except (ConnectionError, OSError):
                pass  # a reset while writing: the reader tells
            except asyncio.CancelledError:
                reading.cancel()
                h.close(writer)
                raise
            if reading.done():
                try:
                    reply = reading.result()
                    self.stats.answered(variant, reply, time.monotonic() - opened,
                                        judged=bool(head or trickle))
                except (h.ended_early, ConnectionError, OSError):
                    self.stats.other(variant, h.CLOSED_BY_SERVER)
                    self.stats.close_times.append(time.monotonic() - opened)
                except h.garbled:
                    self.stats.other(variant, h.GARBLED)
            else:
                reading.cancel()
                self.stats.other(variant, h.OPEN_AT_END)
            h.close(writer)
            if self.before_deadline():
                await asyncio.sleep(self.args.reopen_pause)

    async def main(self):
        args = self.args
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stopping.set)
        tasks = []
        if args.cls in ("coverage", "areas", "huge", "json", "malformed"):
            for variant, request, keep in variants(args.cls, args):
                for _ in range(args.concurrency):
                    tasks.append(asyncio.create_task(self.requests(variant, request, keep)))
        elif args.cls == "idle":
            for i in range(args.concurrency):
                tasks.append(asyncio.create_task(self.held(i, "idle", b"", b"")))
        elif args.cls == "slowloris":
            head = b"GET /api/v1/lookup?lon=106.8272&lat=-6.1754 HTTP/1.1\r\n"
            tail = b"Host: 127.0.0.1\r\n" + b"".join(b"X-Slow-%d: %s\r\n" % (i, b"s" * 20)
                                                      for i in range(200))
            for i in range(args.concurrency):
                tasks.append(asyncio.create_task(self.held(i, "slowloris", b"", head + tail)))
        elif args.cls == "slowbody":
            token = args.collaborator_token or ""
            head = (b"POST /api/v1/pledges HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Content-Type: application/json\r\nContent-Length: 100000\r\n" +
                    (b"Authorization: Bearer " + token.encode() + b"\r\n" if token else b"") +
                    b"\r\n")
            body = b'{"target":"' + b"T" * 99986 + b'"}'
            for i in range(args.concurrency):
                tasks.append(asyncio.create_task(self.held(i, "slow_body", head, body)))
        else:
            raise SystemExit("unknown class " + args.cls)
        stop = asyncio.create_task(self.stopping.wait())
        ends = asyncio.create_task(asyncio.wait(tasks))
        # Every client ends by itself by the deadline plus grace; the margin is for slow exits.
        await asyncio.wait([stop, ends], timeout=args.duration + args.grace + 10,
                           return_when=asyncio.FIRST_COMPLETED)
        for t in tasks:
            if not t.done():
                t.cancel()
        cancelled = sum(1 for t in tasks if not t.done())
        await asyncio.gather(*tasks, return_exceptions=True)
        for t in (stop, ends):
            t.cancel()
        s = self.stats.summary()
        s["seconds"] = round(time.monotonic() - self.start, 1)
        s["concurrency"] = args.concurrency
        s["clients_cut_short"] = cancelled  # stopped by a signal or past the margin
        errors = [repr(t.exception()) for t in tasks
                  if t.done() and not t.cancelled() and t.exception() is not None]
        if errors:
            s["client_errors"] = errors[:5]
        return s


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--class", dest="cls", required=True)
    p.add_argument("--duration", type=float, default=60)
    p.add_argument("--concurrency", type=int, default=1)
    p.add_argument("--answer-timeout", type=float, default=30,
                   help="seconds to wait for an answer before counting it lost")
    p.add_argument("--grace", type=float, default=10,
                   help="seconds past the deadline to wait for answers in flight")
    p.add_argument("--connect-timeout", type=float, default=10)
    p.add_argument("--pause", type=float, default=0, help="seconds between a client's requests")
    p.add_argument("--interval", type=float, default=1,
                   help="seconds between trickled bytes (slowloris, slowbody)")
    p.add_argument("--reopen-pause", type=float, default=0.5,
                   help="seconds before a held connection the server closed is opened again")
    p.add_argument("--ramp", type=float, default=0.002,
                   help="seconds between opening held connections (idle, slow)")
    p.add_argument("--areas-words", type=int, default=50000)
    p.add_argument("--huge-bytes", type=int, default=2 * 2**20)
    p.add_argument("--nesting", type=int, default=100000)
    p.add_argument("--collaborator-token")
    p.add_argument("--admin-token")
    p.add_argument("--out", help="write the JSON summary here (default stdout)")
    args = p.parse_args()
    summary = asyncio.run(run(args).main())
    text = json.dumps(summary, indent=1)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    sys.exit(main())
