#!/usr/bin/env python3
"""The soak test of issue 10 (run it through bench/soak.sh, which prepares the database and
tokens): starts `sasaran serve` on a free port, measures the honest traffic unloaded (wrk on
tiles and on lookup at once), then runs for --duration seconds at once: the hostile classes
of hostile.py (one process each), the same honest wrk traffic and the /healthz prober of
probe.py, while it samples the server's RSS and watches for its death. Then it stops the
server with SIGTERM and prints a report per class; --report writes it as JSON too.

With --short it also checks what the short soak test (tests/soak/run_short_soak.sh) fails
on, prints each check and a last line "N passed, M failed", and exits 1 when one failed.
Without it, it only reports (the aims of the issue are printed as met or not).
"""
import argparse
import datetime
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CLASSES = ("coverage", "areas", "huge", "json", "malformed", "idle", "slowloris", "slowbody")
HELD = ("idle", "slowloris", "slowbody")  # classes whose point is to be closed
LOST = ("closed_without_answer", "truncated_answer", "no_answer_in_time", "garbled_answer")
# 5xx statuses that refuse a request rather than fail at it: 501 (method), 505 (HTTP version)
# and 503 (load shedding, with Retry-After). Any other 5xx (500, 502, 504...) is a failure.
REFUSING_5XX = ("501", "503", "505")


CHILDREN = []  # every process started, stopped on the way out whatever happens


def spawn(*popen_args, **popen_kwargs):
    proc = subprocess.Popen(*popen_args, **popen_kwargs)
    CHILDREN.append(proc)
    return proc


def stop_children():
    for proc in CHILDREN:
        if proc.poll() is None:
            proc.terminate()
    for proc in CHILDREN:
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def log(*parts):
    print("soak:", *parts, flush=True)


def mb(kib):
    return None if kib is None else round(kib / 1024, 1)


def proc_status(pid, field):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def cpu_seconds(pid):
    """User plus system CPU seconds of a process so far (None once it is gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def open_fds(pid):
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return None


def describe_exit(code):
    if code is None:
        return "running"
    if code < 0:
        try:
            return "killed by signal %d, %s" % (-code, signal.Signals(-code).name)
        except ValueError:
            return "killed by signal %d" % -code
    return "exited with status %d" % code


def tail(path, lines=8):
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            f.seek(max(0, f.tell() - 16384))
            text = f.read().decode("utf-8", "replace")
    except OSError:
        return []
    return [line[:300] for line in text.splitlines()[-lines:]]


def last_words(path):
    """The last lines of a dead server's stderr, without its start-up lines."""
    lines = tail(path, 40)
    for i, line in enumerate(lines):
        if line.startswith("sasaran serve: loaded in"):
            lines = lines[i + 1:]
    for i in range(len(lines) - 1, -1, -1):  # from an abort's own message, when there is one
        if lines[i].startswith(("terminate called", "==")) or "Sanitizer" in lines[i]:
            return lines[i:i + 3]
    return lines[-3:]


