#!/usr/bin/env bash
# The store boundary (docs/architecture.md, issue 13): outside geo/store/, no source file of
# cli/, server/, tiles/ or geo/ includes a SQLite or SpatiaLite header, names the SQLite
# wrappers or the SpatiaLite store, or writes SQL; they use geo/store.hpp and
# geo/store/open_store.hpp, so that a second store (PostgreSQL) serves them unchanged. Tests may
# (they inspect stores with SQL). Prints every breach as file:line and exits 1.
# Usage: tests/layout/check_store_boundary.sh [SOURCE_DIR]
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root"

mapfile -t files < <(find cli server tiles geo -path geo/store -prune -o -type f \
  \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) -print | sort)
if [ "${#files[@]}" -lt 50 ]; then
  echo "check_store_boundary: found only ${#files[@]} sources under $root; wrong folder?" >&2
  exit 2
fi

breaches=0
# check WHAT PATTERN: every line of the sources matching the Perl regex PATTERN is a breach.
check() {
  local what=$1 pattern=$2 found rc=0
  found=$(grep -nHP -- "$pattern" "${files[@]}") || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "check_store_boundary: grep failed on the pattern for $what" >&2
    exit 2
  fi
  if [ -n "$found" ]; then
    while IFS= read -r line; do
      echo "store boundary broken ($what): $line"
    done <<<"$found"
    breaches=$((breaches + $(wc -l <<<"$found")))
  fi
}

check "a SQLite or SpatiaLite header" '#\s*include\s*[<"][^>"]*(sqlite3|spatialite)[^>"]*[>"]'
check "the SQLite wrappers or the SpatiaLite store" \
  '\b(sqlite_db|sqlite_statement|spatialite\w*|sqlite3_\w+|SQLITE_\w+)\b'
# SQL in a string literal: a statement's keywords with the words that make them SQL.
check "SQL in a string" \
  '"[^"]*\b(SELECT\s[^"]*\bFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|PRAGMA\s+\w+|CREATE\s+(TABLE|INDEX|VIRTUAL\s+TABLE|TRIGGER)|ALTER\s+TABLE|DROP\s+(TABLE|INDEX)|BEGIN\s+(IMMEDIATE|EXCLUSIVE|TRANSACTION))\b'
# SQL in a raw string spanning lines: its opening, or a statement at the start of a line.
check "SQL in a raw string" \
  'R"sql\(|^\s*(SELECT\s.*\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|WITH\s+\w+\s+AS\s*\()\b'

if [ "$breaches" -gt 0 ]; then
  echo "store boundary: $breaches line(s) outside geo/store/ reach past geo/store.hpp;" \
    "add what they need to the store interface instead"
  exit 1
fi
echo "store boundary: ${#files[@]} sources of cli/, server/, tiles/, geo/ (not geo/store/) hold no SQLite and no SQL"
