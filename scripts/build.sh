#!/usr/bin/env bash
# Configures and builds one flavour of Sasaran.
# Usage: scripts/build.sh [release|asan]   (folders build/ and build-asan/)
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:-release}
jobs=$(nproc)
case "$flavour" in
  release) dir=build; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DSASARAN_BENCHMARKS=ON) ;;
  asan) dir=build-asan; flags=(-DCMAKE_BUILD_TYPE=Debug -DSASARAN_SANITIZE=ON) ;;
  *) echo "build.sh: unknown flavour '$flavour' (release or asan)" >&2; exit 2 ;;
esac
cmake -S . -B "$dir" -G Ninja "${flags[@]}" > /dev/null
ninja -C "$dir" -j "$jobs"