class server:
    def __init__(self, args):
        self.args = args
        self.out = os.path.join(args.workdir, "serve.out")
        self.err = os.path.join(args.workdir, "serve.err")
        self.proc = None
        self.port = None
        self.died_at = None  # monotonic time the death was seen

    def start(self):
        cmd = [self.args.binary, "serve", "--db", self.args.db, "--host", "127.0.0.1",
               "--port", "0", "--threads", str(self.args.threads)]
        if self.args.tile_cache_mb is not None:
            cmd += ["--tile-cache-mb", str(self.args.tile_cache_mb)]
        with open(self.out, "w") as out, open(self.err, "w") as err:
            # In its own folder: no web/dist there, so it serves the API only.
            self.proc = spawn(cmd, cwd=self.args.workdir, stdout=out, stderr=err,
                                         stdin=subprocess.DEVNULL)
        prefix = "sasaran serve: listening on http://127.0.0.1:"
        limit = time.monotonic() + self.args.start_timeout
        while time.monotonic() < limit:
            with open(self.out) as f:
                first = f.readline().strip()
            if first.startswith(prefix):
                self.port = int(first[len(prefix):])
                return None
            if first:
                return "its first line was %r" % first
            if self.proc.poll() is not None:
                return "it %s before listening: %s" % (describe_exit(self.proc.returncode),
                                                       " | ".join(tail(self.err, 5)))
            time.sleep(0.1)
        return "it did not say it was listening within %d s" % self.args.start_timeout

    def get(self, path):
        url = "http://127.0.0.1:%d%s" % (self.port, path)
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()

    def wait_ready(self):
        """Waits until the store is loaded: a 'sasaran serve: ready' line after the listening
        one (servers that bind before loading print it) or a lookup answered 200 (older ones
        listen once loaded). None, or why not."""
        limit = time.monotonic() + self.args.start_timeout
        while time.monotonic() < limit:
            if not self.alive():
                return "it %s while loading: %s" % (describe_exit(self.proc.returncode),
                                                    " | ".join(tail(self.err, 5)))
            with open(self.out) as f:
                if "sasaran serve: ready" in f.read():
                    return None
            try:
                if self.get("/api/v1/lookup?lon=106.8272&lat=-6.1754")[0] == 200:
                    return None
            except (OSError, ValueError):
                pass  # urllib raises HTTPError (an OSError) for a 503 while loading
            time.sleep(0.2)
        return "the store was not loaded within %d s" % self.args.start_timeout

    def wait_tiles_prepared(self, limit_s=120):
        """The server simplifies every zoom in the background from start (as bench/tiles.sh
        notes): measure after it, not beside it (when it reports it in /metrics)."""
        limit = time.monotonic() + limit_s
        while time.monotonic() < limit and self.alive():
            try:
                text = "\n" + self.get("/metrics")[1]
                if "\nsasaran_tile_zooms_prepared " not in text or \
                        "\nsasaran_tile_zooms_prepared 23\n" in text:
                    return
            except (OSError, ValueError):
                pass
            time.sleep(0.2)

    def alive(self):
        if self.proc.poll() is None:
            return True
        if self.died_at is None:
            self.died_at = time.monotonic()
        return False

    def stop(self, limit=10):
        """SIGTERM; (exit description, seconds) or a note that it did not stop."""
        if self.proc.poll() is not None:
            return describe_exit(self.proc.returncode), 0.0
        began = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(limit)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return "did not stop within %d s of SIGTERM (killed)" % limit, None
        return describe_exit(self.proc.returncode), round(time.monotonic() - began, 2)


def wrk_command(args, what, seconds, port):
    env = dict(os.environ)
    if what == "tiles":
        env.update(SOAK_INNER=os.path.join(REPO, "bench", "wrk_tiles.lua"), MIX=args.mix,
                   WRK_PREFIX="/tiles/%s/" % args.composite, WRK_SUFFIX=".mvt",
                   WRK_MIX_SCRIPT=os.path.join(args.bench_inputs, "anchors", "wrk_mix.lua"),
                   WRK_TOKEN="")
    else:
        env.update(SOAK_INNER=os.path.join(REPO, "bench", "wrk_queries.lua"), QUERY="lookup",
                   POINTS=args.points, TOKEN="")
    cmd = ["wrk", "-t%d" % args.wrk_threads, "-c%d" % args.wrk_connections, "-d%ds" % seconds,
           "--timeout", "%ds" % args.wrk_timeout, "-s", os.path.join(HERE, "wrk_honest.lua"),
           "http://127.0.0.1:%d" % port]
    return cmd, env


def start_wrk(args, what, seconds, port, label):
    cmd, env = wrk_command(args, what, seconds, port)
    out = open(os.path.join(args.workdir, "wrk_%s_%s.out" % (what, label)), "w")
    return spawn(cmd, env=env, stdout=out, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)


def wrk_result(args, what, label):
    path = os.path.join(args.workdir, "wrk_%s_%s.out" % (what, label))
    try:
        with open(path) as f:
            for line in f:
                if line.startswith("SOAKWRK "):
                    return json.loads(line[len("SOAKWRK "):])
    except (OSError, ValueError):
        pass
    return {"error": "no summary from wrk: " + " | ".join(tail(path, 3))}


