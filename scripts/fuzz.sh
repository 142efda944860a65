#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang in build-fuzz/ and runs them; fails on
# any crash, leak, sanitizer report or failed check (the input is kept in build-fuzz, named in
# the output). docs/testing.md describes the targets.
# Usage: scripts/fuzz.sh              the short run: every target over its seeds for a fixed
#                                     number of inputs (SASARAN_FUZZ_RUNS, a few seconds each)
#        scripts/fuzz.sh RUNS         every target for RUNS inputs
#        scripts/fuzz.sh --time SECS  every target for SECS seconds (the long run)
#        TARGETS="csv_reader tile_path" scripts/fuzz.sh ...   only these targets
# Longer runs keep what they find in build-fuzz/tests/fuzz/long/NAME/corpus and build on it the
# next time; the seeds in tests/fuzz/corpus are never written to.
set -euo pipefail
cd "$(dirname "$0")/.."
runs= seconds=
case "${1:-}" in
  "") ;;
  --time) seconds=${2:?"--time needs a number of seconds"} ;;
  *[!0-9]*) echo "fuzz.sh: expected RUNS or --time SECONDS, got '$1'" >&2; exit 2 ;;
  *) runs=$1 ;;
esac

scripts/install-deps.sh clang libclang-rt-14-dev
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSASARAN_FUZZ=ON -DSASARAN_TESTS=OFF > /dev/null
ninja -C build-fuzz -j "$(nproc)" sasaran_fuzz

dir=build-fuzz/tests/fuzz
if [ -z "$runs$seconds" ]; then
  ctest --test-dir build-fuzz -L fuzz --output-on-failure -j "$(nproc)" ${TARGETS:+-R "fuzz_(${TARGETS// /|})\$"}
  exit
fi
limit=$([ -n "$runs" ] && echo "-runs=$runs" || echo "-max_total_time=$seconds")
targets=${TARGETS:-$(cd "$dir" && ls fuzz_* | grep -v '\.' | sed 's/^fuzz_//')}
failed=()
for t in $targets; do
  echo "== fuzz_$t ($limit)"
  if ! tests/fuzz/run_fuzz_target.sh "$dir/fuzz_$t" tests/fuzz/corpus/$t "$dir/long/$t" --keep \
       "$limit"; then
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: findings in ${failed[*]} (inputs in $dir/long/NAME/artifacts)" >&2
  exit 1
fi
echo "fuzz.sh: no findings in $targets"
