#!/usr/bin/env bash
# The web map's journeys in Debian's Chromium, driven by playwright-core: imports the Jakarta
# data into a temporary folder, makes a token per role with the CLI, starts `sasaran serve
# --web DIR` there on a free port, runs the *.test.mjs files here with `node --test` one after
# the other (they share the server and write to it), and stops the server whatever happens.
# Two one-time sign-in links for a PIC are made with `sasaran token link` once the server runs.
# Screenshots of each journey (and the planner's exports) are left in the screenshot folder.
# Fails on a failing test, on a missing Chromium, node_modules or built page, on a server that
# does not start or stop cleanly (SIGTERM, exit 0 within 10 s), or on an error in the server
# log. The temporary folder is kept when something failed (or with SASARAN_KEEP_TEST_DIR set).
# With SASARAN_BROWSER_STORE=postgres the store is a new database on the PostgreSQL server of
# SASARAN_TEST_PG_URL (scripts/test.sh starts one), dropped at the end, instead of a SQLite
# file; without SASARAN_TEST_PG_URL the run fails.
# Usage: tests/browser/run_browser_tests.sh <sasaran-binary> <web-dist-dir> <screenshot-dir>
#        (after scripts/build-web.sh and `npm ci` in tests/browser; scripts/test.sh runs both)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
usage="usage: run_browser_tests.sh <sasaran-binary> <web-dist-dir> <screenshot-dir>"
sasaran=${1:?$usage}
web=${2:?$usage}
shots=${3:?$usage}
datasets=${SASARAN_DATASETS:-$source_dir/../shared/datasets}
chromium=${SASARAN_CHROMIUM:-/usr/bin/chromium}

fail() {
  echo "run_browser_tests: $*" >&2
  exit 1
}

# Without a browser, the driver or the page, these tests must fail, not pass by testing nothing.
command -v node > /dev/null || fail "node is not installed (scripts/install-deps.sh installs it)"
[ -f "$here/node_modules/playwright-core/package.json" ] ||
  fail "$here/node_modules/playwright-core is missing: run 'npm ci' in tests/browser (scripts/test.sh does)"
[ -x "$chromium" ] ||
  fail "no Chromium at $chromium: install Debian's chromium (scripts/test.sh does)"
[ -f "$web/index.html" ] ||
  fail "no $web/index.html: build the web map with scripts/build-web.sh (scripts/test.sh does)"
[ -x "$sasaran" ] || fail "no sasaran binary at '$sasaran'"
sasaran=$(cd "$(dirname "$sasaran")" && pwd)/$(basename "$sasaran")
web=$(cd "$web" && pwd)

mkdir -p "$shots"
shots=$(cd "$shots" && pwd)
# What an earlier run left would pass for this run's pictures.
find "$shots" -maxdepth 1 -type f \( -name '*.png' -o -name 'planner-*' \) -delete

dir=$(mktemp -d "${TMPDIR:-/tmp}/sasaran-browser.XXXXXX")
server_pid=
db=$dir/sasaran.sqlite
pg_database=
if [ "${SASARAN_BROWSER_STORE:-sqlite}" = postgres ]; then
  [ -n "${SASARAN_TEST_PG_URL:-}" ] ||
    fail "SASARAN_BROWSER_STORE=postgres, but SASARAN_TEST_PG_URL is not set (scripts/test.sh starts a PostgreSQL)"
  psql=/usr/lib/postgresql/15/bin/psql
  pg_database=browser_$$_$RANDOM
  "$psql" -q -v ON_ERROR_STOP=1 "$SASARAN_TEST_PG_URL" -c "CREATE DATABASE $pg_database" ||
    fail "cannot create the database $pg_database at $SASARAN_TEST_PG_URL"
  # The server's URL with its database replaced (postgresql://user@host:port/DATABASE?query).
  db=$(echo "$SASARAN_TEST_PG_URL" | sed -E "s#^([a-z]+://[^/?]*)(/[^?]*)?#\1/$pg_database#")
  echo "run_browser_tests: the store is PostgreSQL, $db"
fi

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
    echo "run_browser_tests: the server did not stop within 10 s of SIGTERM" >&2
    return 1
  fi
  wait "$pid" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "run_browser_tests: the server ended with status $status after SIGTERM" >&2
    return 1
  fi
}

