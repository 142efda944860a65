#!/usr/bin/env bash
# Benchmark (not a test): what a target costs. For N in TIMES (1 4 10: the Jakarta targets
# 250k, 1M, 2.5M), bench/grow_targets.py multiplies the targets by N within their own RTs;
# then, for each store: the import into a fresh store (wall time, peak RSS), `sasaran serve`
# on it (spawn to 'ready', RSS and peak RSS once ready: bench/serve_probe.py), stopped. The
# targets' import outcomes must be exactly N times those at N=1 (every row grows alike), or
# the run fails. Prints a table and, per store, the bytes of server RSS and the start time per
# extra target, between consecutive N and as a least-squares slope. The server's RSS is read
# 1 s after 'ready' and, with STEADY=S (5; 0: not), once it held still for S seconds (the tile
# zooms the server simplifies in the background after 'ready' are in it then). CPU times (user + system,
# every thread) beside the wall times: on a shared machine they tell more. Each server start is
# measured SERVE_REPS (3) times, medians kept.
# Stores: SQLite always; PostgreSQL when PG_URL is set (a URL whose user may CREATE DATABASE:
# each N gets a fresh database sasaran_growth_xN on that server, dropped after), or with
# PG_CLUSTER=1 a private cluster from tests/pg/pg_cluster.sh in the work folder.
# Usage: bench/growth.sh       TIMES="1 4" PG_URL=postgresql://postgres@127.0.0.1:5432/postgres bench/growth.sh
#        KEEP=1 keeps the work folder (WORK=DIR to choose it), KEEP_STORES=1 the stores too
#        (the 10x SQLite file takes ~700 MB)
set -euo pipefail
cd "$(dirname "$0")/.."
export SASARAN_DATASETS=${SASARAN_DATASETS:-$(cd .. && pwd)/shared/datasets}
sasaran=$(cd "$(dirname "${SASARAN_BIN:-build/cli/sasaran}")" && pwd)/$(basename "${SASARAN_BIN:-build/cli/sasaran}")
times=${TIMES:-1 4 10}
threads=${THREADS:-2}
serve_reps=${SERVE_REPS:-3}
steady=${STEADY:-5}
work=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/sasaran-growth.XXXXXX")}
mkdir -p "$work"
work=$(cd "$work" && pwd)
pg_url=${PG_URL:-}
cluster=

cleanup() {
  local status=$?
  [ -z "$cluster" ] || tests/pg/pg_cluster.sh stop "$cluster" > /dev/null 2>&1 || true
  if [ "${KEEP:-0}" = 1 ] || [ "$status" -ne 0 ]; then
    echo "growth: work folder kept: $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
[ -x "$sasaran" ] || { echo "growth: no sasaran at $sasaran (cmake --build build --target sasaran)" >&2; exit 1; }
[ -x /usr/bin/time ] || scripts/install-deps.sh time > /dev/null

if [ "${PG_CLUSTER:-0}" = 1 ] && [ -z "$pg_url" ]; then
  [ -x tests/pg/pg_cluster.sh ] || { echo "growth: PG_CLUSTER=1 needs tests/pg/pg_cluster.sh" >&2; exit 1; }
  cluster=$work/pg
  chmod 755 "$work"  # the server runs as postgres when we are root, and must reach its folder
  pg_url=$(tests/pg/pg_cluster.sh start "$cluster" | tail -n 1)
fi

. bench/pg_lib.sh  # with_database, fresh_database, drop_database, holds_a_store

# A fresh store for N ($2) of kind $1; prints what to pass to --db.
fresh_store() {
  case "$1" in
    sqlite)
      rm -f "$work/x$2.sqlite" "$work/x$2.sqlite-wal" "$work/x$2.sqlite-shm"
      echo "$work/x$2.sqlite"
      ;;
    postgresql) fresh_database "$pg_url" "sasaran_growth_x$2" ;;
  esac
}

