#!/usr/bin/env bash
# Benchmark (not a test): vector tiles over HTTP with wrk on loopback, keep-alive, Accept-Encoding:
# gzip, over the browsing mix of ../shared/bench/tiles_browse_mix.txt (1,730 tiles, z10-z16), per
# source and for the map's composite, cold (--tile-cache-mb 0: every tile built) and warm (cache
# on, after one pass over the mix; the composite also at 50 connections), and the largest tile of
# the mix per source, raw. Then invalidation: wrk over the warm composite while a loop, one pledge
# at a time, fetches the composite tile at an open target (z10 to z16 in turn), pledges for the
# target (durable: committed with fsync before its 201) and fetches the tile again with
# If-None-Match (200: it changed; 304: it did not).
# With ANCHORS=1 each repetition also measures, from ../shared/bench/anchors (bench/tiles_anchors.sh):
# PostGIS ST_AsMVT over the same mix (13_pg_bench.sh, mix_tile_kel, mix_tile_rw, mix_tile_all: bare
# SQL, 1 and 2 clients) and nginx serving our gzipped composite tiles of the mix as static files
# (the HTTP ceiling of this machine) at CONNECTIONS and 50 connections; then it prints ratios.
# Usage: bench/tiles.sh      DUR=10 CONNECTIONS=2 REPS=1 ANCHORS=1 bench/tiles.sh
#        SOURCES="kelurahan rw rt" COMPOSITE=kelurahan,rw,rt bench/tiles.sh  (a server without targets)
set -euo pipefail
sources=${SOURCES:-kelurahan rw rt targets}
composite=${COMPOSITE:-kelurahan,rw,targets}
cd "$(dirname "$0")/.."
export SASARAN_DATASETS=${SASARAN_DATASETS:-$(cd .. && pwd)/shared/datasets}
bench_inputs=${BENCH_INPUTS:-$(cd .. && pwd)/shared/bench}
anchors=$bench_inputs/anchors
mix=$bench_inputs/tiles_browse_mix.txt
dur=${DUR:-10}
connections=${CONNECTIONS:-2}
reps=${REPS:-1}
with_anchors=${ANCHORS:-0}
pg_ops=${PG_OPS:-mix_tile_kel mix_tile_rw mix_tile_tg mix_tile_all}
work=$(mktemp -d)
chmod 755 "$work"  # nginx's workers (nobody) read the tile tree under it
server_pid=
wrk_pid=
stop() { [ -n "$server_pid" ] && kill "$server_pid" 2> /dev/null && wait "$server_pid" 2> /dev/null; server_pid=; }
cleanup() {
  [ -n "$wrk_pid" ] && kill "$wrk_pid" 2> /dev/null
  stop
  if [ "$with_anchors" = 1 ]; then nginx_stop; postgis_stop; fi
  rm -rf "$work"
}
trap cleanup EXIT
scripts/install-deps.sh wrk curl sqlite3 > /dev/null
[ -x build/cli/sasaran ] || scripts/build.sh release > /dev/null
sasaran=build/cli/sasaran

db=$work/bench.sqlite  # a copy: the invalidation part writes pledges
if [ -f data/sasaran.sqlite ]; then
  sqlite3 data/sasaran.sqlite ".backup '$db'"
else
  $sasaran import datasets/jakarta.json --db "$db" > /dev/null
fi
giver=$(awk -F, 'NR > 1 && $3 != "agregator" {print $1; exit}' "$SASARAN_DATASETS/jakarta/collaborators.csv")
token=$($sasaran token create --db "$db" --role collaborator --collaborator "$giver" 2> /dev/null | head -1)
admin=$($sasaran token create --db "$db" --role admin 2> /dev/null | head -1)  # for /metrics
sqlite3 -separator ' ' "$db" "SELECT id, lon, lat FROM targets WHERE lon IS NOT NULL AND rt_code IS NOT NULL
  AND id NOT IN (SELECT target_id FROM pledges WHERE status IN ('committed', 'delivered')) ORDER BY random();" \
  > "$work/open_targets.txt"
if [ "$with_anchors" = 1 ]; then
  . bench/tiles_anchors.sh
  anchors_prepare
fi

