#!/usr/bin/env bash
# Builds the web map into web/dist (served at / by `sasaran serve --web web/dist`): installs the
# pinned npm packages of web/package-lock.json when they changed, then bundles with esbuild.
# Idempotent and quick when nothing changed (it then does nothing). Needs node and npm
# (scripts/install-deps.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/../web"

if ! command -v npm > /dev/null; then
  echo "build-web: npm is missing; run scripts/install-deps.sh" >&2
  exit 1
fi

# npm ci only when the lock file is newer than the last install (npm writes
# node_modules/.package-lock.json on every install).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # No install scripts: esbuild's only checks its binary, which npm installs as an optional
  # dependency (@esbuild/linux-x64) all the same.
  npm ci --no-audit --no-fund --ignore-scripts
fi

# Rebuild only when a source is newer than the last build.
stamp=dist/.built
if [ -f "$stamp" ] && [ -f dist/index.html ] &&
   [ -z "$(find index.html style.css build.mjs package-lock.json src node_modules/.package-lock.json -newer "$stamp" -print -quit)" ]; then
  echo "build-web: web/dist is up to date"
  exit 0
fi
node build.mjs
touch "$stamp"