def python_command(script, *rest):
    return [sys.executable, "-B", os.path.join(HERE, script), *[str(r) for r in rest]]


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        return {"error": "no summary (%s)" % e}


def end_processes(procs, grace=15):
    """Asks every process still running to stop (SIGINT: wrk then prints its summary), then
    kills what is left after `grace` seconds."""
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGINT)
    limit = time.monotonic() + grace
    for p in procs:
        try:
            p.wait(max(0.1, limit - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def percent(a, b):
    return None if not a or not b else round(100.0 * (b - a) / a, 1)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--binary", required=True)
    p.add_argument("--db", required=True, help="a database the run may write to (pledges)")
    p.add_argument("--workdir", required=True, help="logs and partial results go here")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--tile-cache-mb", type=int)
    p.add_argument("--duration", type=int, default=600)
    p.add_argument("--unloaded", type=int, default=20, help="seconds of unloaded honest traffic")
    p.add_argument("--warmup", type=float, help="seconds of the mix before the 'start' RSS "
                   "(default a tenth of the duration, 5 to 60 s)")
    p.add_argument("--short", action="store_true", help="check and fail (the short soak test)")
    p.add_argument("--report", help="write the report as JSON here")
    p.add_argument("--bench-inputs", default=os.path.join(os.path.dirname(REPO), "shared", "bench"))
    p.add_argument("--composite", default="kelurahan,rw,targets", help="tile sources of wrk")
    p.add_argument("--wrk-threads", type=int, default=1)
    p.add_argument("--wrk-connections", type=int, default=2, help="per wrk (tiles, lookup)")
    p.add_argument("--wrk-timeout", type=int, default=10)
    p.add_argument("--collaborator-token")
    p.add_argument("--admin-token")
    p.add_argument("--answer-timeout", type=float, default=30)
    p.add_argument("--grace", type=float, default=10)
    p.add_argument("--healthz-limit", type=float, default=1.0,
                   help="seconds: a slower /healthz fails the short test")
    p.add_argument("--start-timeout", type=int, default=180)
    defaults = {"coverage": 100, "areas": 4, "huge": 1, "json": 1, "malformed": 1,
                "idle": 1000, "slowloris": 50, "slowbody": 20}
    for c in CLASSES:
        p.add_argument("--" + c, type=int, default=defaults[c],
                       help="concurrency of class %s (0: leave it out; default %d)" %
                       (c, defaults[c]))
    p.add_argument("--hostile-args", default="", help="more options for every hostile.py")
    args = p.parse_args()
    args.mix = os.path.join(args.bench_inputs, "tiles_browse_mix.txt")
    args.points = os.path.join(args.bench_inputs, "query_points_10k.csv")
    warmup = args.warmup if args.warmup is not None else min(60.0, max(5.0, args.duration / 10))

    report = {"started": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
              "mode": "short" if args.short else "long", "duration_s": args.duration,
              "threads": args.threads, "binary": args.binary, "workdir": args.workdir,
              "concurrency": {c: getattr(args, c) for c in CLASSES}}
    srv = server(args)
    why = srv.start()
    if why:
        log("the server did not start:", why)
        report["server"] = {"started": False, "why": why}
        return finish(args, report, [("the server starts and listens", False, why)])
    pid = srv.proc.pid
    why = srv.wait_ready()
    if why:
        log("the server did not get ready:", why)
        report["server"] = {"started": False, "why": why}
        return finish(args, report, [("the server loads the store and answers", False, why)])
    log("server pid %d on port %d (%s)" % (pid, srv.port, " ".join(tail(srv.err, 1))))
    srv.wait_tiles_prepared()

    log("unloaded honest traffic, %d s" % args.unloaded)
    procs = [start_wrk(args, w, args.unloaded, srv.port, "unloaded") for w in ("tiles", "lookup")]
    for proc in procs:
        proc.wait()
    unloaded = {w: wrk_result(args, w, "unloaded") for w in ("tiles", "lookup")}
    for w in unloaded:
        log("  %s: %s req/s" % (w, unloaded[w].get("ok_rps")))
    rss_before = proc_status(pid, "VmRSS")
    if not srv.alive():
        why = "server died under the unloaded honest traffic (%s): %s" % (
            describe_exit(srv.proc.returncode), " | ".join(last_words(srv.err)))
        log(why)
        report["server"] = {"crashed": True, "why": why}
        return finish(args, report, [("the server did not crash", False, why)])

    log("hostile mix for %d s: %s" % (args.duration, ", ".join(
        "%s %d" % (c, getattr(args, c)) for c in CLASSES if getattr(args, c) > 0)))
    extra = args.hostile_args.split()
    tokens = []
    if args.collaborator_token:
        tokens += ["--collaborator-token", args.collaborator_token]
    if args.admin_token:
        tokens += ["--admin-token", args.admin_token]
    hostile = {}
    mix_start = time.monotonic()
    for c in CLASSES:
        if getattr(args, c) <= 0:
            continue
        cmd = python_command("hostile.py", "--port", srv.port, "--class", c, "--duration",
                             args.duration, "--concurrency", getattr(args, c), "--answer-timeout",
                             args.answer_timeout, "--grace", args.grace, "--out",
                             os.path.join(args.workdir, "hostile_%s.json" % c), *tokens, *extra)
        err = open(os.path.join(args.workdir, "hostile_%s.err" % c), "w")
        hostile[c] = spawn(cmd, stdout=err, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    prober = spawn(
        python_command("probe.py", "--port", srv.port, "--duration", args.duration,
                       "--out", os.path.join(args.workdir, "healthz.json")),
        stdout=open(os.path.join(args.workdir, "healthz.err"), "w"), stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL)
    honest = {w: start_wrk(args, w, args.duration, srv.port, "loaded") for w in ("tiles", "lookup")}
    load = list(hostile.values()) + [prober] + list(honest.values())
    # Who used the two cores: the server and each load process (last reading while alive).
    users = {"server": pid, "healthz prober": prober.pid}
    users.update({"hostile " + c: proc.pid for c, proc in hostile.items()})
    users.update({"wrk " + w: proc.pid for w, proc in honest.items()})
    cpu_start = cpu_seconds(pid) or 0.0
    cpu = {}

    rss = []  # (second of the mix, KiB)
    rss_warm = None
    fds_max = 0
    next_sample = mix_start
    next_progress = mix_start + (10 if args.short else 60)
    hard_limit = mix_start + args.duration + args.grace + 30
    while any(proc.poll() is None for proc in load) and time.monotonic() < hard_limit:
        now = time.monotonic()
        if not srv.alive():
            log("server died after %.1f s of the mix (%s); stopping the load" %
                (srv.died_at - mix_start, describe_exit(srv.proc.returncode)))
            break
        if now >= next_sample:
            kib = proc_status(pid, "VmRSS")
            if kib is not None and now - mix_start <= args.duration:
                rss.append((round(now - mix_start, 1), kib))
                if rss_warm is None and now - mix_start >= warmup:
                    rss_warm = kib
            fds_max = max(fds_max, open_fds(pid) or 0)
            for who, p_id in users.items():
                c = cpu_seconds(p_id)
                if c is not None:
                    cpu[who] = c
            next_sample += 1
        if now >= next_progress:
            log("%3.0f/%d s: server up, RSS %s MB, %d open files" % (
                now - mix_start, args.duration, mb(rss[-1][1]) if rss else "?",
                open_fds(pid) or 0))
            next_progress += 10 if args.short else 60
        time.sleep(0.1)
    end_processes(load)
    alive = srv.alive()
    rss_rest = None
    if alive:
        time.sleep(2)
        rss_rest = proc_status(pid, "VmRSS")
        alive = srv.alive()
    peak = proc_status(pid, "VmHWM")
    stopped, stop_s = srv.stop()

    report["server"] = {
        "pid": pid, "crashed": not alive,
        "died_after_s": round(srv.died_at - mix_start, 1) if srv.died_at else None,
        "exit": describe_exit(srv.proc.returncode) if not alive else None,
        "stop": stopped, "stop_s": stop_s, "fds_max": fds_max,
        "cpu_s_in_mix": round(cpu.get("server", cpu_start) - cpu_start, 1),
        "stderr_tail": tail(srv.err, 8),
        "last_words": last_words(srv.err) if not alive else [],
    }
    rss_end = rss[-1][1] if rss else None
    report["cpu_s"] = {who: round(c - (cpu_start if who == "server" else 0), 1)
                       for who, c in cpu.items()}
    report["rss_mb"] = {"before_mix": mb(rss_before), "after_warmup": mb(rss_warm),
                        "warmup_s": warmup, "end": mb(rss_end),
                        "end_at_s": rss[-1][0] if rss else None, "after_rest": mb(rss_rest),
                        "peak": mb(peak), "growth_pct": percent(rss_warm, rss_end),
                        "samples": [[t, mb(k)] for t, k in rss[::max(1, len(rss) // 60)]]}
    report["honest"] = {}
    for w in ("tiles", "lookup"):
        loaded = wrk_result(args, w, "loaded")
        u, l = unloaded[w].get("ok_rps"), loaded.get("ok_rps")
        report["honest"][w] = {"unloaded": unloaded[w], "loaded": loaded,
                               "ratio": round(l / u, 3) if u and l is not None else None}
    report["healthz"] = load_json(os.path.join(args.workdir, "healthz.json"))
    report["hostile"] = {c: load_json(os.path.join(args.workdir, "hostile_%s.json" % c))
                         for c in hostile}
    return finish(args, report, None)


def evaluate(args, report):
    """(aims of the issue, checks of the short test): lists of (what, met, detail)."""
    srv = report["server"]
    hostile = report["hostile"]
    honest = report["honest"]
    healthz = report["healthz"]
    requests = {c: s for c, s in hostile.items() if c not in HELD and "error" not in s}
    lost = {c: sum(s.get("outcomes", {}).get(o, 0) for o in LOST) for c, s in requests.items()}
    honest_lost = sum(r["loaded"].get("errors", {}).get(e, 0) for r in honest.values()
                      for e in ("read", "timeout"))
    statuses = {}  # every answer seen by anyone, status -> count
    for s in list(hostile.values()) + [r["loaded"] for r in honest.values()] + \
            [k for k in healthz.values() if isinstance(k, dict)]:
        for st, n in s.get("statuses", {}).items():
            statuses[st] = statuses.get(st, 0) + n
    five = {st: n for st, n in statuses.items() if st[0] == "5" and st not in REFUSING_5XX}
    not_pjson = sum(s.get("not_problem_json", 0) for s in hostile.values()) + \
        sum(r["loaded"].get("not_problem_json", 0) for r in honest.values())
    no_ra = sum(s.get("no_retry_after_503", 0) for s in hostile.values()) + \
        sum(r["loaded"].get("no_retry_after_503", 0) for r in honest.values())

    def where(key):
        def has(s):
            if key == "5xx":
                return any(st[0] == "5" and st not in REFUSING_5XX for st in s.get("statuses", {}))
            return s.get(key)
        out = [c for c, s in hostile.items() if has(s)]
        out += ["honest " + w for w, r in honest.items() if has(r["loaded"])]
        out += ["/healthz " + k for k, s in healthz.items() if isinstance(s, dict) and has(s)]
        return ", ".join(out)

    def example(kind):
        for c, s in hostile.items():
            e = s.get("examples", {}).get(kind)
            if e:
                return "; e.g. %s %s: %s %s %r" % (c, e["variant"], e.get("status"),
                                                    e.get("content_type"), e.get("body", "")[:120])
        return ""

    crash = "server died after %s s of the mix (%s): %s" % (
        srv.get("died_after_s"), srv.get("exit"), " | ".join(srv.get("last_words", [])))
    aims, checks = [], []
    aims.append(("0 crashes", not srv["crashed"], crash if srv["crashed"] else "none"))
    aims.append(("0 answers lost", sum(lost.values()) + honest_lost == 0,
                 "hostile: %s; honest wrk read errors and timeouts: %d" % (
                     ", ".join("%s %d" % (c, n) for c, n in lost.items()) or "-", honest_lost)))
    aims.append(("every refusal a problem+json 4xx (501, 505) or a 503 with Retry-After",
                 not five and not not_pjson and not no_ra,
                 "other 5xx: %s; not problem+json: %d; 503 without Retry-After: %d" % (
                     five or 0, not_pjson, no_ra)))
    for kind in ("keep_alive", "new_connection"):
        k = healthz.get(kind, {})
        p99 = k.get("seconds", {}).get("p99")
        aims.append(("/healthz p99 under 100 ms (%s)" % kind.replace("_", " "),
                     p99 is not None and p99 < 0.1, "p99 %s s" % p99))
    for w, r in honest.items():
        aims.append(("honest %s at least half its unloaded rate" % w,
                     r["ratio"] is not None and r["ratio"] >= 0.5,
                     "%s of %s req/s (%s)" % (r["loaded"].get("ok_rps"),
                                              r["unloaded"].get("ok_rps"), r["ratio"])))
    g = report["rss_mb"].get("growth_pct")
    aims.append(("RSS at the end within 10% of RSS after warm-up", g is not None and abs(g) <= 10,
                 "%s MB after %s s, %s MB at the end (%s%%)" % (
                     report["rss_mb"]["after_warmup"], report["rss_mb"]["warmup_s"],
                     report["rss_mb"]["end"], g)))
    slow = {c: s.get("answer_seconds", {}).get("max") for c, s in requests.items()}
    aims.append(("each hostile request pattern answered in under 1 s",
                 all(v is not None and v < 1 for v in slow.values()) and not sum(lost.values()),
                 ", ".join("%s max %s s" % (c, v) for c, v in slow.items()) or "-"))

    if args.short:
        checks.append(("the server did not crash", not srv["crashed"],
                       crash if srv["crashed"] else "alive after %d s of the mix" % args.duration))
        checks.append(("no 5xx other than 503 (and 501, 505)", not five,
                       ("%s (%s)%s" % (five, where("5xx"), example("5xx"))) if five else "none"))
        checks.append(("no 503 without Retry-After", not no_ra,
                       "%d (%s)%s" % (no_ra, where("no_retry_after_503"),
                                      example("503_without_retry_after")) if no_ra else "none"))
        checks.append(("no 4xx/5xx that is not application/problem+json", not not_pjson,
                       "%d (%s)%s" % (not_pjson, where("not_problem_json"),
                                      example("not_problem_json")) if not_pjson else "none"))
        for kind in ("keep_alive", "new_connection"):
            k = healthz.get(kind, {})
            worst = k.get("seconds", {}).get("max")
            bad = {o: n for o, n in k.get("outcomes", {}).items()}
            bad.update({st: n for st, n in k.get("statuses", {}).items() if st != "200"})
            ok = worst is not None and worst <= args.healthz_limit and not bad
            checks.append(("/healthz (%s) answered 200 within %g s every time" % (
                kind.replace("_", " "), args.healthz_limit), ok,
                "%d probes, max %s s%s" % (k.get("seconds", {}).get("n", 0), worst,
                                           ", not answered 200: %s" % bad if bad else "")))
        if not srv["crashed"]:
            checks.append(("the server stops on SIGTERM (exit 0 within 10 s)",
                           srv["stop"] == "exited with status 0" and srv["stop_s"] is not None,
                           "%s after %s s" % (srv["stop"], srv["stop_s"])))
    return aims, checks


def fmt_counts(d):
    return " ".join("%s×%d" % (k, v) for k, v in sorted(d.items())) or "-"


def print_report(report):
    srv = report["server"]
    print()
    print("== soak: %s s of hostile mix, sasaran serve --threads %s (%s) ==" % (
        report["duration_s"], report["threads"], report["binary"]))
    if srv["crashed"]:
        print("server: CRASHED, died after %s s of the mix (%s); its stderr ended:" % (
            srv["died_after_s"], srv["exit"]))
        for line in srv["stderr_tail"]:
            print("  | " + line)
    else:
        print("server: alive at the end; SIGTERM: %s after %s s; at most %d open files" % (
            srv["stop"], srv["stop_s"], srv["fds_max"]))
    r = report["rss_mb"]
    print("CPU seconds in the mix (%d cores: %d s available): %s" % (
        os.cpu_count(), os.cpu_count() * report["duration_s"],
        ", ".join("%s %s" % kv for kv in report["cpu_s"].items())))
    print("RSS MB: before the mix %s, after warm-up (%s s) %s, end %s (%s%%), after 2 s rest %s, "
          "peak %s" % (r["before_mix"], r["warmup_s"], r["after_warmup"], r["end"],
                       r["growth_pct"], r["after_rest"], r["peak"]))
    print("honest traffic (wrk, keep-alive): ok req/s unloaded -> loaded (ratio); p50/p99 ms "
          "unloaded -> loaded; answers; wrk errors")
    for w, h in report["honest"].items():
        u, l = h["unloaded"], h["loaded"]
        print("  %-7s %s -> %s (%s); %s/%s -> %s/%s; %s; %s" % (
            w, u.get("ok_rps"), l.get("ok_rps"), h["ratio"], u.get("p50_ms"), u.get("p99_ms"),
            l.get("p50_ms"), l.get("p99_ms"), fmt_counts(l.get("statuses", {})),
            fmt_counts({k: v for k, v in l.get("errors", {}).items() if v}) if "errors" in l
            else l.get("error")))
    print("/healthz every 100 ms: n, p50/p99/max s, answers, other outcomes")
    for kind in ("keep_alive", "new_connection"):
        k = report["healthz"].get(kind)
        if not k:
            print("  %s: %s" % (kind, report["healthz"].get("error")))
            continue
        s = k["seconds"]
        print("  %-14s %s, %s/%s/%s, %s, %s" % (kind, s.get("n"), s.get("p50"), s.get("p99"),
                                              s.get("max"), fmt_counts(k["statuses"]),
                                              fmt_counts(k["outcomes"])))
    print("hostile classes: requests (connections for idle/slow) sent; answers by status; other "
          "outcomes; refusals not problem+json; 503 without Retry-After; answer (or close) time "
          "p50/p99/max s")
    for c, s in report["hostile"].items():
        if "error" in s:
            print("  %-10s %s" % (c, s["error"]))
            continue
        times = s["close_seconds"] if c in HELD and not s["answer_seconds"]["n"] else \
            s["answer_seconds"]
        print("  %-10s x%d: sent %d; %s; %s; non-problem %d; 503-no-RA %d; %s %s/%s/%s" % (
            c, s["concurrency"], s["sent"], fmt_counts(s["statuses"]), fmt_counts(s["outcomes"]),
            s["not_problem_json"], s["no_retry_after_503"],
            "close" if times is s["close_seconds"] else "answer", times.get("p50", "-"),
            times.get("p99", "-"), times.get("max", "-")))
        if len(s["by_variant"]) > 1:
            for v, counts in s["by_variant"].items():
                print("      %-34s %s" % (v, fmt_counts(counts)))
        if s.get("client_errors"):
            print("      client errors: %s" % s["client_errors"])


def finish(args, report, early_checks):
    if early_checks is not None:
        aims, checks = [], early_checks
    else:
        print_report(report)
        aims, checks = evaluate(args, report)
        print("aims of issue 10:")
        for what, met, detail in aims:
            print("  [%s] %s: %s" % ("met" if met else "NOT met", what, detail))
    report["aims"] = [{"aim": w, "met": m, "detail": d} for w, m, d in aims]
    failed = 0
    if args.short or early_checks is not None:
        report["checks"] = [{"check": w, "passed": ok, "detail": d} for w, ok, d in checks]
        print("checks:")
        for what, ok, detail in checks:
            print("  %s %s: %s" % ("PASS" if ok else "FAIL", what, detail))
        failed = sum(1 for _, ok, _ in checks if not ok)
    if args.report:
        with open(args.report, "w") as f:
            json.dump(report, f, indent=1)
            f.write("\n")
        print("report: " + args.report)
    if args.short or early_checks is not None:
        print("%d passed, %d failed" % (len(checks) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # SIGTERM as Ctrl-C
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("interrupted; stopping the server and the load")
        sys.exit(130)
    finally:
        stop_children()
