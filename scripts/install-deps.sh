#!/usr/bin/env bash
# Installs the Debian 12 packages Sasaran builds and tests with, skipping those present.
# Usage: scripts/install-deps.sh [extra-package ...]
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libgdal-dev gdal-bin libgeos-dev libproj-dev
  libspatialite-dev libsqlite3-mod-spatialite libsqlite3-dev sqlite3 libpq-dev
  zlib1g-dev nlohmann-json3-dev libcli11-dev libssl-dev libpistache-dev libprotozero-dev libdeflate-dev libcurl4-openssl-dev curl
  libqrencode-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3
  "$@"
)
# node and npm for the tests in tests/js, only when there is no node: one already installed
# (NodeSource's nodejs, which bundles npm and conflicts with Debian's npm) is kept.
command -v node > /dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
apt_get() { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@"; }
apt_get update -q
apt_get install -y -q --no-install-recommends "${missing[@]}"