finish() {
  local status=$?
  stop_server || status=1
  if [ -n "$pg_database" ]; then
    "$psql" -q "$SASARAN_TEST_PG_URL" -c "DROP DATABASE IF EXISTS $pg_database WITH (FORCE)" ||
      status=1
  fi
  if [ "$status" -eq 0 ] && [ -z "${SASARAN_KEEP_TEST_DIR:-}" ]; then
    rm -rf "$dir"
  else
    echo "run_browser_tests: logs kept in $dir" >&2
  fi
  echo "run_browser_tests: screenshots in $shots"
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Each step has its own time limit, together below the ctest TIMEOUT, so that this script and
# not ctest ends a hung run, and the server is stopped.
started=$SECONDS
timeout 150 "$sasaran" import "$source_dir/datasets/jakarta.json" --db "$db" \
  --datasets "$datasets" > "$dir/import.log" 2>&1 ||
  fail "the Jakarta import failed:"$'\n'"$(tail -n 20 "$dir/import.log")"
echo "run_browser_tests: Jakarta imported in $((SECONDS - started)) s"

# The secret of a new token (the first line the CLI prints), or nothing when the CLI refused.
token() {
  local out
  out=$("$sasaran" token create --db "$db" "$@" 2>> "$dir/token.log") || return 0
  echo "${out%%$'\n'*}"
}

# The first collaborator that the import accepted (it rejects some rows) and that is no
# agregator, as tests/http takes it.
collaborator_id= collaborator_token=
while IFS=, read -r id _ kind _; do
  [ "$kind" != agregator ] || continue
  collaborator_token=$(token --role collaborator --collaborator "$id")
  [ -z "$collaborator_token" ] || { collaborator_id=$id; break; }
done < <(tail -n +2 "$datasets/jakarta/collaborators.csv")
# Bali Mester, Jatinegara (DESIGN.md): a kelurahan with located and unlocated targets.
pic_area=3172060007
pic_token=$(token --role pic --area "$pic_area")
# Slipi, Palmerah: the kelurahan of issue 15, whose offline copy offline.test.mjs measures.
pic_slipi_area=3174030002
pic_slipi_token=$(token --role pic --area "$pic_slipi_area")
planner_token=$(token --role planner)
revocable_token=$(token --role collaborator --collaborator "$collaborator_id")
admin_token=$(token --role admin)
for t in collaborator_token pic_token pic_slipi_token planner_token admin_token revocable_token; do
  [ -n "${!t}" ] || fail "no ${t%_token} token:"$'\n'"$(tail -n 20 "$dir/token.log")"
done

"$sasaran" serve --db "$db" --host 127.0.0.1 --port 0 --threads 2 --web "$web" \
  > "$dir/serve.out" 2> "$dir/serve.log" &
server_pid=$!

wait_for_server "$dir/serve.out" "$server_pid" "$dir/serve.log" || fail "$server_wait_error"
echo "run_browser_tests: serving $web on $base_url"

# One-time sign-in links for a PIC of the same kelurahan, as an operator makes them (the link
# alone on the first line), for the page's own address: one to sign in and out with, one to
# be ended behind the page's back.
link() {
  local out
  out=$("$sasaran" token link --db "$db" --base-url "$base_url/" --no-qr "$@" \
    2>> "$dir/token.log") || return 0
  echo "${out%%$'\n'*}"
}
signin_link_pic=$(link --role pic --area "$pic_area" --name "Ibu Sari")
signin_link_pic_ended=$(link --role pic --area "$pic_area" --name "Pak Joko")
for l in signin_link_pic signin_link_pic_ended; do
  [ -n "${!l}" ] || fail "no $l:"$'\n'"$(tail -n 20 "$dir/token.log")"
done

status=0
started=$SECONDS
SASARAN_BASE_URL=$base_url SASARAN_SCREENSHOTS=$shots SASARAN_CHROMIUM=$chromium \
  SASARAN_TOKEN_COLLABORATOR=$collaborator_token SASARAN_COLLABORATOR_ID=$collaborator_id \
  SASARAN_TOKEN_PLANNER=$planner_token \
  SASARAN_TOKEN_PIC=$pic_token SASARAN_PIC_AREA=$pic_area SASARAN_TOKEN_ADMIN=$admin_token \
  SASARAN_TOKEN_REVOCABLE=$revocable_token SASARAN_BIN=$sasaran SASARAN_DB=$db \
  SASARAN_TOKEN_PIC_SLIPI=$pic_slipi_token SASARAN_PIC_SLIPI_AREA=$pic_slipi_area \
  SASARAN_SIGNIN_LINK_PIC=$signin_link_pic SASARAN_SIGNIN_LINK_PIC_ENDED=$signin_link_pic_ended \
  timeout 600 node --test --test-concurrency=1 --test-timeout=180000 --test-reporter=spec \
  "$here"/*.test.mjs || status=$?
echo "run_browser_tests: journeys took $((SECONDS - started)) s"
stop_server || status=1
# As tests/http: a failed request (a 500) or any error or warning in the log fails the run.
if grep -Ei 'failed|error|warn|sanitizer' "$dir/serve.log" >&2; then
  echo "run_browser_tests: the server log has the errors above" >&2
  status=1
fi
[ -n "$(find "$shots" -maxdepth 1 -name '*.png' -print -quit)" ] ||
  { echo "run_browser_tests: no screenshot was saved in $shots" >&2; status=1; }
exit "$status"