start() {  # cache megabytes
  $sasaran serve --db "$db" --port 0 --tile-cache-mb "$1" > "$work/serve.out" 2> "$work/serve.err" &
  server_pid=$!
  for _ in $(seq 1 600); do grep -q '^sasaran serve: ready' "$work/serve.out" && break; sleep 0.2; done
  base=$(sed -n 's/^sasaran serve: listening on //p' "$work/serve.out")
  [ -n "$base" ] || { cat "$work/serve.err" >&2; exit 1; }
  # The server simplifies every zoom in the background from start (a one-time cost, like
  # PostGIS's load): measure tiles after it, not beside it.
  for _ in $(seq 1 300); do
    curl -s -H "Authorization: Bearer $admin" "$base/metrics" | grep -q '^sasaran_tile_zooms_prepared 23$' && break
    sleep 0.1
  done
}
measure() {  # label sources connections: anonymous, and as a collaborator when the tiles show targets
  MIX=$mix WRK_PREFIX="/tiles/$2/" WRK_SUFFIX=.mvt WRK_MIX_SCRIPT=$anchors/wrk_mix.lua WRK_TOKEN= \
    wrk -t2 -c"$3" -d"${dur}s" --timeout 10s -s bench/wrk_tiles.lua "$base" |
    grep WRKSUM | cut -f2- | sed "s/^/$1\t$rep\t$2\t$3\t/"
  case $2 in *targets*) ;; *) return ;; esac
  MIX=$mix WRK_PREFIX="/tiles/$2/" WRK_SUFFIX=.mvt WRK_MIX_SCRIPT=$anchors/wrk_mix.lua WRK_TOKEN=$token \
    wrk -t2 -c"$3" -d"${dur}s" --timeout 10s -s bench/wrk_tiles.lua "$base" |
    grep WRKSUM | cut -f2- | sed "s/^/$1\t$rep\t$2@collaborator\t$3\t/"
}
each_tile() {  # sources output: a curl config fetching every tile of the mix to output/z/x/y.mvt
  awk -v url="$base/tiles/$1/" -v out="$2" \
    '{ print "url = \"" url $1 ".mvt\""
       print "output = \"" (out == "/dev/null" ? out : out "/" $1 ".mvt") "\"" }' "$mix"
}
fill() {  # sources [tree]: one pass over the mix, anonymous and, for targets, as a collaborator;
  # with a tree, the gzipped answers (the collaborator's, for targets) are kept as tree/z/x/y.mvt
  local auth=()
  case $1 in *targets*)
    each_tile "$1" /dev/null | curl -s -H 'Accept-Encoding: gzip' -K - > /dev/null
    auth=(-H "Authorization: Bearer $token") ;;
  esac
  each_tile "$1" "${2:-/dev/null}" |
    curl -s --create-dirs -H 'Accept-Encoding: gzip' "${auth[@]}" -K - -w '%{http_code}\n' > "$work/fill.codes"
  if grep -qv '^20[04]$' "$work/fill.codes"; then
    echo "tiles of $1: $(sort "$work/fill.codes" | uniq -c | tr -s ' \n' ' ')" >&2
    exit 1
  fi
  if [ -n "${2:-}" ]; then  # an empty tile (204) leaves no file: nginx answers it from an empty one
    while read -r t; do [ -f "$2/$t.mvt" ] || : > "$2/$t.mvt"; done < "$mix"
    chmod -R a+rX "$2"  # curl --create-dirs makes folders 0750
  fi
}
largest() {  # sources (as a collaborator, who sees the most of targets short of an admin)
  each_tile "$1" /dev/null | curl -s -H "Authorization: Bearer $token" -K - -w '%{size_download} %{url_effective}\n' | sort -n | tail -1 |
    sed "s|^\([0-9]*\) $base/tiles/$1/\(.*\)\.mvt|largest\t$rep\t$1\t\1 bytes raw at \2|"
}
check_sources() {
  for s in $sources $composite; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$base/tiles/$s.json")
    [ "$code" = 200 ] && continue
    echo "source $s: $code from $base/tiles/$s.json (set SOURCES and COMPOSITE to sources this server has)" >&2
    exit 1
  done
}

