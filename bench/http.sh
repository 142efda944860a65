#!/usr/bin/env bash
# Benchmark (not a test): the HTTP API on loopback with wrk, keep-alive, over the fixed
# query points of ../shared/bench/query_points_10k.csv: nearest-10 open targets (as a
# collaborator: coarse positions) and admin lookup, at 2 and 8 connections, REPS times; then
# durable pledges (one POST per open target, each committed with fsync before its 201) at 1 and
# 2 connections. With ANCHORS=1 the same sitting also runs PostGIS's pgbench of the same
# queries (../shared/bench/anchors, OPS="knn admin", 1 and 2 clients, bare SQL).
# Usage: bench/http.sh      REPS=3 DUR=10 ANCHORS=1 bench/http.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export SASARAN_DATASETS=${SASARAN_DATASETS:-$(cd .. && pwd)/shared/datasets}
bench_inputs=${BENCH_INPUTS:-$(cd .. && pwd)/shared/bench}
anchors=$bench_inputs/anchors
reps=${REPS:-3}
dur=${DUR:-10}
work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2> /dev/null && wait "$server_pid" 2> /dev/null
  rm -rf "$work"
}
trap cleanup EXIT
scripts/install-deps.sh wrk sqlite3 > /dev/null
[ -x build/cli/sasaran ] || scripts/build.sh release > /dev/null
sasaran=build/cli/sasaran

db=$work/bench.sqlite
if [ -f data/sasaran.sqlite ]; then
  sqlite3 data/sasaran.sqlite ".backup '$db'"
else
  $sasaran import datasets/jakarta.json --db "$db" > /dev/null
fi
giver=$(awk -F, 'NR > 1 && $3 != "agregator" {print $1; exit}' "$SASARAN_DATASETS/jakarta/collaborators.csv")
collaborator=$($sasaran token create --db "$db" --role collaborator --collaborator "$giver" 2> /dev/null | head -1)
sqlite3 "$db" "SELECT id FROM targets WHERE id NOT IN
  (SELECT target_id FROM pledges WHERE status IN ('committed', 'delivered')) ORDER BY random();" \
  > "$work/open_targets.txt"

$sasaran serve --db "$db" --port 0 --threads "${THREADS:-2}" > "$work/serve.out" 2> "$work/serve.err" &
server_pid=$!
for _ in $(seq 1 600); do grep -q '^sasaran serve: ready' "$work/serve.out" && break; sleep 0.2; done
base=$(sed -n 's/^sasaran serve: listening on //p' "$work/serve.out")
[ -n "$base" ] || { cat "$work/serve.err" >&2; exit 1; }
echo "# server: $base ($(grep loaded "$work/serve.err"))"

echo "what	rep	connections	rps	p50_ms	p90_ms	p99_ms	mean_ms	max_ms	requests	errors"
query() {  # name query connections
  local line
  line=$(QUERY=$2 TOKEN=$collaborator POINTS=$bench_inputs/query_points_10k.csv \
    wrk -t2 -c"$3" -d"${dur}s" --timeout 5s -s bench/wrk_queries.lua "$base" | grep WRKSUM | cut -f2-)
  printf "%s\t%s\t%s\t%s\n" "$1" "$rep" "$3" "$line"
}
for rep in $(seq 1 "$reps"); do
  for c in 2 8; do
    query nearest_10_http nearest "$c"
    query lookup_http lookup "$c"
  done
done
for c in 1 2; do
  line=$(TOKEN=$collaborator TARGETS=$work/open_targets.txt FIRST=$((c * 20000)) \
    wrk -t"$c" -c"$c" -d"${dur}s" --timeout 5s -s bench/wrk_pledges.lua "$base" | grep WRKSUM | cut -f2-)
  printf "durable_pledge\t1\t%s\t%s\n" "$c" "$line"
done

if [ "${ANCHORS:-0}" = 1 ]; then
  scripts/install-deps.sh postgresql-15 postgresql-15-postgis-3 postgresql-contrib bc > /dev/null
  (cd "$anchors" && ./10_pg_setup.sh && LOAD_REP=1 ./11_pg_load.sh \
     && . ./env.sh && psql -q -f 12_pg_functions.sql \
     && OPS="knn admin" REPS=$reps DUR=$dur ./13_pg_bench.sh) > "$work/pg.log" 2>&1 \
    || { tail -20 "$work/pg.log" >&2; exit 1; }
  echo "# PostGIS pgbench (bare SQL): op rep clients tps n_tx p50_ms p90_ms p99_ms mean_ms max_ms"
  cat /tmp/anchors/results/pg_bench.tsv
fi
