#!/usr/bin/env bash
# Benchmark (not a test): updating the target registry of an imported Jakarta database.
#   full_replacement  every target id new (the old ones removed, or retired when pledged;
#                     --allow-removals), wall time and peak RSS of `sasaran import`
#   update_5pct       5% of the rows changed (their need), 1% new, 1% gone
#   switch_over       the 5% update imported into the database a server is serving while wrk
#                     drives the tiles browsing mix (as a collaborator) and nearest-10, 2
#                     connections each: the time from the import's end (its commit) until the
#                     API answers a new target, and wrk's p99 and errors over the whole window
# Usage: bench/update.sh      REPS=3 bench/update.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export SASARAN_DATASETS=${SASARAN_DATASETS:-$(cd .. && pwd)/shared/datasets}
bench_inputs=${BENCH_INPUTS:-$(cd .. && pwd)/shared/bench}
reps=${REPS:-3}
work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2> /dev/null && wait "$server_pid" 2> /dev/null
  rm -rf "$work"
}
trap cleanup EXIT
scripts/install-deps.sh wrk curl sqlite3 python3 time bc > /dev/null
[ -x build/cli/sasaran ] || scripts/build.sh release > /dev/null
sasaran=build/cli/sasaran
targets=$SASARAN_DATASETS/jakarta/targets_250k.csv

$sasaran import datasets/jakarta.json --db "$work/base.sqlite" > /dev/null 2>&1
# The two files, made from the registry with a fixed seed.
python3 - "$targets" "$work" << 'EOF'
import csv, random, sys
source, out = sys.argv[1], sys.argv[2]
rows = list(csv.reader(open(source, newline='')))
head, body = rows[0], rows[1:]
n = len(body)
order = list(range(n))
random.Random(12).shuffle(order)
gone = set(order[:n // 100])
changed = set(order[n // 100:n // 100 + n // 20])
need = head.index('need')
update = [head]
for i, r in enumerate(body):
    if i in gone:
        continue
    if i in changed:
        r = r[:need] + [r[need] + ' (dinilai ulang)'] + r[need + 1:]
    update.append(r)
for k, i in enumerate(order[n // 100 + n // 20:n // 50 + n // 20]):
    update.append(['U%07d' % k] + body[i][1:])
csv.writer(open(out + '/targets_5pct.csv', 'w', newline='')).writerows(update)
replaced = [head] + [['R' + r[0][1:]] + r[1:] for r in body]
csv.writer(open(out + '/targets_replaced.csv', 'w', newline='')).writerows(replaced)
EOF

now() { date +%s.%N; }
echo "what	rep	wall_s	peak_rss_mb	changes"
timed_import() {  # label rep file
  cp "$work/base.sqlite" "$work/u.sqlite"
  local start end
  start=$(now)
  /usr/bin/time -f %M -o "$work/rss" $sasaran import --table targets "$3" --db "$work/u.sqlite" \
    --allow-removals > /dev/null 2>&1
  end=$(now)
  changes=$(sqlite3 "$work/u.sqlite" "SELECT group_concat(change || '=' || (length(keys) - length(replace(keys, char(10), ''))), ' ')
    FROM import_changes WHERE run_id = (SELECT max(id) FROM import_runs)")
  printf "%s\t%s\t%.2f\t%d\t%s\n" "$1" "$2" "$(echo "$end - $start" | bc)" $(($(cat "$work/rss") / 1024)) "$changes"
}
for rep in $(seq 1 "$reps"); do
  timed_import full_replacement "$rep" "$work/targets_replaced.csv"
  timed_import update_5pct "$rep" "$work/targets_5pct.csv"
done

echo
echo "# Ctrl-C: SIGINT at DELAY s into the full replacement; seconds until the process ended (exit 130, nothing stored)"
echo "what	delay_s	exit	ended_after_s"
for delay in 0.3 0.8 1.5 2.5 3.5 4.5; do
  cp "$work/base.sqlite" "$work/c.sqlite"
  $sasaran import --table targets "$work/targets_replaced.csv" --db "$work/c.sqlite" --allow-removals > /dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  signalled=$(now)
  kill -INT "$pid" 2> /dev/null || true
  code=0
  wait "$pid" || code=$?
  printf "interrupt\t%s\t%s\t%.2f\n" "$delay" "$code" "$(echo "$(now) - $signalled" | bc)"
done

echo
echo "# switch-over: wrk (tiles mix as a collaborator, nearest-10; 2 connections each) while the 5% update lands"
echo "# tiles:   what rep seen_after_s server_load_s wrk rps p50_ms p99_ms mean_ms max_ms requests bytes_per_answer errors"
echo "# nearest: what rep seen_after_s server_load_s wrk rps p50_ms p90_ms p99_ms mean_ms max_ms requests errors"
giver=$(awk -F, 'NR > 1 && $3 != "agregator" {print $1; exit}' "$SASARAN_DATASETS/jakarta/collaborators.csv")
for rep in $(seq 1 "$reps"); do
  cp "$work/base.sqlite" "$work/s.sqlite"
  token=$($sasaran token create --db "$work/s.sqlite" --role collaborator --collaborator "$giver" 2> /dev/null | head -1)
  admin=$($sasaran token create --db "$work/s.sqlite" --role admin 2> /dev/null | head -1)
  $sasaran serve --db "$work/s.sqlite" --port 0 > "$work/serve.out" 2> "$work/serve.err" &
  server_pid=$!
  for _ in $(seq 1 600); do grep -q '^sasaran serve: ready' "$work/serve.out" && break; sleep 0.2; done
  base=$(sed -n 's/^sasaran serve: listening on //p' "$work/serve.out")
  for _ in $(seq 1 300); do
    curl -s -H "Authorization: Bearer $admin" "$base/metrics" | grep -q '^sasaran_tile_zooms_prepared 23$' && break
    sleep 0.1
  done
  MIX=$bench_inputs/tiles_browse_mix.txt WRK_PREFIX="/tiles/kelurahan,rw,targets/" WRK_SUFFIX=.mvt \
    WRK_MIX_SCRIPT=$bench_inputs/anchors/wrk_mix.lua WRK_TOKEN=$token \
    wrk -t1 -c2 -d12s --timeout 10s -s bench/wrk_tiles.lua "$base" > "$work/wrk_tiles.txt" &
  tiles_pid=$!
  QUERY=nearest TOKEN=$token POINTS=$bench_inputs/query_points_10k.csv \
    wrk -t1 -c2 -d12s --timeout 10s -s bench/wrk_queries.lua "$base" > "$work/wrk_nearest.txt" &
  nearest_pid=$!
  sleep 3
  $sasaran import --table targets "$work/targets_5pct.csv" --db "$work/s.sqlite" > /dev/null 2>&1
  committed=$(now)
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $admin" "$base/api/v1/targets/U0000000")" = 200 ]; do
    sleep 0.02
  done
  seen=$(now)
  wait "$tiles_pid" "$nearest_pid"
  load=$(sed -n 's/.*following the store.*loaded in \([0-9.]*\) s/\1/p' "$work/serve.err")
  for w in tiles nearest; do
    printf "switch_over\t%s\t%.2f\t%s\t%s\t%s\n" "$rep" "$(echo "$seen - $committed" | bc)" "$load" "$w" \
      "$(grep WRKSUM "$work/wrk_$w.txt" | cut -f2-)"
  done
  kill "$server_pid"
  wait "$server_pid" || true
  server_pid=
done