drop_store() {
  case "$1" in
    sqlite) rm -f "$work/x$2.sqlite" "$work/x$2.sqlite-wal" "$work/x$2.sqlite-shm" ;;
    postgresql) drop_database "$pg_url" "sasaran_growth_x$2" ;;
  esac
}

store_size_mb() {
  case "$1" in
    sqlite) du -bc "$2"* | awk 'END {printf "%.0f", $1 / 1048576}' ;;
    postgresql) psql -Atq "$2" -c "SELECT round(pg_database_size(current_database()) / 1048576.0)" ;;
  esac
}

# The targets layer's outcome counts of an import report, as "outcome=n ..." sorted.
target_outcomes() {
  python3 - "$1" <<'PY'
import json, sys
layer = next(l for l in json.load(open(sys.argv[1]))["layers"] if l["layer"] == "targets")
counts = {k: v for k, v in layer.items() if isinstance(v, int) and k not in ("within_tolerance",)}
for outcome, reasons in layer["by_reason"].items():
    for reason, n in reasons.items():
        counts[f"{outcome}/{reason}"] = n
print(" ".join(f"{k}={v}" for k, v in sorted(counts.items())))
PY
}

# Every count of $1 times $2.
scaled() {
  local out=() pair
  for pair in $1; do out+=("${pair%%=*}=$((${pair#*=} * $2))"); done
  echo "${out[*]}"
}

mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

