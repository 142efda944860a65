#!/usr/bin/env python3
"""Change propagation between two Sasaran servers over one store (benchmark helper, issue 13).

For each of --pledges open targets, one after the other: POST /api/v1/pledges on server A
(a collaborator's token); from A's 201, poll GET /api/v1/targets/{id} on server B every
--poll-ms until B says the target is no longer open (--watch target) or no longer lists it
among the open targets nearest to its spot (--watch nearest). The propagation time runs from the 201's
arrival to the first answer of B showing the change; the pledge time from the POST's sending to
its 201. Measured twice: on idle servers, then (unless --load-seconds 0) while wrk keeps
--load-connections connections per server busy with nearest-10 queries (bench/wrk_queries.lua)
on A and on B. The open targets are found through A's API (nearest open targets around the
fixed query points), so any store serves. With A and B the same server it measures the
mechanics (a server sees its own write at once).

Stops early, and fails, after 3 pledges in a row that B never shows within --timeout seconds:
B does not follow A's writes (before the change feed of issue 13 it cannot).

Usage: bench/propagation.py --a URL --b URL --token TOKEN --points query_points_10k.csv
                            [--pledges 200] [--load-seconds 20] [--load-connections 2]
Prints a table (phase, count, p50, p90, p99, max in ms) and the wrk summaries; exit 1 when a
pledge was refused for another reason than a taken target, or B missed changes.
Python 3 standard library only; wrk for the load phase.
"""

import argparse
import http.client
import json
import os
import subprocess
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))


class client:
    """One keep-alive connection to a server, reopened when the server closes it."""

    def __init__(self, base, token):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.headers = {"Authorization": "Bearer " + token, "Connection": "keep-alive"}
        self.conn = None

    def request(self, method, path, body=None):
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            headers = dict(self.headers)
            if body is not None:
                headers["Content-Type"] = "application/json"
            try:
                self.conn.request(method, path, body=body, headers=headers)
                r = self.conn.getresponse()
                data = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, data
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")


def open_targets(a, points, wanted, skip):
    """(id, lon, lat) of `wanted` open targets, unique, around the query points from `skip` on;
    the position as a collaborator sees it (the spot of its cell)."""
    found, seen = [], set()
    for lon, lat in points[skip:]:
        status, data = a.request("GET", f"/api/v1/targets/nearest?k=100&status=open&lon={lon}"
                                        f"&lat={lat}")
        if status != 200:
            sys.exit(f"propagation: nearest open targets answered {status}: {data[:200]!r}")
        for target in json.loads(data)["targets"]:
            id_ = target["id"]
            if id_ and id_ not in seen:
                seen.add(id_)
                found.append((id_, target["lon"], target["lat"]))
        if len(found) >= wanted:
            return found[:wanted]
    sys.exit(f"propagation: found only {len(found)} open targets of {wanted}")


def shows_open(b, watch, target):
    """Whether B's answer still shows the target open: its own status (watch "target"), or
    its presence among the 100 nearest open targets at its spot (watch "nearest")."""
    id_, lon, lat = target
    if watch == "target":
        path = "/api/v1/targets/" + urllib.parse.quote(id_)
    else:
        path = f"/api/v1/targets/nearest?k=100&status=open&lon={lon}&lat={lat}"
    status, data = b.request("GET", path)
    if status != 200:
        sys.exit(f"propagation: GET {path} on B answered {status}: {data[:200]!r}")
    j = json.loads(data)
    if watch == "target":
        return j["status"] == "open"
    return any(t["id"] == id_ for t in j["targets"])


