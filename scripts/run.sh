#!/usr/bin/env bash
# The main job: install what is missing, build, import the Jakarta dataset into
# data/sasaran.sqlite and print the import report.
set -euo pipefail
cd "$(dirname "$0")/.."
export SASARAN_DATASETS=${SASARAN_DATASETS:-$(cd .. && pwd)/shared/datasets}
scripts/install-deps.sh
scripts/build.sh release
mkdir -p data
build/cli/sasaran import datasets/jakarta.json --db data/sasaran.sqlite --report data/import-report.json
echo "Import report as JSON: data/import-report.json; rows that were not clean: build/cli/sasaran report"
