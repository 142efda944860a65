#!/usr/bin/env bash
# Benchmark (not a test): the full Jakarta import into a fresh database, wall time and peak
# RSS, REPS times. With ANCHORS=1 each repetition also runs the reference loads of
# ../shared/bench/anchors (PostGIS: ogr2ogr + COPY + geometry build + GiST + analyze;
# SpatiaLite: ogr2ogr + spatial indexes), alternating, so the ratio is measured in one sitting.
# Usage: bench/import.sh            REPS=5 ANCHORS=1 bench/import.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export SASARAN_DATASETS=${SASARAN_DATASETS:-$(cd .. && pwd)/shared/datasets}
anchors=${ANCHORS_DIR:-$(cd .. && pwd)/shared/bench/anchors}
reps=${REPS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
scripts/install-deps.sh time > /dev/null
[ -x build/cli/sasaran ] || scripts/build.sh release > /dev/null

if [ "${ANCHORS:-0}" = 1 ]; then
  scripts/install-deps.sh postgresql-15 postgresql-15-postgis-3 postgresql-contrib spatialite-bin bc > /dev/null
  "$anchors/10_pg_setup.sh"
  rm -f /tmp/anchors/results/pg_load.tsv /tmp/anchors/results/spl_load.tsv
fi

echo "rep	what	seconds	peak_rss_mb"
for r in $(seq 1 "$reps"); do
  db=$work/bench.sqlite
  rm -f "$db" "$db"-wal "$db"-shm
  /usr/bin/time -f "%e %M" -o "$work/time" build/cli/sasaran import datasets/jakarta.json \
    --db "$db" > /dev/null 2> "$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
  read -r seconds kb < "$work/time"
  printf "%s\tsasaran\t%s\t%d\n" "$r" "$seconds" $((kb / 1024))
  if [ "${ANCHORS:-0}" = 1 ]; then
    (cd "$anchors" && LOAD_REP=$r ./11_pg_load.sh > "$work/pg.log" 2>&1) || { cat "$work/pg.log" >&2; exit 1; }
    printf "%s\tpostgis\t%s\t-\n" "$r" "$(awk -F'\t' -v r="$r" '$1==r && $2=="TOTAL" {print $3}' /tmp/anchors/results/pg_load.tsv)"
    (cd "$anchors" && LOAD_REP=$r ./20_spatialite_load.sh > "$work/spl.log" 2>&1) || { cat "$work/spl.log" >&2; exit 1; }
    printf "%s\tspatialite_ogr2ogr\t%s\t-\n" "$r" "$(awk -F'\t' -v r="$r" '$1==r && $2=="TOTAL" {print $3}' /tmp/anchors/results/spl_load.tsv)"
  fi
done | tee "$work/results.tsv"

python3 - "$work/results.tsv" <<'PY'
import statistics, sys, collections
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
by = collections.defaultdict(list)
for rep, what, sec, rss in rows:
    by[what].append((float(sec), rss))
med = {w: statistics.median(s for s, _ in v) for w, v in by.items()}
print()
for w, v in by.items():
    rss = [int(r) for _, r in v if r != "-"]
    line = f"{w:20s} median {med[w]:6.2f} s over {len(v)} runs"
    if rss: line += f", peak RSS max {max(rss)} MB"
    if w != "sasaran" and "sasaran" in med: line += f", sasaran takes {med['sasaran'] / med[w]:.2f}x its time"
    print(line)
PY
