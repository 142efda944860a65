#!/usr/bin/env bash
# The short soak test of issue 10: about 60 s of bench/soak.sh's hostile mix (the same
# classes and scale as the 10-minute benchmark: 100 keep-alive clients looping the ~5 MB
# coverage?level=rt answer, areas?q= with 50,000 words, 2 MB URLs and headers, JSON bombs,
# malformed requests, 1,000 idle connections, slowloris, slow bodies) with honest wrk traffic
# and a /healthz prober beside it, against a `sasaran serve --threads 2` over the Jakarta data
# imported into a temporary folder. Fails when the server dies (it prints "server died after
# N s (...)" with its last words), on any 5xx other than 503, a 503 without Retry-After, a
# 4xx/5xx that is not application/problem+json, a /healthz not answered 200 within 1 s, or a
# server that does not stop on SIGTERM; its last line is "N passed, M failed". Speed is
# judged only by those limits; the time limits below guard against hangs.
# Needs wrk and python3 (standard library only). The logs stay in a temporary folder when it
# fails (its path is printed). SOAK_DURATION=seconds of mix (60); DB=an imported database to
# copy instead of importing; REPORT=file.json for the report as JSON.
# Usage: run_short_soak.sh <sasaran-binary>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
sasaran=${1:?usage: run_short_soak.sh <sasaran-binary>}
duration=${SOAK_DURATION:-60}

fail() {
  echo "run_short_soak: FAIL $*" >&2
  echo "0 passed, 1 failed"
  exit 1
}
[ -x "$sasaran" ] || fail "no sasaran binary at '$sasaran'"
command -v wrk > /dev/null || fail "wrk is not installed (scripts/install-deps.sh wrk)"
command -v python3 > /dev/null || fail "python3 is not installed"

out=$(mktemp "${TMPDIR:-/tmp}/sasaran-soak-out.XXXXXX")
trap 'rm -f "$out"' EXIT
# The import (5 s here), start, 10 s unloaded, the mix, up to 10 s for answers in flight and
# the stop: about 100 s. timeout signals the whole process group (server, wrk, clients).
status=0
timeout -k 20 600 "$source_dir/bench/soak.sh" --short --binary "$sasaran" --duration "$duration" \
  -- --unloaded 10 --answer-timeout 20 --grace 10 2>&1 | tee "$out" || status=${PIPESTATUS[0]}
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1 || true)
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  fail "the soak run did not end within 600 s (a hang)"
fi
[ -n "$summary" ] || fail "bench/soak.sh ended (status $status) before its checks"
echo "$summary"
exit "$status"
