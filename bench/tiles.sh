#!/usr/bin/env bash
# Benchmark (not a test): vector tiles over HTTP with wrk on loopback, keep-alive, over the
# browsing mix of ../shared/bench/tiles_browse_mix.txt (1,730 tiles, z10-z16), per source and
# for the map's composite, cold (--tile-cache-mb 0: every tile built) and warm (cache on,
# after one pass over the mix). Prints tiles/s, p50/p99 and bytes per tile (gzip accepted),
# and the largest tile of the mix per source, raw.
# Usage: bench/tiles.sh      DUR=10 CONNECTIONS=2 bench/tiles.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export SASARAN_DATASETS=${SASARAN_DATASETS:-$(cd .. && pwd)/shared/datasets}
bench_inputs=${BENCH_INPUTS:-$(cd .. && pwd)/shared/bench}
dur=${DUR:-10}
connections=${CONNECTIONS:-2}
work=$(mktemp -d)
server_pid=
stop() { [ -n "$server_pid" ] && kill "$server_pid" 2> /dev/null && wait "$server_pid" 2> /dev/null; server_pid=; }
trap 'stop; rm -rf "$work"' EXIT
scripts/install-deps.sh wrk curl > /dev/null
[ -x build/cli/sasaran ] || scripts/build.sh release > /dev/null
[ -f data/sasaran.sqlite ] || build/cli/sasaran import datasets/jakarta.json --db data/sasaran.sqlite > /dev/null

start() {  # cache megabytes
  build/cli/sasaran serve --db data/sasaran.sqlite --port 0 --tile-cache-mb "$1" > "$work/serve.out" 2> "$work/serve.err" &
  server_pid=$!
  for _ in $(seq 1 100); do grep -q listening "$work/serve.out" && break; sleep 0.2; done
  base=$(sed -n 's/^sasaran serve: listening on //p' "$work/serve.out")
}
measure() {  # label sources
  MIX=$bench_inputs/tiles_browse_mix.txt WRK_PREFIX="/tiles/$2/" WRK_SUFFIX=.mvt \
    wrk -t2 -c"$connections" -d"${dur}s" --timeout 10s -s "$bench_inputs/anchors/wrk_mix.lua" "$base" |
    grep WRKSUM | cut -f2- | sed "s/^/$1\t$2\t/"
}
largest() {  # sources
  local max=0 where=
  while read -r t; do
    size=$(curl -s -o /dev/null -w '%{size_download}' "$base/tiles/$1/$t.mvt")
    [ "$size" -gt "$max" ] && max=$size && where=$t
  done < "$bench_inputs/tiles_browse_mix.txt"
  printf "largest\t%s\t%s bytes at %s\n" "$1" "$max" "$where"
}

echo "cache	sources	tiles_per_s	p50_ms	p99_ms	mean_ms	max_ms	requests	bytes_per_tile	errors"
for cache in 0 512; do
  start "$cache"
  label=$([ "$cache" = 0 ] && echo cold || echo warm)
  for sources in kelurahan rw rt kelurahan,rw,rt; do
    if [ "$cache" != 0 ]; then  # one pass over the mix fills the cache
      sed "s|^|$base/tiles/$sources/|; s|$|.mvt|" "$bench_inputs/tiles_browse_mix.txt" |
        xargs -n 200 curl -s > /dev/null
    fi
    measure "$label" "$sources"
  done
  [ "$cache" = 0 ] && for sources in kelurahan rw rt kelurahan,rw,rt; do largest "$sources"; done
  stop
done
