#!/usr/bin/env bash
# The main job: install what is missing, build the server and the web map, import the Jakarta
# dataset into data/sasaran.sqlite, print the import report, then serve the map and the API
# until Ctrl-C.
# HOST and PORT choose where to listen (default 0.0.0.0:8080).
set -euo pipefail
cd "$(dirname "$0")/.."
export SASARAN_DATASETS=${SASARAN_DATASETS:-$(cd .. && pwd)/shared/datasets}
scripts/install-deps.sh
scripts/build.sh release
scripts/build-web.sh
mkdir -p data
build/cli/sasaran import datasets/jakarta.json --db data/sasaran.sqlite --report data/import-report.json
echo "Import report as JSON: data/import-report.json; rows that were not clean: build/cli/sasaran report"
host=${HOST:-0.0.0.0}
port=${PORT:-8080}
cat <<MSG

Serving on port $port. The map: http://localhost:$port/   (sign in there with a token, below)
Try the API:
  curl 'http://localhost:$port/api/v1/lookup?lon=106.8272&lat=-6.1754'
  curl 'http://localhost:$port/api/v1/coverage?level=rw&sort=unserved&limit=5'
  curl 'http://localhost:$port/ogc/collections'        (OGC API - Features, e.g. for QGIS)
Targets need a token (on the map too):  build/cli/sasaran token create --role planner   (or collaborator, pic, admin)
  curl -H "Authorization: Bearer \$TOKEN" 'http://localhost:$port/api/v1/targets/nearest?lon=106.8272&lat=-6.1754'
Stop with Ctrl-C.
MSG
exec build/cli/sasaran serve --db data/sasaran.sqlite --host "$host" --port "$port" --web web/dist
