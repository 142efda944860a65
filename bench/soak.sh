#!/usr/bin/env bash
# Benchmark (not a unit test): the soak test of issue 10. A release `sasaran serve` over a
# copy of the Jakarta database takes, for DURATION seconds and all at once, the hostile mix
# of bench/soak/hostile.py (100 keep-alive clients looping the ~5 MB coverage?level=rt answer
# that crashed it, areas?q= with 50,000 words, 2 MB URLs and headers, JSON bombs, malformed
# requests, 1,000 idle connections, slowloris, slow bodies), honest wrk traffic on tiles and on
# lookup (measured unloaded first, ~20 s) and a /healthz prober (every 100 ms, on a kept-alive
# and on a new connection). It reports per class the answers by status and what was lost, the
# honest rate loaded against unloaded with p50/p99, /healthz p50/p99/max, the server's RSS
# after warm-up and at the end, and whether it crashed (bench/soak/soak.py; docs/benchmarks.md,
# "Soak"). SHORT=1 (or --short) checks too and exits 1 on a failed check (what
# tests/soak/run_short_soak.sh runs); otherwise it only reports.
#
# Usage: bench/soak.sh [--duration S] [--threads N] [--binary PATH] [--db PATH] [--report FILE]
#                      [--short] [-- more soak.py options, e.g. --idle 300 --coverage 50]
#        DURATION=600 THREADS=2 SASARAN=build/cli/sasaran DB= REPORT= SHORT=0 bench/soak.sh
# Without a DB it imports datasets/jakarta.json (from $SASARAN_DATASETS, default
# ../shared/datasets) into a temporary folder; a given DB is copied first (the run writes
# pledges and tokens). The logs are kept in a temporary folder when the run fails (and the
# database too with KEEP=1).
set -euo pipefail
cd "$(dirname "$0")/.."
export SASARAN_DATASETS=${SASARAN_DATASETS:-$(cd .. && pwd)/shared/datasets}
bench_inputs=${BENCH_INPUTS:-$(cd .. && pwd)/shared/bench}
duration=${DURATION:-600}
threads=${THREADS:-2}
sasaran=${SASARAN:-build/cli/sasaran}
db_in=${DB:-}
report=${REPORT:-}
short=${SHORT:-0}
while [ $# -gt 0 ]; do
  case $1 in
    --duration) duration=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --binary) sasaran=$2; shift 2 ;;
    --db) db_in=$2; shift 2 ;;
    --report) report=$2; shift 2 ;;
    --short) short=1; shift ;;
    --) shift; break ;;
    *) echo "soak.sh: unknown option $1 (options after -- go to bench/soak/soak.py)" >&2; exit 2 ;;
  esac
done
export PYTHONDONTWRITEBYTECODE=1

command -v wrk > /dev/null || {
  if [ "$short" = 1 ]; then
    echo "soak.sh: wrk is not installed (apt-get install wrk; scripts/install-deps.sh wrk)" >&2
    exit 1
  fi
  scripts/install-deps.sh wrk > /dev/null
}
command -v python3 > /dev/null || { echo "soak.sh: python3 is not installed" >&2; exit 1; }
[ -x "$sasaran" ] || {
  echo "soak.sh: no sasaran binary at '$sasaran' (scripts/build.sh release)" >&2
  exit 1
}
sasaran=$(cd "$(dirname "$sasaran")" && pwd)/$(basename "$sasaran")
for f in tiles_browse_mix.txt query_points_10k.csv anchors/wrk_mix.lua; do
  [ -f "$bench_inputs/$f" ] || { echo "soak.sh: $bench_inputs/$f is missing" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/sasaran-soak.XXXXXX")
cleanup() {
  local status=$?
  if [ "${KEEP:-0}" = 1 ]; then
    echo "soak.sh: kept $work" >&2
  elif [ "$status" -eq 0 ]; then
    rm -rf "$work"
  else
    rm -f "$work"/soak.sqlite*  # 90 MB; KEEP=1 keeps it
    echo "soak.sh: logs kept in $work" >&2
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

db=$work/soak.sqlite
if [ -n "$db_in" ]; then
  sqlite3 "$db_in" ".backup '$db'"
else
  started=$SECONDS
  timeout 300 "$sasaran" import datasets/jakarta.json --db "$db" \
    --datasets "$SASARAN_DATASETS" > "$work/import.log" 2>&1 || {
    echo "soak.sh: the Jakarta import failed:" >&2
    tail -n 20 "$work/import.log" >&2
    exit 1
  }
  echo "soak: Jakarta imported in $((SECONDS - started)) s"
fi
# Tokens, so that the JSON bombs reach the body parser (anonymous writes are refused first).
giver=$(awk -F, 'NR > 1 && $3 != "agregator" {print $1; exit}' \
  "$SASARAN_DATASETS/jakarta/collaborators.csv")
collaborator=$("$sasaran" token create --db "$db" --role collaborator --collaborator "$giver" \
  2> /dev/null | head -1)
admin=$("$sasaran" token create --db "$db" --role admin 2> /dev/null | head -1)

# The server may keep 1,000+ connections open and so may the load: well under ulimit -n.
ulimit -n "$(ulimit -Hn)" 2> /dev/null || true
args=(--binary "$sasaran" --db "$db" --workdir "$work" --threads "$threads" --duration "$duration"
      --bench-inputs "$bench_inputs" --collaborator-token "$collaborator" --admin-token "$admin")
[ -n "$report" ] && args+=(--report "$(cd "$(dirname "$report")" && pwd)/$(basename "$report")")
[ "$short" = 1 ] && args+=(--short)
python3 -B bench/soak/soak.py "${args[@]}" "$@"
