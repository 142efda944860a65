#!/usr/bin/env bash
# Runs the oracle and checks that it finds the counts pinned in
# tests/data/jakarta-expected-counts.json, which the importer's integration test also checks:
# two independent readings of the same data agreeing on every outcome count.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export ORACLE_WORK=${ORACLE_WORK:-$(mktemp -d)}
trap 'rm -rf "$ORACLE_WORK"' EXIT
"$here/target_outcomes.sh" > "$ORACLE_WORK/oracle.json"
python3 - "$ORACLE_WORK/oracle.json" "$here/../data/jakarta-expected-counts.json" <<'PY'
import json, sys
oracle = json.load(open(sys.argv[1]))
pinned = json.load(open(sys.argv[2]))["layers"]
failures = []
def check(what, got, want):
    if got != want:
        failures.append(f"{what}: oracle {got}, pinned {want}")
t, pt = oracle["targets"], pinned["targets"]
for k in ("read", "clean", "normalized", "corrected", "flagged", "unlocated", "rejected",
          "within_tolerance"):
    check(f"targets {k}", t[k], pt[k])
for reason, n in t["rejected_by_reason"].items():
    check(f"targets rejected {reason}", n, pt["by_reason"].get("rejected", {}).get(reason, 0))
p, pp = oracle["pledges"], pinned["pledges"]
check("pledges read", p["read"], pp["read"])
check("pledges accepted", p["accepted"], pp["read"] - pp["rejected"])
for reason, n in p["rejected_by_reason"].items():
    check(f"pledges rejected {reason}", n, pp["by_reason"].get("rejected", {}).get(reason, 0))
a = oracle["areas"]
for level in ("kelurahan", "rw", "rt", "kecamatan", "kota"):
    check(f"{level} read", a[level], pinned[level]["read"])
check("rw repaired", a["rw_invalid"], pinned["rw"]["repaired"])
check("rt repaired", a["rt_invalid"], pinned["rt"]["repaired"])
if failures:
    print("\n".join(failures))
    sys.exit(1)
print("oracle agrees with the pinned counts: 1 passed, 0 failed")
PY
