"""The report of the soak test (bench/soak/soak.py): printed per class, judged against the
aims of issue 10 and, in the short mode, against the checks of the short soak test
(tests/soak/run_short_soak.sh), and written as JSON."""
import json
import os

HELD = ("idle", "slowloris", "slowbody")  # classes whose point is to be closed
LOST = ("closed_without_answer", "truncated_answer", "no_answer_in_time", "garbled_answer")
# 5xx statuses that refuse a request rather than fail at it: 501 (method), 505 (HTTP version)
# and 503 (load shedding, with Retry-After). Any other 5xx (500, 502, 504...) is a failure.
REFUSING_5XX = ("501", "503", "505")


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
    print("== soak: %s s of hostile mix, sasaran serve --threads %s (%s)%s ==" % (
        report["duration_s"], report["threads"], report["binary"],
        ", attackers at nice %d" % report["attackers_nice"] if report.get("attackers_nice") else ""))
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
