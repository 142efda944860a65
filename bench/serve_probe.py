#!/usr/bin/env python3
"""Starts `sasaran serve`, times it to 'ready', reads its memory, stops it (benchmark helper).

The start time runs from the spawn to the 'sasaran serve: ready' line on the server's stdout
(the store loaded and every route answering), read as it is written rather than polled. The
memory is the server's VmRSS, VmHWM (peak), RssAnon (its heap) and RssFile (mapped files:
the binary, libraries, SQLite's memory map) from /proc/PID/status once ready, after SETTLE
seconds. The targets loaded come from GET /healthz. Then SIGTERM, and the server must
end within 30 s. Python 3 standard library only.

Usage: bench/serve_probe.py --sasaran BIN --db DB [--threads 2] [--settle 1] [--steady S]
       [--log FILE]
Prints one tab-separated line: ready_s  ready_cpu_s  rss_kb  hwm_kb  anon_kb  file_kb  targets
steady_rss_kb (the last empty unless --steady: the RSS once it held within 1 MB for S seconds,
after the tile zooms the server prepares in the background)
(ready_cpu_s: the server's user + system CPU time until ready, every thread; on a shared
machine it tells more than the wall time)
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/{pid}/status")


def cpu_seconds(pid):
    """User plus system time of the process so far (proc(5): fields 14 and 15, in ticks)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--sasaran", required=True)
    p.add_argument("--db", required=True)
    p.add_argument("--threads", default="2")
    p.add_argument("--settle", type=float, default=1.0, help="seconds between ready and RSS")
    p.add_argument("--steady", type=float, default=0.0,
                   help="also the RSS once it held still this many seconds (0: not measured)")
    p.add_argument("--log", default=os.devnull, help="where the server's stderr goes")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for ready")
    a = p.parse_args()
    with open(a.log, "wb") as log:
        started = time.monotonic()
        server = subprocess.Popen(
            [a.sasaran, "serve", "--db", a.db, "--host", "127.0.0.1", "--port", "0",
             "--threads", a.threads], stdout=subprocess.PIPE, stderr=log)
    # A hung start is ended by the timer, which closes the pipe the loop below reads.
    timer = threading.Timer(a.timeout, server.kill)
    timer.start()
    base = ready = None
    try:
        for raw in server.stdout:
            line = raw.decode().rstrip("\n")
            if line.startswith("sasaran serve: listening on "):
                base = line[len("sasaran serve: listening on "):]
            elif line == "sasaran serve: ready":
                ready = time.monotonic() - started
                ready_cpu = cpu_seconds(server.pid)
                break
    finally:
        timer.cancel()
    if ready is None or base is None:
        server.kill()
        server.wait()
        sys.exit(f"serve_probe: the server ended or hung before it was ready (log: {a.log})")
    # Keep draining stdout so that the server never blocks on a full pipe.
    threading.Thread(target=server.stdout.read, daemon=True).start()
    time.sleep(a.settle)
    rss, hwm = status_kb(server.pid, "VmRSS"), status_kb(server.pid, "VmHWM")
    anon, file = status_kb(server.pid, "RssAnon"), status_kb(server.pid, "RssFile")
    # The server simplifies the areas of every tile zoom in the background after 'ready':
    # its RSS once that is done, i.e. once it held within 1 MB for --steady seconds.
    steady = ""
    if a.steady > 0:
        last, still, waited = rss, 0.0, 0.0
        while still < a.steady and waited < a.timeout:
            time.sleep(0.5)
            waited += 0.5
            now = status_kb(server.pid, "VmRSS")
            still = still + 0.5 if abs(now - last) <= 1024 else 0.0
            last = now
        steady = str(last)
    with urllib.request.urlopen(base + "/healthz", timeout=30) as r:
        health = json.load(r)
    targets = health.get("targets", health.get("counts", {}).get("targets", ""))
    server.send_signal(signal.SIGTERM)
    try:
        code = server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
        sys.exit("serve_probe: the server did not stop within 30 s of SIGTERM")
    if code != 0:
        sys.exit(f"serve_probe: the server ended with status {code} (log: {a.log})")
    print(f"{ready:.2f}\t{ready_cpu:.2f}\t{rss}\t{hwm}\t{anon}\t{file}\t{targets}\t{steady}")


if __name__ == "__main__":
    main()
