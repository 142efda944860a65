#!/usr/bin/env bash
# Benchmark (not a test): the web map's first view, as a visitor on a desktop sees it. Serves
# Jakarta (a copy of data/sasaran.sqlite, or a new import when there is none) with the built
# page, then bench/first_view.mjs opens `/` in headless Chromium (Debian's, driven by the
# browser tests' playwright-core) in a fresh profile at 1366x768, RUNS times (default 10): the
# time from navigation start to body[data-ready=true] (the mark sasaran:ready, set when the map
# has loaded its style and every first tile and issued their frame, nothing left to load), cold
# (a new empty profile: nothing cached) and warm (a second visit in the same profile), median
# and p90, each with the load average of the machine; also when the frame is on the screen (a
# screenshot taken at data-ready returns: without a GPU the software GL draws it later) and
# Chromium's CPU time. For the first cold load it also lists every request (start, end, bytes
# on the wire): what the first view waits for.
# WEB may name several page folders: each gets its own server, and the runs alternate between
# them, so that a before and an after meet the same load.
# Usage: bench/first_view.sh                 (build/cli/sasaran and web/dist of this tree)
#        RUNS=20 SASARAN=/work/main/build/cli/sasaran WEB="/tmp/before/dist web/dist" DB=data/sasaran.sqlite bench/first_view.sh
#        VIEWPORT=1920x1080 bench/first_view.sh
#        nice -n -10 bench/first_view.sh   (as root, on a machine busy with other work: the browser
#        and the server get the CPU first, nearer a quiet machine; say so with the figures)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export SASARAN_DATASETS=${SASARAN_DATASETS:-$(cd .. && pwd)/shared/datasets}
sasaran=${SASARAN:-build/cli/sasaran}
web=${WEB:-web/dist}
source_db=${DB:-data/sasaran.sqlite}
chromium=${SASARAN_CHROMIUM:-/usr/bin/chromium}
driver=$root/tests/browser/node_modules/playwright-core

[ -x "$sasaran" ] || { echo "first_view: no sasaran binary at $sasaran (scripts/build.sh release)" >&2; exit 1; }
[ -x "$chromium" ] || { echo "first_view: no Chromium at $chromium (apt-get install chromium)" >&2; exit 1; }
[ -d "$driver" ] || { echo "first_view: no $driver (npm ci in tests/browser)" >&2; exit 1; }

work=$(mktemp -d)
server_pids=()
cleanup() {
  for pid in "${server_pids[@]}"; do
    kill "$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# A copy: the server must never write to the original (it may migrate or log into it).
db=$work/bench.sqlite
if [ -f "$source_db" ]; then
  if command -v sqlite3 > /dev/null; then sqlite3 "$source_db" ".backup '$db'"; else cp "$source_db" "$db"; fi
else
  "$sasaran" import datasets/jakarta.json --db "$db" > /dev/null
fi

. tests/support/started_server.sh  # alive, wait_for_server
# One server per page folder (WEB may name several, measured in turn in the same sitting), each
# on its own copy of the data.
server_pids=()
urls=()
i=0
for dir in $web; do
  [ -f "$dir/index.html" ] || { echo "first_view: no $dir/index.html (scripts/build-web.sh)" >&2; exit 1; }
  [ "$i" = 0 ] || cp "$db" "$work/bench$i.sqlite"
  copy=$db
  [ "$i" = 0 ] || copy=$work/bench$i.sqlite
  "$sasaran" serve --db "$copy" --host 127.0.0.1 --port 0 --threads 2 --web "$dir" \
    > "$work/serve$i.out" 2> "$work/serve$i.log" &
  server_pid=$!
  server_pids+=("$server_pid")
  wait_for_server "$work/serve$i.out" "$server_pid" "$work/serve$i.log" ||
    { echo "first_view: $server_wait_error" >&2; exit 1; }
  urls+=("$dir=$base_url")
  i=$((i + 1))
done

echo "first_view: $(git rev-parse --short HEAD 2> /dev/null || echo '?')$(git diff --quiet 2> /dev/null || echo ' (modified)')," \
  "server $sasaran, $(nproc) cores, $(uptime | sed 's/.*load/load/')"
SASARAN_PAGES="${urls[*]}" SASARAN_CHROMIUM=$chromium PLAYWRIGHT_CORE=$driver \
  RUNS=${RUNS:-10} VIEWPORT=${VIEWPORT:-1366x768} node bench/first_view.mjs