stores=(sqlite)
[ -z "$pg_url" ] || stores+=(postgresql)
results=$work/growth.tsv
: > "$results"
echo "# $(date -u +%FT%TZ) $(uname -m), $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg); sasaran $(git rev-parse --short HEAD); stores: ${stores[*]}"
printf "store\tN\ttargets_read\ttargets_loaded\timport_s\timport_cpu_s\timport_peak_mb\tstore_mb\tstart_s\tstart_cpu_s\trss_mb\tpeak_rss_mb\tanon_mb\tfile_mb\tsteady_rss_mb\n"
declare -A base_outcomes
for n in $times; do
  python3 bench/grow_targets.py --times "$n" --out "$work/data" > "$work/grow.out" 2> "$work/grow.err" ||
    { cat "$work/grow.err" >&2; exit 1; }
  echo "# x$n: $(cat "$work/grow.err")"
  description=$(sed -n 1p "$work/grow.out")
  for store in "${stores[@]}"; do
    db=$(fresh_store "$store" "$n")
    report=$work/report_${store}_x$n.json
    # In the work folder: a sasaran that takes a URL for a file name leaves the file there.
    (cd "$work" && /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$sasaran" import "$description" \
      --db "$db" --report "$report" > "$work/import.log" 2>&1) ||
      { tail -n 20 "$work/import.log" >&2; exit 1; }
    [ "$store" != postgresql ] || holds_a_store "$db" || {
      echo "growth: $sasaran wrote no table into PostgreSQL: it does not take --db postgresql://... yet" >&2
      exit 1
    }
    read -r import_s import_user import_sys import_kb < "$work/time"
    import_cpu=$(awk -v u="$import_user" -v s="$import_sys" 'BEGIN {printf "%.2f", u + s}')
    outcomes=$(target_outcomes "$report")
    # Against the smallest N of this store: every outcome grows by the same factor.
    if [ -z "${base_outcomes[$store]:-}" ]; then
      base_outcomes[$store]="$n:$outcomes"
    else
      base_n=${base_outcomes[$store]%%:*}
      base=${base_outcomes[$store]#*:}
      if [ $((n % base_n)) -eq 0 ]; then
        expected=$(scaled "$base" $((n / base_n)))
        [ "$expected" = "$outcomes" ] || {
          echo "growth: x$n ($store): target outcomes are not $((n / base_n)) times those of x$base_n:" >&2
          echo "  x$base_n: $base"$'\n'"  x$n: $outcomes" >&2
          exit 1
        }
      fi
    fi
    read_rows=$(tr ' ' '\n' <<< "$outcomes" | sed -n 's/^read=//p')
    size_mb=$(store_size_mb "$store" "$db")
    # The median of SERVE_REPS starts: the RSS after loading varies by tens of MB from one
    # start to the next (how the loader's freed memory falls among malloc's arenas).
    for rep in $(seq "$serve_reps"); do
      python3 bench/serve_probe.py --sasaran "$sasaran" --db "$db" --threads "$threads" \
        --steady "$steady" --log "$work/serve_${store}_x$n.log" || exit 1
    done > "$work/probes"
    echo "# x$n $store starts (ready_s cpu_s rss_kb hwm_kb anon_kb file_kb targets steady_rss_kb): $(paste -sd '|' "$work/probes")"
    read -r start_s start_cpu rss_kb hwm_kb anon_kb file_kb loaded steady_kb < <(python3 -c '
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
steady = [float(r[7]) for r in rows if len(r) > 7]
print(*(statistics.median_low(float(r[i]) for r in rows) for i in range(6)), rows[0][6],
      statistics.median_low(steady) if steady else 0)
' "$work/probes")
    rss_kb=${rss_kb%.*} hwm_kb=${hwm_kb%.*} anon_kb=${anon_kb%.*} file_kb=${file_kb%.*}
    steady_kb=${steady_kb%.*}
    printf "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$store" "$n" \
      "$read_rows" "$loaded" "$import_s" "$import_cpu" $((import_kb / 1024)) "$size_mb" \
      "$start_s" "$start_cpu" "$(mb "$rss_kb")" "$(mb "$hwm_kb")" "$(mb "$anon_kb")" \
      "$(mb "$file_kb")" "$(mb "$steady_kb")" |
      tee -a "$results"
    [ "${KEEP_STORES:-0}" = 1 ] || drop_store "$store" "$n"
  done
  rm -f "$work"/data/*_targets.csv
done
echo "# target outcomes at x1: ${base_outcomes[sqlite]#*:}"

python3 - "$results" <<'PY'
import collections, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    (store, n, read, loaded, imp, imp_cpu, imp_mb, size, start, start_cpu, rss, hwm, anon,
     file, steady) = line.split("\t")
    rows[store].append((int(n), int(loaded), float(imp), float(start), float(rss), float(size),
                        float(anon), float(imp_cpu), float(start_cpu), float(steady)))
def slope(xs, ys):
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
print()
for store, r in rows.items():
    r.sort()
    for (n0, t0, i0, s0, m0, z0, a0, ic0, sc0, st0), (n1, t1, i1, s1, m1, z1, a1, ic1, sc1,
                                                      st1) in zip(r, r[1:]):
        extra = t1 - t0
        print(f"{store} x{n0} -> x{n1}: {extra} more targets: server RSS "
              f"{(m1 - m0) * 1048576 / extra:.0f} B (anonymous {(a1 - a0) * 1048576 / extra:.0f} B, "
              f"steady {(st1 - st0) * 1048576 / extra:.0f} B), store {(z1 - z0) * 1048576 / extra:.0f} B, "
              f"start {(s1 - s0) * 1e6 / extra:.2f} us ({(sc1 - sc0) * 1e6 / extra:.2f} us CPU), "
              f"import {(i1 - i0) * 1e6 / extra:.2f} us ({(ic1 - ic0) * 1e6 / extra:.2f} us CPU) "
              "per extra target")
    if len(r) > 2:
        t = [x[1] for x in r]
        print(f"{store} least squares over {len(r)} sizes: server RSS "
              f"{slope(t, [x[4] * 1048576 for x in r]):.0f} B (anonymous "
              f"{slope(t, [x[6] * 1048576 for x in r]):.0f} B), start "
              f"{slope(t, [x[3] * 1e6 for x in r]):.2f} us ({slope(t, [x[8] * 1e6 for x in r]):.2f} "
              f"us CPU), import {slope(t, [x[2] * 1e6 for x in r]):.2f} us "
              f"({slope(t, [x[7] * 1e6 for x in r]):.2f} us CPU) per target")
PY
