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

from report import finish

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CLASSES = ("coverage", "areas", "huge", "json", "malformed", "idle", "slowloris", "slowbody")


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

    def get(self, path, token=None):
        url = "http://127.0.0.1:%d%s" % (self.port, path)
        headers = {"Authorization": "Bearer " + token} if token else {}
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers),
                                    timeout=5) as r:
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
        notes): measure after it, not beside it (when it reports it in /metrics, which needs the
        admin token)."""
        if not self.args.admin_token:
            return  # /metrics is for an admin token
        limit = time.monotonic() + limit_s
        while time.monotonic() < limit and self.alive():
            try:
                text = "\n" + self.get("/metrics", self.args.admin_token)[1]
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
    p.add_argument("--attackers-nice", type=int, default=0,
                   help="niceness of the hostile processes (0: as the server; 19: they yield the "
                        "shared cores to it, as attackers on other machines would)")
    args = p.parse_args()
    args.mix = os.path.join(args.bench_inputs, "tiles_browse_mix.txt")
    args.points = os.path.join(args.bench_inputs, "query_points_10k.csv")
    warmup = args.warmup if args.warmup is not None else min(60.0, max(5.0, args.duration / 10))

    report = {"started": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
              "mode": "short" if args.short else "long", "duration_s": args.duration,
              "threads": args.threads, "binary": args.binary, "workdir": args.workdir,
              "concurrency": {c: getattr(args, c) for c in CLASSES},
              "attackers_nice": args.attackers_nice}
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
        # --attackers-nice: attackers elsewhere on the internet do not take the server's CPU;
        # here they share its two cores, and a niceness keeps them from crowding it out.
        niceness = args.attackers_nice
        hostile[c] = spawn(cmd, stdout=err, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                           preexec_fn=(lambda: os.nice(niceness)) if niceness else None)
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


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # SIGTERM as Ctrl-C
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("interrupted; stopping the server and the load")
        sys.exit(130)
    finally:
        stop_children()