def percentile(values, p):
    """Nearest rank: the smallest value with at least p% of the values at or below it."""
    s = sorted(values)
    return s[max(0, -(-len(s) * p // 100) - 1)] if s else float("nan")


def run_phase(name, a, b, targets, watch, timeout, poll):
    pledge_ms, seen_ms, taken, misses_in_row, missed = [], [], 0, 0, 0
    for target in targets:
        id_ = target[0]
        if not shows_open(b, watch, target):
            taken += 1
            continue
        body = json.dumps({"target": id_, "form": "barang", "quantity": 1})
        sent = time.monotonic()
        status, data = a.request("POST", "/api/v1/pledges", body)
        answered = time.monotonic()
        if status == 409:  # another client took it between the two requests
            taken += 1
            continue
        if status != 201:
            sys.exit(f"propagation: POST /pledges for {id_} answered {status}: {data[:300]!r}")
        pledge_ms.append((answered - sent) * 1000)
        while True:
            if not shows_open(b, watch, target):
                seen_ms.append((time.monotonic() - answered) * 1000)
                misses_in_row = 0
                break
            if time.monotonic() - answered > timeout:
                missed += 1
                misses_in_row += 1
                break
            time.sleep(poll)
        if misses_in_row >= 3:
            print(f"propagation: {name}: B did not show 3 pledges in a row within {timeout} s: "
                  "B does not follow A's writes", file=sys.stderr)
            break
    return {"pledge": pledge_ms, "propagation": seen_ms, "taken": taken, "missed": missed}


def row(phase, what, values):
    if not values:
        return f"{phase}\t{what}\t0\t-\t-\t-\t-"
    return (f"{phase}\t{what}\t{len(values)}\t{percentile(values, 50):.1f}\t"
            f"{percentile(values, 90):.1f}\t{percentile(values, 99):.1f}\t{max(values):.1f}")


def start_load(bases, token, points_file, seconds, connections):
    env = dict(os.environ, QUERY="nearest", TOKEN=token, POINTS=points_file)
    return [subprocess.Popen(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s",
         os.path.join(HERE, "wrk_queries.lua"), base], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True) for base in bases]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--a", required=True, help="base URL of the server that takes the pledges")
    p.add_argument("--b", required=True, help="base URL of the server that is watched")
    p.add_argument("--token", required=True, help="a collaborator's token")
    p.add_argument("--points", required=True, help="lon,lat CSV (query_points_10k.csv)")
    p.add_argument("--pledges", type=int, default=200, help="per phase")
    p.add_argument("--load-seconds", type=int, default=20, help="0: no loaded phase")
    p.add_argument("--load-connections", type=int, default=2, help="wrk connections per server")
    p.add_argument("--timeout", type=float, default=5.0, help="seconds B may take to show one")
    p.add_argument("--poll-ms", type=float, default=2.0)
    p.add_argument("--watch", choices=("target", "nearest"), default="target",
                   help="B's answer to watch: GET /targets/{id}, or nearest open at its spot")
    a_ = p.parse_args()
    with open(a_.points, encoding="utf-8") as f:
        points = [tuple(line.strip().split(",")[:2]) for line in f
                  if line[:1].isdigit() or line[:1] == "-"]
    a, b = client(a_.a, a_.token), client(a_.b, a_.token)
    phases = [("idle", 0)] + ([("load", len(points) // 2)] if a_.load_seconds > 0 else [])
    print("phase\twhat\tcount\tp50_ms\tp90_ms\tp99_ms\tmax_ms")
    failed = False
    for name, skip in phases:
        ids = open_targets(a, points, a_.pledges, skip)
        load = []
        if name == "load":
            load = start_load(sorted({a_.a, a_.b}), a_.token, a_.points, a_.load_seconds,
                              a_.load_connections)
            time.sleep(1)  # wrk connected and busy before the first pledge
        started = time.monotonic()
        r = run_phase(name, a, b, ids, a_.watch, a_.timeout, a_.poll_ms / 1000)
        took = time.monotonic() - started
        for process in load:
            out, _ = process.communicate()
            summary = [l for l in out.splitlines() if l.startswith("WRKSUM")]
            print(f"# {name}: wrk nearest-10, {a_.load_connections} connections: "
                  "rps p50 p90 p99 mean max (ms) requests errors: "
                  + (summary[0].split("\t", 1)[1].replace("\t", " ") if summary else out[-300:]))
        if load and took > a_.load_seconds:
            print(f"# {name}: the pledges took {took:.0f} s, longer than the load "
                  f"({a_.load_seconds} s): raise --load-seconds", file=sys.stderr)
        print(row(name, "pledge_201", r["pledge"]))
        print(row(name, "a_201_to_b_shows", r["propagation"]))
        print(f"# {name}: {len(r['pledge'])} pledges in {took:.1f} s, {r['taken']} targets "
              f"taken meanwhile (skipped), {r['missed']} not shown by B within {a_.timeout} s")
        failed = failed or r["missed"] > 0
        if r["missed"] and not r["propagation"]:
            break
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