echo "# cold|warm|nginx rep sources connections tiles_per_s p50_ms p99_ms mean_ms max_ms requests bytes_per_tile errors"
echo "# largest rep sources size; postgis rep op clients tiles_per_s n_tx p50_ms p90_ms p99_ms mean_ms max_ms"
if [ "$connections" = 50 ]; then conns_warm=(50); else conns_warm=("$connections" 50); fi
for rep in $(seq 1 "$reps"); do
  start 0
  if [ "$rep" = 1 ]; then check_sources; echo "# server: $base ($(grep loaded "$work/serve.err"))"; fi
  for s in $sources $composite; do measure cold "$s" "$connections"; done | tee -a "$work/results.tsv"
  if [ "$rep" = 1 ]; then for s in $sources $composite; do largest "$s"; done; fi
  stop

  if [ "$with_anchors" = 1 ]; then postgis_bench "$pg_ops" "$rep" | tee -a "$work/results.tsv"; fi

  start 512
  for s in $sources $composite; do
    if [ "$s" = "$composite" ] && [ "$rep" = 1 ]; then fill "$s" "$work/tree"; else fill "$s"; fi
    for c in $([ "$s" = "$composite" ] && echo "${conns_warm[@]}" || echo "$connections"); do
      measure warm "$s" "$c"
    done
  done | tee -a "$work/results.tsv"
  stop

  if [ "$with_anchors" = 1 ]; then
    [ "$rep" = 1 ] && find "$work/tree" -type f -printf '%s\n' | awk -v s="$composite" '{ n++; b += $1 } END {
      printf "# nginx serves our gzipped %s tiles of the mix (as a collaborator sees them): %d files, %.0f bytes each on average\n", s, n, b / n }'
    nginx_bench "$work/tree" "$composite" "$rep" "${conns_warm[@]}" | tee -a "$work/results.tsv"
  fi
done

# Invalidation
tile_at() {  # z lon lat -> z/x/y (Web Mercator XYZ)
  awk -v z="$1" -v lon="$2" -v lat="$3" 'BEGIN { pi = atan2(0, -1); n = 2 ^ z; r = lat * pi / 180
    y = (1 - log(sin(r) / cos(r) + 1 / cos(r)) / pi) / 2
    printf "%d/%d/%d\n", z, int((lon + 180) / 360 * n), int(y * n) }'
}
pledge_histogram() {  # from /metrics: pledges answered within 1 ms, within 2.5 ms, all, seconds in all
  curl -s -H "Authorization: Bearer $admin" "$base/metrics" | awk '
    /_bucket\{route="\/api\/v1\/pledges",le="0.001"\}/ { a = $2 }
    /_bucket\{route="\/api\/v1\/pledges",le="0.0025"\}/ { b = $2 }
    /_count\{route="\/api\/v1\/pledges"\}/ { n = $2 }
    /_sum\{route="\/api\/v1\/pledges"\}/ { s = $2 }
    END { print a + 0, b + 0, n + 0, s + 0 }'
}
percentiles() {  # values on stdin (seconds) -> "n p50_ms p99_ms max_ms"
  sort -g | awk '{ v[NR] = $1 * 1000 } END {
    if (NR == 0) { print "0 - - -"; exit }
    printf "%d %.3f %.3f %.3f\n", NR, v[int(0.5 * (NR - 1) + 1.5)], v[int(0.99 * (NR - 1) + 1.5)], v[NR] }'
}
echo "# invalidation: warm $composite under wrk -c$connections for ${dur}s while pledges are made one at a time"
start 512
fill "$composite"
read -r h_before <<< "$(pledge_histogram)"
MIX=$mix WRK_PREFIX="/tiles/$composite/" WRK_SUFFIX=.mvt \
  wrk -t2 -c"$connections" -d"${dur}s" --timeout 10s -s "$anchors/wrk_mix.lua" "$base" > "$work/inv_wrk.txt" &
wrk_pid=$!
i=0
while read -r id lon lat && kill -0 "$wrk_pid" 2> /dev/null; do
  tile=$(tile_at $((10 + i % 7)) "$lon" "$lat")
  i=$((i + 1))
  url=$base/tiles/$composite/$tile.mvt
  etag=$(curl -s -o /dev/null -D - -H 'Accept-Encoding: gzip' "$url" | tr -d '\r' |
    awk 'tolower($1) == "etag:" { print $2 }')
  [ -n "$etag" ] || continue
  pledged=$(curl -s -o /dev/null -w '%{http_code} %{time_connect} %{time_total}' -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d "{\"target\":\"$id\",\"form\":\"barang\",\"quantity\":1}" "$base/api/v1/pledges")
  again=$(curl -s -o /dev/null -w '%{http_code} %{time_connect} %{time_total}' -H 'Accept-Encoding: gzip' \
    -H "If-None-Match: $etag" "$url")
  echo "$tile $id $pledged $again" >> "$work/inv.txt"
