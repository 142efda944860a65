#!/usr/bin/env bash
# Reads Sasaran's vector tiles with the independent npm decoder @mapbox/vector-tile: imports the
# Jakarta data into a temporary folder, starts `sasaran serve` there on a free port, runs
# vector_tile_reader.test.mjs against it with `node --test`, and stops the server whatever
# happens. Fails on a failing test, a server that does not start or stop cleanly (SIGTERM, exit
# 0 within 10 s), or an error in the server log. The folder is kept when something failed
# (or with SASARAN_KEEP_TEST_DIR set).
# Usage: tests/js/run_reader_test.sh <sasaran-binary>   (after `npm ci` in tests/js)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
sasaran=${1:?usage: run_reader_test.sh <sasaran-binary>}
datasets=${SASARAN_DATASETS:-$source_dir/../shared/datasets}

fail() {
  echo "run_reader_test: $*" >&2
  exit 1
}

# Without the decoder this test must fail, not pass by testing nothing.
command -v node > /dev/null || fail "node is not installed (scripts/install-deps.sh installs it)"
for module in @mapbox/vector-tile pbf; do
  [ -f "$here/node_modules/$module/package.json" ] ||
    fail "$here/node_modules/$module is missing: run 'npm ci' in tests/js (scripts/test.sh does)"
done
[ -x "$sasaran" ] || fail "no sasaran binary at '$sasaran'"

dir=$(mktemp -d "${TMPDIR:-/tmp}/sasaran-js.XXXXXX")
server_pid=

. "$here/../support/started_server.sh"  # alive, wait_for_server

stop_server() {
  [ -n "$server_pid" ] || return 0
  local pid=$server_pid status=0
  server_pid=
  kill -TERM "$pid" 2> /dev/null || true
  for _ in $(seq 100); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    kill -KILL "$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
    echo "run_reader_test: the server did not stop within 10 s of SIGTERM" >&2
    return 1
  fi
  wait "$pid" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "run_reader_test: the server ended with status $status after SIGTERM" >&2
    return 1
  fi
}

finish() {
  local status=$?
  stop_server || status=1
  if [ "$status" -eq 0 ] && [ -z "${SASARAN_KEEP_TEST_DIR:-}" ]; then
    rm -rf "$dir"
  else
    echo "run_reader_test: logs kept in $dir" >&2
  fi
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Each step has its own time limit, together below the ctest TIMEOUT, so that this script and
# not ctest ends a hung run, and the server is stopped.
started=$SECONDS
timeout 300 "$sasaran" import "$source_dir/datasets/jakarta.json" --db "$dir/sasaran.sqlite" \
  --datasets "$datasets" > "$dir/import.log" 2>&1 ||
  fail "the Jakarta import failed:"$'\n'"$(tail -n 20 "$dir/import.log")"
echo "run_reader_test: Jakarta imported in $((SECONDS - started)) s"

"$sasaran" serve --db "$dir/sasaran.sqlite" --host 127.0.0.1 --port 0 --threads 2 \
  > "$dir/serve.out" 2> "$dir/serve.log" &
server_pid=$!

wait_for_server "$dir/serve.out" "$server_pid" "$dir/serve.log" || fail "$server_wait_error"
echo "run_reader_test: serving on $base_url"

status=0
SASARAN_BASE_URL=$base_url timeout 240 \
  node --test --test-reporter=spec "$here/vector_tile_reader.test.mjs" || status=$?
stop_server || status=1
# As tests/http: a failed request (a 500) or any error or warning in the log fails the run.
if grep -Ei 'failed|error|warn|sanitizer' "$dir/serve.log" >&2; then
  echo "run_reader_test: the server log has the errors above" >&2
  status=1
fi
exit "$status"
