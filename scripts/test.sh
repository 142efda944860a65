#!/usr/bin/env bash
# Every test: unit and integration tests (the full Jakarta import checked against pinned
# counts and an independent SQL oracle) in a release build, then all of them again under
# AddressSanitizer + UndefinedBehaviorSanitizer. Fails on the first failing test or
# sanitizer report.
set -euo pipefail
cd "$(dirname "$0")/.."
export SASARAN_DATASETS=${SASARAN_DATASETS:-$(cd .. && pwd)/shared/datasets}
# clang-format checks the code; chromium runs the browser journeys; nginx-light, openssl and
# systemd (for systemd-analyze, not as init) test deploy/; wrk drives the short soak test;
# PostgreSQL 15 with PostGIS 3 is the server the PostgreSQL store's tests run on.
scripts/install-deps.sh clang-format chromium nginx-light openssl systemd wrk \
  postgresql-15 postgresql-15-postgis-3
jobs=$(nproc)

# Formatting is part of the contract (.clang-format); a file out of shape fails the run.
git ls-files -z '*.cpp' '*.hpp' | xargs -0 clang-format --dry-run -Werror

# The JavaScript decoder the tiles_js_reader test reads tiles with, at the locked versions.
(cd tests/js && npm ci --no-audit --no-fund)
# The web map the browser_journeys test opens, and its driver, playwright-core, at the locked
# version (it drives Debian's chromium, installed above; it downloads no browser of its own).
scripts/build-web.sh
(cd tests/browser && npm ci --no-audit --no-fund)

# A private PostgreSQL (tests/pg/pg_cluster.sh: its own folder and port, nothing of a system
# cluster) for both ctest runs, stopped however the run ends. Tests of the PostgreSQL store
# each make a database of their own on it.
pg_dir=$(mktemp -d /tmp/sasaran-pg.XXXXXX)
stop_pg() {
  tests/pg/pg_cluster.sh stop "$pg_dir" || true
  rm -rf "$pg_dir"
}
trap stop_pg EXIT
SASARAN_TEST_PG_URL=$(tests/pg/pg_cluster.sh start "$pg_dir")
export SASARAN_TEST_PG_URL

scripts/build.sh release
ctest --test-dir build --output-on-failure -j "$jobs"

scripts/build.sh asan
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
# The oracle is plain SQL, already run above; under the sanitizers only our code is new. The
# deployment test checks nginx's and systemd's configuration, which the sanitizers do not see,
# and the soak test measures answer times, which the sanitizers slow tenfold. The browser
# journeys are left out there too: the requests they make reach the routes that
# http_api_* and tiles_js_reader already drive under the sanitizers (and the static files have
# their unit tests), so they would add only minutes of a slowed server behind a
# software-rendered Chromium, which is not instrumented. The HTTP suite against PostgreSQL
# (postgres-http) is left out as well: its server code is http_api's, run here, and the
# PostgreSQL store's code is driven by the store's own tests here; it would add a Jakarta
# import into PostgreSQL and a whole second suite under the sanitizers. So is jakarta_postgres
# (the Jakarta set imported into both stores and compared row by row): the same store code runs
# here in the conformance tests, on small data.
ctest --test-dir build-asan --output-on-failure -j "$jobs" -LE "oracle|browser|deploy|soak|postgres-http" \
  -E '^jakarta_postgres$'

# Every parser of outside input under libFuzzer (clang, ASan+UBSan): a short fixed run of each
# target over its seeds (tests/fuzz/corpus); scripts/fuzz.sh --time S is the long run.
scripts/fuzz.sh