done < "$work/open_targets.txt"
wait "$wrk_pid"
wrk_pid=
read -r h_after <<< "$(pledge_histogram)"
stop
grep WRKSUM "$work/inv_wrk.txt" | cut -f2- | sed "s/^/warm_pledging\t1\t$composite\t$connections\t/"
# inv.txt: tile target pledge_code pledge_connect pledge_total refetch_code refetch_connect refetch_total
echo "# pledges: n created(201) client_p50_ms client_p99_ms client_max_ms (request to answer, connection open)"
read -r n p50 p99 max <<< "$(awk '{ print $5 - $4 }' "$work/inv.txt" | percentiles)"
printf "pledges\t%s\t%s\t%s\t%s\t%s\n" "$n" "$(awk '$3 == 201' "$work/inv.txt" | wc -l)" "$p50" "$p99" "$max"
echo "# pledges, server side (/metrics histogram): n within_1ms within_2.5ms mean_ms"
echo "$h_before $h_after" | awk '{ n = $7 - $3; if (n > 0) printf "pledges_server\t%d\t%.0f%%\t%.0f%%\t%.3f\n",
  n, 100 * ($5 - $1) / n, 100 * ($6 - $2) / n, 1000 * ($8 - $4) / n; else print "pledges_server\t0" }'
echo "# refetch of the tile at the pledged target right after the 201: n changed(200) unchanged(304) p50_ms p99_ms max_ms"
read -r n p50 p99 max <<< "$(awk '{ print $8 - $7 }' "$work/inv.txt" | percentiles)"
printf "refetch\t%s\t%s\t%s\t%s\t%s\t%s\n" "$n" "$(awk '$6 == 200' "$work/inv.txt" | wc -l)" \
  "$(awk '$6 == 304' "$work/inv.txt" | wc -l)" "$p50" "$p99" "$max"
awk '$6 != 200 { print "# not changed: tile " $1 " after a pledge for " $2 " (pledge " $3 ", refetch " $6 ")" }' \
  "$work/inv.txt" | head -5

if [ "$with_anchors" = 1 ]; then
  echo "# ratios: rep what sources ratio ours theirs (same sitting; 'median' over the reps)"
  awk -v sources="$sources" -v composite="$composite" -v c="$connections" -v reps="$reps" '
    BEGIN { FS = OFS = "\t"; n = split(sources " " composite, list, " ")
            op["kelurahan"] = "mix_tile_kel"; op["rw"] = "mix_tile_rw"
            op["targets@collaborator"] = "mix_tile_tg"; op[composite "@collaborator"] = "mix_tile_all"
            list[++n] = "targets@collaborator"; list[++n] = composite "@collaborator" }
    $1 ~ /^(cold|warm|nginx)$/ && $12 > 0 { print "# no ratio from a run with errors: " $0 > "/dev/stderr"; next }
    $1 == "cold" && $4 == c { cold[$2, $3] = $5 }
    $1 == "warm" { warm[$2, $3, $4] = $5 }
    $1 == "postgis" && $4 == 2 { pg[$2, $3] = $5 }
    $1 == "nginx" { ngx[$2, $4] = $5 }
    END {
      for (r = 1; r <= reps; r++) {
        for (i = 1; i <= n; i++) {
          s = list[i]
          if ((r, s) in cold && (s in op) && (r, op[s]) in pg) {
            note = s ~ /^kelurahan,rw,targets/ || s !~ /,/ ? s : s " (PostGIS: kelurahan+rw+targets)"
            ours = cold[r, s]; theirs = pg[r, op[s]]
            print r, "ours_cold_c" c "/postgis_2_clients", note, sprintf("%.2f", ours / theirs), ours, theirs
          }
        }
        for (k = 0; k < 2; k++) {
          cc = k == 0 ? c : 50
          if (k == 1 && cc == c) continue
          for (v = 0; v < 2; v++) {
            cs = v == 0 ? composite : composite "@collaborator"
            if (!((r, cs, cc) in warm && (r, cc) in ngx)) continue
            ours = warm[r, cs, cc]; theirs = ngx[r, cc]
            print r, "ours_warm/nginx_c" cc, cs, sprintf("%.2f", ours / theirs), ours, theirs
          }
        }
      }
    }' "$work/results.tsv" | sed 's/^/ratio\t/' > "$work/ratios.tsv"
  cat "$work/ratios.tsv"
  if [ "$reps" -gt 1 ]; then
    sort -t$'\t' -k3,3 -k4,4 -k5,5g "$work/ratios.tsv" | awk 'BEGIN { FS = OFS = "\t" }
      function flush() {
        if (m) printf "ratio\tmedian\t%s\t%s\t%.2f\n", key3, key4, (v[int((m + 1) / 2)] + v[int(m / 2) + 1]) / 2
      }
      $3 != key3 || $4 != key4 { flush(); key3 = $3; key4 = $4; m = 0 }
      { v[++m] = $5 } END { flush() }'
  fi
fi
