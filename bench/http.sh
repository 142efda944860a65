#!/usr/bin/env bash
# Benchmark (not a test): the HTTP API on loopback with wrk, keep-alive, REPS times:
# - nearest-10 open targets (as a collaborator: coarse positions) and admin lookup over the fixed
#   query points of ../shared/bench/query_points_10k.csv, at 2 and 8 connections;
# - kelurahan GeoJSON per z12 box (OGC items in the 16 boxes of the anchors' `geojson` query:
#   bench/z12_boxes.py) and the RW ranking (first page of 50, the RWs under 20% pledged as the
#   anchors' `coverage_low`, and limit=1000), each without and with Accept-Encoding: gzip, at 2
#   connections, and the boxes again revalidated with each answer's ETag (If-None-Match);
# then durable pledges (one POST per open target, each committed with fsync before its 201) at 1
# and 2 connections. With ANCHORS=1 each repetition also runs PostGIS's pgbench of the same
# queries (../shared/bench/anchors, OPS="knn admin geojson coverage_low", 1 and 2 clients, bare
# SQL) and the end prints ratios to it at 2 connections (median over the repetitions).
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
if [ "${ANCHORS:-0}" = 1 ]; then
  . bench/tiles_anchors.sh
  anchors_prepare
  trap 'postgis_stop; cleanup' EXIT
fi

python3 bench/z12_boxes.py "$bench_inputs/tiles_browse_mix.txt" kelurahan > "$work/geojson_boxes.txt"
ranking='/api/v1/coverage?level=rw&sort=unserved'
echo "$ranking" > "$work/ranking_first_page.txt"
echo "$ranking&max_ratio=0.2" > "$work/ranking_low.txt"
echo "$ranking&limit=1000" > "$work/ranking_1000.txt"

echo "what	rep	connections	rps	p50_ms	p90_ms	p99_ms	mean_ms	max_ms	requests	errors"
query() {  # name query connections
  local line
  line=$(QUERY=$2 TOKEN=$collaborator POINTS=$bench_inputs/query_points_10k.csv \
    wrk -t2 -c"$3" -d"${dur}s" --timeout 5s -s bench/wrk_queries.lua "$base" | grep WRKSUM | cut -f2-)
  printf "%s\t%s\t%s\t%s\n" "$1" "$rep" "$3" "$line"
}
paths() {  # name paths-file gzip(0/1) connections [etags(0/1)]
  local line
  line=$(PATHS=$2 GZIP=$3 ETAGS=${5:-0} TOKEN=$collaborator \
    wrk -t2 -c"$4" -d"${dur}s" --timeout 5s -s bench/wrk_paths.lua "$base" | grep WRKSUM | cut -f2-)
  printf "%s%s\t%s\t%s\t%s\n" "$1" "$([ "$3" = 1 ] && echo _gzip)" "$rep" "$4" "$line"
}
for rep in $(seq 1 "$reps"); do
  for c in 2 8; do
    query nearest_10_http nearest "$c"
    query lookup_http lookup "$c"
  done
  for gz in 0 1; do
    paths geojson_box "$work/geojson_boxes.txt" "$gz" 2
    paths ranking_first_page "$work/ranking_first_page.txt" "$gz" 2
    paths ranking_low "$work/ranking_low.txt" "$gz" 2
    paths ranking_1000 "$work/ranking_1000.txt" "$gz" 2
  done
  paths geojson_box_revalidated "$work/geojson_boxes.txt" 1 2 1  # as a browser's second look
  if [ "${ANCHORS:-0}" = 1 ]; then
    postgis_bench "knn admin geojson coverage_low" "$rep" >> "$work/postgis.tsv"
  fi
done | tee "$work/ours.tsv"
for c in 1 2; do
  line=$(TOKEN=$collaborator TARGETS=$work/open_targets.txt FIRST=$((c * 20000)) \
    wrk -t"$c" -c"$c" -d"${dur}s" --timeout 5s -s bench/wrk_pledges.lua "$base" | grep WRKSUM | cut -f2-)
  printf "durable_pledge\t1\t%s\t%s\n" "$c" "$line"
done

if [ "${ANCHORS:-0}" = 1 ]; then
  echo "# PostGIS pgbench (bare SQL): postgis rep op clients tps n_tx p50_ms p90_ms p99_ms mean_ms max_ms"
  cat "$work/postgis.tsv"
  echo "# ratios at 2 connections / 2 clients (same sitting, medians over the reps): ours theirs ratio"
  awk 'BEGIN { FS = OFS = "\t"
         them["nearest_10_http"] = "knn"; them["lookup_http"] = "admin"
         them["geojson_box"] = "geojson"; them["geojson_box_gzip"] = "geojson"
         split("ranking_first_page ranking_first_page_gzip ranking_low ranking_low_gzip ranking_1000 ranking_1000_gzip", r, " ")
         for (i in r) them[r[i]] = "coverage_low" }
       function median(list,   n, a, i, j, t) {
         n = split(list, a, " ")
         for (i = 1; i <= n; ++i) for (j = i + 1; j <= n; ++j) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
         return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
       FILENAME ~ /postgis/ { if ($4 == 2) pg[$3] = pg[$3] " " $5; next }
       $3 == 2 && $11 == 0 { ours[$1] = ours[$1] " " $4 }
       END { for (w in ours) if (w in them && them[w] in pg) {
               o = median(ours[w]); p = median(pg[them[w]])
               printf "ratio\t%s\t%s\t%.0f\t%.0f\t%.2f\n", w, them[w], o, p, o / p } }' \
    "$work/postgis.tsv" "$work/ours.tsv" | sort
fi
