#!/usr/bin/env bash
# Runs one libFuzzer target over a working copy of its seed corpus, so that the inputs it finds
# never land in the repository's tests/fuzz/corpus, with its dictionary (tests/fuzz/dict/NAME.dict
# for seeds in corpus/NAME) when it has one. Crashes, leaks, sanitizer reports and failed
# checks are saved in WORK/artifacts and fail the run.
# Usage: run_fuzz_target.sh BINARY SEEDS WORK [--keep] [libFuzzer options...]
#   --keep: keep the inputs found by earlier runs in WORK/corpus (the long run) instead of
#           starting again from the seeds alone (the short run).
set -euo pipefail
binary=$1 seeds=$2 work=$3
shift 3
keep=no
if [ "${1:-}" = --keep ]; then keep=yes; shift; fi
[ "$keep" = yes ] || rm -rf "$work/corpus"
mkdir -p "$work/corpus" "$work/artifacts"
cp -n "$seeds"/* "$work/corpus"/
here=$(cd "$(dirname "$0")" && pwd)
dict=$here/dict/$(basename "$seeds").dict
options=(-artifact_prefix="$work/artifacts/" -timeout=10 -print_final_stats=1)
[ -f "$dict" ] && options+=(-dict="$dict")
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$here/../lsan.supp:print_suppressions=0}
exec "$binary" "$work/corpus" "${options[@]}" "$@"
