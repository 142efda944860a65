#!/usr/bin/env python3
"""The /healthz prober of the soak test (bench/soak.sh): every --every seconds one GET
/healthz on a kept-alive connection and one on a new connection (its connect timed too),
each timed from the first byte (the connect, for new ones) to the whole answer, until the
deadline; then a JSON summary per kind. A probe not answered within --timeout (or refused,
or closed) counts in the times as --timeout seconds, and its connection is dropped. SIGTERM
or SIGINT ends it early (the summary is still written).
Usage: probe.py --port P --duration 60 [--out FILE]
"""
import argparse
import asyncio
import json
import signal
import sys
import time

import http_raw as h
from hostile import percentiles

REQUEST = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n"


class kind:
    def __init__(self, name, timeout):
        self.name = name
        self.timeout = timeout
        self.times = []
        self.statuses = {}
        self.outcomes = {}
        self.slowest = []  # (seconds, at second of the run)

    def add(self, at, seconds, status=None, outcome=None):
        if status is not None:
            self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1
        else:
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
            seconds = max(seconds, self.timeout)  # no answer: as slow as the limit at least
        self.times.append(seconds)
        self.slowest = sorted(self.slowest + [(round(seconds, 4), round(at, 1))],
                              reverse=True)[:5]

    def summary(self):
        return {"kind": self.name, "statuses": self.statuses, "outcomes": self.outcomes,
                "seconds": percentiles(self.times),
                "slowest": [{"seconds": s, "at": a} for s, a in self.slowest]}


async def probe(args, stopping, fresh):
    k = kind("new_connection" if fresh else "keep_alive", args.timeout)
    start = time.monotonic()
    deadline = start + args.duration
    conn = None
    tick = start
    while time.monotonic() < deadline and not stopping.is_set():
        began = time.monotonic()
        try:
            if conn is None:
                conn = await h.open_connection("127.0.0.1", args.port, args.timeout)
            reader, writer = conn
            left = max(0.001, args.timeout - (time.monotonic() - began))
            outcome, reply, _, _ = await h.exchange(reader, writer, REQUEST, left)
        except (OSError, asyncio.TimeoutError):
            outcome, reply = (h.CONNECT_FAILED if conn is None else h.CLOSED), None
        seconds = time.monotonic() - began
        if outcome == "answer":
            k.add(began - start, seconds, status=reply.status)
        else:
            k.add(began - start, seconds, outcome=outcome)
        if conn is not None and (fresh or outcome != "answer" or not reply.keeps_connection()):
            h.close(conn[1])
            conn = None
        tick += args.every
        now = time.monotonic()
        if tick < now:
            tick = now  # a slow answer delays the next probe; it does not bunch them up
        try:
            await asyncio.wait_for(stopping.wait(), tick - now)
        except asyncio.TimeoutError:
            pass
    if conn is not None:
        h.close(conn[1])
    return k.summary()


async def main_async(args):
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    kept, fresh = await asyncio.gather(probe(args, stopping, False), probe(args, stopping, True))
    return {"keep_alive": kept, "new_connection": fresh}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--duration", type=float, default=60)
    p.add_argument("--every", type=float, default=0.1)
    p.add_argument("--timeout", type=float, default=5)
    p.add_argument("--out")
    args = p.parse_args()
    text = json.dumps(asyncio.run(main_async(args)), indent=1)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    sys.exit(main())
