#!/usr/bin/env bash
# Benchmark (not a test): the Jakarta import in one sitting, three ways, alternating, REPS (3)
# times: `sasaran import` into a fresh SQLite file; `sasaran import` into a fresh PostgreSQL
# database; and the anchors' PostGIS reference load (../shared/bench/anchors/11_pg_load.sh:
# ogr2ogr + COPY + geometry build + GiST + VACUUM ANALYZE). Both PostgreSQL loads run on the
# anchors' own cluster (/tmp/anchors/pg, 127.0.0.1:55432, its tuned postgresql.conf; started by
# 10_pg_setup.sh when not running, and then stopped at the end), so that they meet the same
# server; PG_URL names another server instead (its user must be able to CREATE DATABASE).
# Wall time, CPU time (user + system) and peak RSS of sasaran (/usr/bin/time; the PostgreSQL
# server's own CPU is not in it: pg_cpu_s, the anchors' server's CPU during each PostgreSQL
# load, from /proc; "-" with PG_URL), store size, the 1-minute load average when each load ends,
# medians and ratios.
# A sasaran without PostgreSQL support (before issue 13's store is wired to --db) is reported
# as such and the other two are still measured.
# Usage: bench/import_compare.sh        REPS=5 bench/import_compare.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export SASARAN_DATASETS=${SASARAN_DATASETS:-$(cd .. && pwd)/shared/datasets}
anchors=${ANCHORS_DIR:-$SASARAN_DATASETS/../bench/anchors}
anchors=$(cd "$anchors" && pwd)
sasaran=$(cd "$(dirname "${SASARAN_BIN:-build/cli/sasaran}")" && pwd)/$(basename "${SASARAN_BIN:-build/cli/sasaran}")
reps=${REPS:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/sasaran-import-compare.XXXXXX")
started_cluster=0
pg_url=${PG_URL:-postgresql://postgres@127.0.0.1:55432/postgres}

cleanup() {
  local status=$?
  drop_database "$pg_url" sasaran_import_bench || true
  [ "$started_cluster" = 0 ] || "$anchors/99_stop.sh" > /dev/null 2>&1 || true
  if [ "$status" -eq 0 ]; then rm -rf "$work"; else echo "import_compare: logs kept in $work" >&2; fi
}
trap cleanup EXIT

. bench/pg_lib.sh  # with_database, fresh_database, drop_database, holds_a_store

[ -x "$sasaran" ] || { echo "import_compare: no sasaran at $sasaran" >&2; exit 1; }
[ -x /usr/bin/time ] || scripts/install-deps.sh time > /dev/null
scripts/install-deps.sh postgresql-15 postgresql-15-postgis-3 postgresql-contrib bc > /dev/null
pid_file=/tmp/anchors/pg/postmaster.pid
if ! { [ -f "$pid_file" ] && kill -0 "$(head -1 "$pid_file")" 2> /dev/null; }; then
  "$anchors/10_pg_setup.sh" > "$work/pg_setup.log" 2>&1 || { cat "$work/pg_setup.log" >&2; exit 1; }
  started_cluster=1
fi
rm -f /tmp/anchors/results/pg_load.tsv
pg_admin=$(with_database "$pg_url" postgres)
pg_works=1

# time_import STORE: imports the Jakarta set into STORE; prints "seconds cpu_seconds peak_kb".
time_import() {
  # In the work folder: a sasaran that takes the URL for a file name leaves it there.
  (cd "$work" && /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$sasaran" import \
    "$root/datasets/jakarta.json" --db "$1" > "$work/import.log" 2>&1) || return 1
  awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$work/time"
}

load1() { cut -d' ' -f1 /proc/loadavg; }
# The anchors' server's CPU seconds so far (bench/pg_lib.sh), or "-" for a server given by PG_URL.
pg_data=$([ -n "${PG_URL:-}" ] || echo /tmp/anchors/pg)
pg_cpu() { if [ -n "$pg_data" ]; then server_cpu_seconds "$pg_data"; else echo -; fi; }
# cpu_since BEFORE: the server's CPU seconds since the reading BEFORE.
cpu_since() { if [ "$1" = - ]; then echo -; else awk -v a="$1" -v b="$(pg_cpu)" 'BEGIN {printf "%.2f", b - a}'; fi; }

echo "# $(date -u +%FT%TZ) $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg); sasaran $(git rev-parse --short HEAD); PostgreSQL $(psql -Atq "$pg_admin" -c 'SHOW server_version')"
echo "rep	what	seconds	cpu_s	pg_cpu_s	peak_rss_mb	store_mb	load1"
for r in $(seq 1 "$reps"); do
  db=$work/bench.sqlite
  rm -f "$db" "$db"-wal "$db"-shm
  read -r seconds cpu kb < <(time_import "$db") || { tail -n 20 "$work/import.log" >&2; exit 1; }
  printf "%s\tsasaran_sqlite\t%s\t%s\t-\t%d\t%d\t%s\n" "$r" "$seconds" "$cpu" $((kb / 1024)) \
    $(($(du -bc "$db"* | tail -1 | cut -f1) / 1048576)) "$(load1)"
  rm -f "$db" "$db"-wal "$db"-shm

  if [ "$pg_works" = 1 ]; then
    pg_db=$(fresh_database "$pg_url" sasaran_import_bench)
    before=$(pg_cpu)
    if out=$(time_import "$pg_db") && holds_a_store "$pg_db"; then
      server=$(cpu_since "$before")
      read -r seconds cpu kb <<< "$out"
      printf "%s\tsasaran_postgresql\t%s\t%s\t%s\t%d\t%s\t%s\n" "$r" "$seconds" "$cpu" "$server" $((kb / 1024)) \
        "$(psql -Atq "$pg_db" -c "SELECT round(pg_database_size(current_database()) / 1048576.0)")" "$(load1)"
    else
      pg_works=0
      echo "# sasaran_postgresql: this sasaran does not import into PostgreSQL yet (it failed, or wrote no table there): $(tail -n 1 "$work/import.log")"
    fi
  fi

  before=$(pg_cpu)
  (cd "$anchors" && LOAD_REP=$r ./11_pg_load.sh > "$work/anchor.log" 2>&1) || { tail -n 20 "$work/anchor.log" >&2; exit 1; }
  server=$(cpu_since "$before")
  printf "%s\tanchor_postgis_load\t%s\t-\t%s\t-\t%s\t%s\n" "$r" \
    "$(awk -F'\t' -v r="$r" '$1==r && $2=="TOTAL" {print $3}' /tmp/anchors/results/pg_load.tsv)" "$server" \
    "$(psql -Atq "$(with_database "$pg_url" anchors)" -c "SELECT round(pg_database_size(current_database()) / 1048576.0)")" \
    "$(load1)"
done | tee "$work/results.tsv"

python3 - "$work/results.tsv" <<'PY'
import collections, statistics, sys
by, cpus, pg_cpus = (collections.defaultdict(list) for _ in range(3))
for line in open(sys.argv[1]):
    if line.startswith("#"):
        continue
    rep, what, sec, cpu, pg_cpu, rss, size, load = line.rstrip("\n").split("\t")
    by[what].append(float(sec))
    if cpu != "-":
        cpus[what].append(float(cpu))
    if pg_cpu != "-":
        pg_cpus[what].append(float(pg_cpu))
med = {w: statistics.median(v) for w, v in by.items()}
print()
for w, v in by.items():
    line = f"{w:22s} median {med[w]:7.2f} s over {len(v)} runs (min {min(v):.2f}, max {max(v):.2f})"
    if w != "anchor_postgis_load" and "anchor_postgis_load" in med:
        line += f"; {med[w] / med['anchor_postgis_load']:.2f}x the anchor's time"
    if cpus[w]:
        line += f"; CPU median {statistics.median(cpus[w]):.2f} s"
    if pg_cpus[w]:
        line += f"; PostgreSQL server CPU median {statistics.median(pg_cpus[w]):.2f} s"
    print(line)
if "sasaran_postgresql" in med:
    print(f"PostgreSQL import takes {med['sasaran_postgresql'] / med['sasaran_sqlite']:.2f}x the SQLite import's time")
PY
