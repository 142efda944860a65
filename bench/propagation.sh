#!/usr/bin/env bash
# Benchmark (not a test): change propagation between Sasaran servers over one store (issue
# 13). Imports the Jakarta set into a fresh store (a SQLite file; with PG_URL a fresh database
# sasaran_propagation on that PostgreSQL server, dropped after; with PG_CLUSTER=1 a private
# cluster from tests/pg/pg_cluster.sh), makes a collaborator's token, starts SERVERS (2)
# `sasaran serve` on it, and runs bench/propagation.py: PLEDGES (200) pledges on server A, each
# polled on server B until it shows, idle and then under wrk read load on both (LOAD_SECONDS,
# LOAD_CONNECTIONS per server; WATCH=nearest watches B's nearest open list at the target's spot
# instead of GET /targets/{id}); prints p50/p90/p99/max of the pledge's 201 and of the 201 to B's
# changed answer. SERVERS=1 watches the same server (the script's mechanics). B follows A
# through the store's change feed (server/app.cpp follow_loop); a B that does not (a build
# before the feed) shows no pledge, and propagation.py stops after 3 changes B never shows.
# Fails on a server that does not start, stop on SIGTERM with status 0, or whose log has an
# error or warning.
# Usage: bench/propagation.sh        SERVERS=1 PLEDGES=50 bench/propagation.sh
#        PG_URL=postgresql://postgres@127.0.0.1:5432/postgres bench/propagation.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export SASARAN_DATASETS=${SASARAN_DATASETS:-$(cd .. && pwd)/shared/datasets}
bench_inputs=${BENCH_INPUTS:-$(cd .. && pwd)/shared/bench}
[ -f "$bench_inputs/query_points_10k.csv" ] || bench_inputs=$SASARAN_DATASETS/../bench
sasaran=$(cd "$(dirname "${SASARAN_BIN:-build/cli/sasaran}")" && pwd)/$(basename "${SASARAN_BIN:-build/cli/sasaran}")
servers=${SERVERS:-2}
threads=${THREADS:-2}
pg_url=${PG_URL:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/sasaran-propagation.XXXXXX")
pids=()
cluster=

. tests/support/started_server.sh  # alive, wait_for_server
. bench/pg_lib.sh  # with_database, fresh_database, drop_database, holds_a_store

stop_servers() {
  local status=0 pid code
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2> /dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 100); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then
      kill -KILL "$pid" 2> /dev/null || true
      echo "propagation: server $pid did not stop within 10 s of SIGTERM" >&2
      status=1
    fi
    code=0
    wait "$pid" || code=$?
    [ "$code" -eq 0 ] || { echo "propagation: server $pid ended with status $code" >&2; status=1; }
  done
  pids=()
  return "$status"
}

cleanup() {
  local status=$?
  stop_servers || status=1
  [ -z "$pg_url" ] || [ -n "${PG_KEEP_DB:-}" ] || drop_database "$pg_url" sasaran_propagation || true
  [ -z "$cluster" ] || tests/pg/pg_cluster.sh stop "$cluster" > /dev/null 2>&1 || true
  if [ "$status" -eq 0 ] && [ -z "${KEEP:-}" ]; then rm -rf "$work"; else echo "propagation: logs kept in $work" >&2; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[ -x "$sasaran" ] || { echo "propagation: no sasaran at $sasaran" >&2; exit 1; }
command -v wrk > /dev/null || scripts/install-deps.sh wrk > /dev/null

if [ "${PG_CLUSTER:-0}" = 1 ] && [ -z "$pg_url" ]; then
  [ -x tests/pg/pg_cluster.sh ] || { echo "propagation: PG_CLUSTER=1 needs tests/pg/pg_cluster.sh" >&2; exit 1; }
  cluster=$work/pg
  chmod 755 "$work"  # the server runs as postgres when we are root, and must reach its folder
  pg_url=$(tests/pg/pg_cluster.sh start "$cluster" | tail -n 1)
fi
if [ -n "$pg_url" ]; then
  db=$(fresh_database "$pg_url" sasaran_propagation)
else
  db=$work/sasaran.sqlite
fi

started=$SECONDS
# In the work folder: a sasaran that takes a URL for a file name leaves the file there.
(cd "$work" && "$sasaran" import "$root/datasets/jakarta.json" --db "$db" > "$work/import.log" 2>&1) ||
  { tail -n 20 "$work/import.log" >&2; exit 1; }
[ -z "$pg_url" ] || holds_a_store "$db" ||
  { echo "propagation: $sasaran wrote no table into PostgreSQL: it does not take --db postgresql://... yet" >&2; exit 1; }
echo "# Jakarta imported into ${pg_url:+PostgreSQL }${pg_url:-SQLite} in $((SECONDS - started)) s"
# The first collaborator the import accepted that is no agregator, as tests/http takes it.
token=
while IFS=, read -r id _ kind _; do
  [ "$kind" != agregator ] || continue
  token=$("$sasaran" token create --db "$db" --role collaborator --collaborator "$id" 2>> "$work/token.log" | head -n 1) || true
  [ -z "$token" ] || break
done < <(tail -n +2 "$SASARAN_DATASETS/jakarta/collaborators.csv")
[ -n "$token" ] || { echo "propagation: no collaborator token:" >&2; tail -n 5 "$work/token.log" >&2; exit 1; }

urls=()
for i in $(seq "$servers"); do
  "$sasaran" serve --db "$db" --host 127.0.0.1 --port 0 --threads "$threads" \
    > "$work/serve$i.out" 2> "$work/serve$i.log" &
  pids+=($!)
done
for i in $(seq "$servers"); do
  wait_for_server "$work/serve$i.out" "${pids[$((i - 1))]}" "$work/serve$i.log" ||
    { echo "propagation: server $i: $server_wait_error" >&2; exit 1; }
  urls+=("$base_url")
done
a=${urls[0]}
b=${urls[$((servers > 1 ? 1 : 0))]}
echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); sasaran $(git rev-parse --short HEAD); A $a, B $b, $threads threads each"

status=0
python3 bench/propagation.py --a "$a" --b "$b" --token "$token" \
  --points "$bench_inputs/query_points_10k.csv" --pledges "${PLEDGES:-200}" \
  --load-seconds "${LOAD_SECONDS:-10}" --load-connections "${LOAD_CONNECTIONS:-2}" \
  --watch "${WATCH:-target}" || status=$?
echo "# $(date -u +%FT%TZ) done, load $(cut -d' ' -f1-3 /proc/loadavg)"
stop_servers || status=1
for i in $(seq "$servers"); do
  if grep -Ei 'error|warn|sanitizer' "$work/serve$i.log" >&2; then
    echo "propagation: server $i's log has the errors above" >&2
    status=1
  fi
done
exit "$status"
