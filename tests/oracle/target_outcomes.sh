#!/usr/bin/env bash
# Independent oracle for the Sasaran target/pledge importer.
#
# Classifies every row of targets_250k.csv and pledges_40k.csv with
# SQLite + SpatiaLite SQL (sqlite3 CLI, `.load mod_spatialite`); the polygons
# are loaded with ogr2ogr (gdal-bin).  No code is shared with the C++ importer.
#
# stdout : one JSON object with the counts (see tests/oracle/README.md)
# files  : $ORACLE_WORK/target_rows.tsv   non-clean target rows
#          $ORACLE_WORK/pledge_rows.tsv   rejected pledge rows
#          $ORACLE_WORK/diagnostics.txt   data observations (boundaries, ...)
#          $ORACLE_WORK/oracle.sqlite     scratch database (rebuilt every run)
set -euo pipefail

DATASETS=${SASARAN_DATASETS:-$(dirname "$0")/../../../shared/datasets}
DATA=$DATASETS/jakarta
WORK=${ORACLE_WORK:-/tmp/oracle}
DB=$WORK/oracle.sqlite

for tool in sqlite3 ogr2ogr python3; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 2; }
done
for f in kelurahan_hdx_bps2020.geojson rw_synthetic.geojson rt_synthetic.geojson.gz \
         targets_250k.csv pledges_40k.csv collaborators.csv; do
  [[ -r $DATA/$f ]] || { echo "missing dataset file: $DATA/$f" >&2; exit 2; }
done
mkdir -p "$WORK"
rm -f "$DB" "$WORK/target_rows.tsv" "$WORK/pledge_rows.tsv" "$WORK/diagnostics.txt" "$WORK/result.json"

# ---------------------------------------------------------------- polygons
# Raw geometries as they are in the files (invalid ones included); no index.
ogr2ogr -f SQLite -dsco SPATIALITE=YES -lco SPATIAL_INDEX=NO -nlt PROMOTE_TO_MULTI \
  -nln kel_src "$DB" "$DATA/kelurahan_hdx_bps2020.geojson"
ogr2ogr -update -f SQLite -lco SPATIAL_INDEX=NO -nlt PROMOTE_TO_MULTI \
  -nln rw_src "$DB" "$DATA/rw_synthetic.geojson"
ogr2ogr -update -f SQLite -lco SPATIAL_INDEX=NO -nlt PROMOTE_TO_MULTI \
  -nln rt_src "$DB" "/vsigzip/$DATA/rt_synthetic.geojson.gz"

# ---------------------------------------------------------------- SQL
sqlq() { local s=${1//\"/\\\"}; printf '"%s"' "$s"; }   # quote a path for a dot-command
{
cat <<'SQL'
.bail on
.load mod_spatialite
.output /dev/null
PRAGMA journal_mode=OFF;
PRAGMA synchronous=OFF;
PRAGMA temp_store=MEMORY;
PRAGMA cache_size=-200000;
.output stdout

-- ------------------------------------------------------------ raw CSVs
-- Imported into pre-created tables: every CSV record becomes one row, all TEXT,
-- in file order, so rowid 1 = first data row = CSV row 2.
CREATE TABLE tgt_raw(id TEXT, program TEXT, need TEXT, household_size TEXT, priority TEXT,
                     lon TEXT, lat TEXT, kode_kel TEXT, rw TEXT, rt TEXT, registered_at TEXT);
CREATE TABLE pl_raw(id TEXT, collaborator_id TEXT, target_id TEXT, program TEXT, form TEXT,
                    amount_idr TEXT, quantity TEXT, status TEXT, pledged_at TEXT);
CREATE TABLE collab_raw(id TEXT, name TEXT, kind TEXT, lon TEXT, lat TEXT);
SQL
printf '.import --csv --skip 1 %s tgt_raw\n'    "$(sqlq "$DATA/targets_250k.csv")"
printf '.import --csv --skip 1 %s pl_raw\n'     "$(sqlq "$DATA/pledges_40k.csv")"
printf '.import --csv --skip 1 %s collab_raw\n' "$(sqlq "$DATA/collaborators.csv")"
cat <<'SQL'

-- ------------------------------------------------------------ areas
-- Repaired polygon tables: invalid geometries -> ST_MakeValid, keep polygonal
-- part (CollectionExtract type 3), as MULTIPOLYGON.
CREATE TABLE kel_poly(fid INTEGER PRIMARY KEY, code TEXT, was_valid INT, geom BLOB);
INSERT INTO kel_poly(code, was_valid, geom)
  SELECT substr(village_code, 3), ST_IsValid(GEOMETRY) = 1, GEOMETRY FROM kel_src ORDER BY ogc_fid;
CREATE TABLE rw_poly(fid INTEGER PRIMARY KEY, code TEXT, was_valid INT, geom BLOB);
INSERT INTO rw_poly(code, was_valid, geom)
  SELECT KODE_KEL || RW, ST_IsValid(GEOMETRY) = 1, GEOMETRY FROM rw_src ORDER BY ogc_fid;
CREATE TABLE rt_poly(fid INTEGER PRIMARY KEY, code TEXT, kode_kel TEXT, was_valid INT, geom BLOB);
INSERT INTO rt_poly(code, kode_kel, was_valid, geom)
  SELECT KODE_KEL || RW || RT, KODE_KEL, ST_IsValid(GEOMETRY) = 1, GEOMETRY FROM rt_src ORDER BY ogc_fid;

UPDATE kel_poly SET geom = CastToMultiPolygon(CollectionExtract(ST_MakeValid(geom), 3)) WHERE was_valid = 0;
UPDATE rw_poly  SET geom = CastToMultiPolygon(CollectionExtract(ST_MakeValid(geom), 3)) WHERE was_valid = 0;
UPDATE rt_poly  SET geom = CastToMultiPolygon(CollectionExtract(ST_MakeValid(geom), 3)) WHERE was_valid = 0;
CREATE INDEX kel_poly_code ON kel_poly(code);
CREATE INDEX rt_poly_code ON rt_poly(code);

-- Own R*Trees over the repaired geometries (SQLite rounds the float32 boxes outward).
CREATE VIRTUAL TABLE kel_idx USING rtree(fid, minx, maxx, miny, maxy);
INSERT INTO kel_idx SELECT fid, MbrMinX(geom), MbrMaxX(geom), MbrMinY(geom), MbrMaxY(geom) FROM kel_poly;
CREATE VIRTUAL TABLE rt_idx USING rtree(fid, minx, maxx, miny, maxy);
INSERT INTO rt_idx SELECT fid, MbrMinX(geom), MbrMaxX(geom), MbrMinY(geom), MbrMaxY(geom) FROM rt_poly;

-- ------------------------------------------------------------ targets, rules 1-5
CREATE TABLE t AS
SELECT rowid + 1 AS rowno,
       coalesce(id, '') AS id,
       coalesce(program, '') AS program,
       trim(coalesce(priority, '')) AS priority,
       trim(coalesce(household_size, '')) AS hh,
       trim(coalesce(lon, '')) AS lon_s,
       trim(coalesce(lat, '')) AS lat_s,
       coalesce(kode_kel, '') AS decl_kel,
       coalesce(kode_kel, '') || coalesce(rw, '') || coalesce(rt, '') AS decl_rt
FROM tgt_raw;
CREATE INDEX t_id ON t(id, rowno);

-- rule 5 helper: a value with exactly one ',' and no '.' uses a decimal comma
CREATE TABLE tn AS
SELECT *,
  (lon_s LIKE '%,%' AND instr(lon_s, '.') = 0 AND length(lon_s) - length(replace(lon_s, ',', '')) = 1) AS lon_comma,
  (lat_s LIKE '%,%' AND instr(lat_s, '.') = 0 AND length(lat_s) - length(replace(lat_s, ',', '')) = 1) AS lat_comma
FROM t;
CREATE TABLE tn2 AS
SELECT *,
  CASE WHEN lon_comma THEN replace(lon_s, ',', '.') ELSE lon_s END AS lon_n,
  CASE WHEN lat_comma THEN replace(lat_s, ',', '.') ELSE lat_s END AS lat_n
FROM tn;

CREATE TABLE pre AS
SELECT rowno, id, program, decl_kel, decl_rt, lon_n, lat_n, (lon_comma OR lat_comma) AS comma,
  CASE
    WHEN EXISTS (SELECT 1 FROM t t2 WHERE t2.id = tn2.id AND t2.rowno < tn2.rowno)      THEN 'rejected duplicate'
    WHEN program NOT IN ('pangan','umkm','pendidikan','persampahan','permukiman','ketenagakerjaan')
                                                                                        THEN 'rejected unknown_program'
    WHEN NOT (priority REGEXP '^[0-9]+$' AND CAST(priority AS INTEGER) BETWEEN 1 AND 5) THEN 'rejected priority'
    WHEN NOT (hh REGEXP '^[0-9]+$' AND CAST(hh AS INTEGER) >= 1)                        THEN 'rejected household_size'
    WHEN lon_s = '' OR lat_s = '' THEN
         CASE WHEN EXISTS (SELECT 1 FROM rt_poly r WHERE r.code = tn2.decl_rt)
              THEN 'unlocated declared_rt' ELSE 'rejected unlocated_unknown_rt' END
    WHEN NOT (lon_n REGEXP '^[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][-+]?[0-9]+)?$'
          AND lat_n REGEXP '^[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][-+]?[0-9]+)?$')  THEN 'rejected not_a_number'
    ELSE 'locate -'
  END AS stage
FROM tn2;

-- ------------------------------------------------------------ rule 6: point in RT
CREATE TABLE pts(rowno INTEGER PRIMARY KEY, x REAL, y REAL, decl_kel TEXT, decl_rt TEXT, comma INT);
INSERT INTO pts SELECT rowno, CAST(lon_n AS REAL), CAST(lat_n AS REAL), decl_kel, decl_rt, comma
  FROM pre WHERE stage = 'locate -';

-- The edge tolerance (docs/import.md): coordinates have 6 decimals, and a point within 1e-6
-- degrees of an area's edge counts as on it. Every RT polygon covering the point (boundary
-- included), and its declared RT when that lies within the tolerance; on_edge = point on its
-- boundary, exact = the RT covers the point without the tolerance, snug = the point is within
-- 2e-14 degrees (one unit of double rounding at longitude 106) of it, where the tolerance is
-- not what placed it.
CREATE TABLE rt_hit AS
SELECT p.rowno, r.code, ST_Touches(r.geom, MakePoint(p.x, p.y, 4326)) AS on_edge,
       ST_Covers(r.geom, MakePoint(p.x, p.y, 4326)) = 1 AS exact,
       ST_Distance(r.geom, MakePoint(p.x, p.y, 4326)) <= 2e-14 AS snug
FROM pts p CROSS JOIN rt_idx i CROSS JOIN rt_poly r
WHERE i.minx <= p.x + 1e-6 AND i.maxx >= p.x - 1e-6 AND i.miny <= p.y + 1e-6 AND i.maxy >= p.y - 1e-6
  AND r.fid = i.fid
  AND (ST_Covers(r.geom, MakePoint(p.x, p.y, 4326)) = 1
       OR (r.code = p.decl_rt AND ST_Distance(r.geom, MakePoint(p.x, p.y, 4326)) <= 1e-6));
CREATE INDEX rt_hit_row ON rt_hit(rowno);

-- a point in no RT, not within the tolerance of its declared one: the nearest RT within the
-- tolerance, the smallest code among equally near ones
CREATE TABLE rt_near AS
SELECT rowno, code, by_tolerance FROM (
  SELECT p.rowno, r.code, ST_Distance(r.geom, MakePoint(p.x, p.y, 4326)) > 2e-14 AS by_tolerance,
         row_number() OVER (PARTITION BY p.rowno
                            ORDER BY ST_Distance(r.geom, MakePoint(p.x, p.y, 4326)), r.code) AS k
  FROM pts p CROSS JOIN rt_idx i CROSS JOIN rt_poly r
  WHERE p.rowno NOT IN (SELECT rowno FROM rt_hit)
    AND i.minx <= p.x + 1e-6 AND i.maxx >= p.x - 1e-6 AND i.miny <= p.y + 1e-6 AND i.maxy >= p.y - 1e-6
    AND r.fid = i.fid
    AND ST_Distance(r.geom, MakePoint(p.x, p.y, 4326)) <= 1e-6)
WHERE k = 1;

-- one RT per point: the declared one if it is among the hits, else the smallest code, else the
-- nearest within the tolerance; by_tolerance = the RT does not cover the point itself
CREATE TABLE rt_pick AS
SELECT p.rowno,
       CASE WHEN max(h.code = p.decl_rt) THEN p.decl_rt ELSE min(CASE WHEN h.exact THEN h.code END) END AS code,
       count(*) AS n_hits, max(h.on_edge) AS on_edge,
       CASE WHEN max(h.code = p.decl_rt) THEN NOT max(h.code = p.decl_rt AND (h.exact OR h.snug))
            ELSE 0 END AS by_tolerance
FROM pts p JOIN rt_hit h ON h.rowno = p.rowno GROUP BY p.rowno
UNION ALL
SELECT rowno, code, 1, 0, by_tolerance FROM rt_near;

-- ------------------------------------------------------------ rule 7: point in a kelurahan
-- the same tolerance: covering kelurahan or the declared one within it, else the nearest within
-- it; by_tolerance = the kelurahan was found only through the tolerance
CREATE TABLE kel_cand AS
SELECT p.rowno, k.code, ST_Covers(k.geom, MakePoint(p.x, p.y, 4326)) = 1 AS exact,
       k.code = p.decl_kel AS declared, ST_Distance(k.geom, MakePoint(p.x, p.y, 4326)) AS dist
FROM pts p CROSS JOIN kel_idx i CROSS JOIN kel_poly k
WHERE p.rowno NOT IN (SELECT rowno FROM rt_pick)
  AND i.minx <= p.x + 1e-6 AND i.maxx >= p.x - 1e-6 AND i.miny <= p.y + 1e-6 AND i.maxy >= p.y - 1e-6
  AND k.fid = i.fid
  AND ST_Distance(k.geom, MakePoint(p.x, p.y, 4326)) <= 1e-6;
CREATE TABLE kel_hit AS
SELECT rowno, code, by_tolerance FROM (
  SELECT rowno, code, NOT exact AND dist > 2e-14 AS by_tolerance,
         row_number() OVER (PARTITION BY rowno
                            ORDER BY declared DESC, exact DESC, dist, code) AS k
  FROM kel_cand)
WHERE k = 1;

-- ------------------------------------------------------------ rule 8: swapped lon/lat
CREATE TABLE sw AS
SELECT p.rowno, p.y AS sx, p.x AS sy, p.decl_kel, p.decl_rt,
       EXISTS (SELECT 1 FROM kel_poly k WHERE k.code = p.decl_kel
                 AND ST_Distance(k.geom, MakePoint(p.y, p.x, 4326)) <= 1e-6) AS in_decl_kel,
       EXISTS (SELECT 1 FROM kel_poly k WHERE k.code = p.decl_kel
                 AND (ST_Covers(k.geom, MakePoint(p.y, p.x, 4326)) = 1
                      OR ST_Distance(k.geom, MakePoint(p.y, p.x, 4326)) <= 2e-14)) AS in_decl_kel_exact
FROM pts p
WHERE p.rowno NOT IN (SELECT rowno FROM rt_pick) AND p.rowno NOT IN (SELECT rowno FROM kel_hit);

-- the swapped point placed in RTs by the same rule as rule 6
CREATE TABLE sw_rt_cand AS
SELECT s.rowno, r.code, ST_Covers(r.geom, MakePoint(s.sx, s.sy, 4326)) = 1 AS exact,
       r.code = s.decl_rt AS declared, ST_Distance(r.geom, MakePoint(s.sx, s.sy, 4326)) AS dist
FROM sw s CROSS JOIN rt_idx i CROSS JOIN rt_poly r
WHERE s.in_decl_kel
  AND i.minx <= s.sx + 1e-6 AND i.maxx >= s.sx - 1e-6 AND i.miny <= s.sy + 1e-6 AND i.maxy >= s.sy - 1e-6
  AND r.fid = i.fid
  AND ST_Distance(r.geom, MakePoint(s.sx, s.sy, 4326)) <= 1e-6;
CREATE TABLE sw_pick AS
SELECT rowno, code, n_hits, by_tolerance FROM (
  SELECT rowno, code, NOT exact AND dist > 2e-14 AS by_tolerance,
         count(*) OVER (PARTITION BY rowno) AS n_hits,
         row_number() OVER (PARTITION BY rowno
                            ORDER BY declared DESC, exact DESC, dist, code) AS k
  FROM sw_rt_cand)
WHERE k = 1;

-- ------------------------------------------------------------ final target outcome
CREATE TABLE tout AS
SELECT pre.rowno, pre.id, pre.program,
  CASE
    WHEN pre.stage <> 'locate -' THEN substr(pre.stage, 1, instr(pre.stage, ' ') - 1)
    WHEN rp.code = pre.decl_rt AND pre.comma THEN 'normalized'
    WHEN rp.code = pre.decl_rt THEN 'clean'
    WHEN rp.code IS NOT NULL THEN 'flagged'
    WHEN kh.code IS NOT NULL THEN 'flagged'
    WHEN sw.in_decl_kel AND sp.code = pre.decl_rt THEN 'corrected'
    WHEN sw.in_decl_kel THEN 'flagged'
    ELSE 'rejected'
  END AS outcome,
  CASE
    WHEN pre.stage <> 'locate -' THEN substr(pre.stage, instr(pre.stage, ' ') + 1)
    WHEN rp.code = pre.decl_rt AND pre.comma THEN 'decimal_comma'
    WHEN rp.code = pre.decl_rt THEN ''
    WHEN rp.code IS NOT NULL THEN 'rt_mismatch'
    WHEN kh.code IS NOT NULL THEN 'no_rt'
    WHEN sw.in_decl_kel AND sp.code = pre.decl_rt THEN 'swapped_lonlat'
    WHEN sw.in_decl_kel AND sp.code IS NULL THEN 'swapped_no_rt'
    WHEN sw.in_decl_kel THEN 'swapped_rt_mismatch'
    ELSE 'outside'
  END AS reason,
  CASE
    WHEN pre.stage = 'unlocated declared_rt' THEN pre.decl_rt
    WHEN pre.stage <> 'locate -' THEN ''
    WHEN rp.code IS NOT NULL THEN rp.code
    WHEN sw.in_decl_kel THEN coalesce(sp.code, '')
    ELSE ''
  END AS assigned_rt,
  CASE
    WHEN pre.stage <> 'locate -' THEN 0
    WHEN rp.code IS NOT NULL THEN rp.by_tolerance
    WHEN kh.code IS NOT NULL THEN kh.by_tolerance
    WHEN sw.in_decl_kel THEN (NOT sw.in_decl_kel_exact) OR coalesce(sp.by_tolerance, 0)
    ELSE 0
  END AS by_tolerance
FROM pre
LEFT JOIN rt_pick rp ON rp.rowno = pre.rowno
LEFT JOIN kel_hit kh ON kh.rowno = pre.rowno
LEFT JOIN sw ON sw.rowno = pre.rowno
LEFT JOIN sw_pick sp ON sp.rowno = pre.rowno;
CREATE INDEX tout_id ON tout(id, rowno);

.headers on
.mode tabs
SQL
printf ".output %s\n" "$(sqlq "$WORK/target_rows.tsv")"
cat <<'SQL'
SELECT rowno AS "row", id, outcome, reason, assigned_rt, by_tolerance FROM tout WHERE outcome <> 'clean' OR by_tolerance ORDER BY rowno;
.output stdout
.headers off
.mode list

-- ------------------------------------------------------------ pledges
CREATE TABLE p AS
SELECT rowid + 1 AS rowno, coalesce(id, '') AS id, coalesce(collaborator_id, '') AS collaborator_id,
       coalesce(target_id, '') AS target_id, coalesce(program, '') AS program,
       coalesce(status, '') AS status
FROM pl_raw;
CREATE INDEX p_id ON p(id, rowno);
-- a target id is represented by its first row in targets_250k.csv (later rows are duplicates)
CREATE TABLE tfirst AS
SELECT o.id, o.outcome, o.program FROM tout o
WHERE o.rowno = (SELECT min(o2.rowno) FROM tout o2 WHERE o2.id = o.id);
CREATE INDEX tfirst_id ON tfirst(id);

CREATE TABLE pstage AS
SELECT p.*, (p.status IN ('committed', 'delivered')) AS active,
  CASE
    WHEN EXISTS (SELECT 1 FROM p p2 WHERE p2.id = p.id AND p2.rowno < p.rowno)          THEN 'duplicate'
    WHEN p.collaborator_id NOT IN (SELECT id FROM collab_raw)                          THEN 'unknown_collaborator'
    WHEN tf.id IS NULL                                                                 THEN 'unknown_target'
    WHEN tf.outcome = 'rejected'                                                       THEN 'rejected_target'
    WHEN p.program <> tf.program                                                       THEN 'program_mismatch'
    ELSE ''
  END AS reason
FROM p LEFT JOIN tfirst tf ON tf.id = p.target_id;
CREATE INDEX pstage_key ON pstage(target_id, program, rowno);

-- an active pledge that passed the checks above is the holder unless an earlier
-- such pledge (which is then accepted itself) holds the same (target, program)
CREATE TABLE pout AS
SELECT rowno, id, target_id, status,
  CASE WHEN reason = '' AND active AND EXISTS (
         SELECT 1 FROM pstage q WHERE q.target_id = s.target_id AND q.program = s.program
           AND q.rowno < s.rowno AND q.reason = '' AND q.active)
       THEN 'double_help' ELSE reason END AS reason
FROM pstage s;

.headers on
.mode tabs
SQL
printf ".output %s\n" "$(sqlq "$WORK/pledge_rows.tsv")"
cat <<'SQL'
SELECT rowno AS "row", id, target_id, status, reason FROM pout WHERE reason <> '' ORDER BY rowno;
.output stdout
.headers off
.mode list
SQL
printf ".output %s\n" "$(sqlq "$WORK/diagnostics.txt")"
cat <<'SQL'
SELECT '== target outcome x reason';
SELECT printf('%-10s %-22s %7d', outcome, reason, count(*)) FROM tout GROUP BY outcome, reason ORDER BY outcome, reason;
SELECT '== checks (must be 0 / equal)';
SELECT 'repaired polygons still invalid (kel/rw/rt): ' || (SELECT count(*) FROM kel_poly WHERE ST_IsValid(geom) <> 1)
     || '/' || (SELECT count(*) FROM rw_poly WHERE ST_IsValid(geom) <> 1) || '/' || (SELECT count(*) FROM rt_poly WHERE ST_IsValid(geom) <> 1);
SELECT 'repaired RT polygons that became empty: ' || (SELECT count(*) FROM rt_poly WHERE geom IS NULL OR ST_IsEmpty(geom));
SELECT 'duplicate RT codes among polygons: ' || (SELECT count(*) - count(DISTINCT code) FROM rt_poly);
SELECT 'target rows read / classified: ' || (SELECT count(*) FROM tgt_raw) || ' / ' || (SELECT count(*) FROM tout);
SELECT 'pledge rows read / classified: ' || (SELECT count(*) FROM pl_raw) || ' / ' || (SELECT count(*) FROM pout);
SELECT '== spatial observations';
SELECT 'located points (rules 6-8): ' || (SELECT count(*) FROM pts);
SELECT 'points covered by >1 RT polygon: ' || (SELECT count(*) FROM rt_pick WHERE n_hits > 1);
SELECT '   ... of which the declared RT is one of them (picked -> clean): ' || (SELECT count(*) FROM rt_pick rp JOIN pts p USING (rowno) WHERE rp.n_hits > 1 AND rp.code = p.decl_rt);
SELECT '   ... of which the point is in the interior of both (overlapping RT polygons): ' || (SELECT count(*) FROM rt_pick WHERE n_hits > 1 AND NOT on_edge);
SELECT 'points exactly on an RT boundary: ' || (SELECT count(*) FROM rt_pick WHERE on_edge);
SELECT 'points on an RT boundary whose outcome is clean/normalized: ' || (SELECT count(*) FROM rt_pick rp JOIN tout o USING (rowno) WHERE rp.on_edge AND o.outcome IN ('clean','normalized'));
SELECT 'points exactly on a boundary of their declared RT: ' || (SELECT count(*) FROM rt_hit h JOIN pts p USING (rowno) WHERE h.code = p.decl_rt AND h.on_edge);
SELECT 'flagged rt_mismatch, found RT in declared kelurahan: ' || (SELECT count(*) FROM tout o JOIN pts p USING (rowno) WHERE o.reason = 'rt_mismatch' AND substr(o.assigned_rt, 1, 10) = p.decl_kel);
SELECT 'flagged rt_mismatch, found RT in another kelurahan: ' || (SELECT count(*) FROM tout o JOIN pts p USING (rowno) WHERE o.reason = 'rt_mismatch' AND substr(o.assigned_rt, 1, 10) <> p.decl_kel);
SELECT 'flagged no_rt (in a kelurahan, in no RT): ' || (SELECT count(*) FROM tout WHERE reason = 'no_rt');
SELECT '   ... of which the kelurahan is the declared one: ' || (SELECT count(*) FROM kel_hit k JOIN pts p USING (rowno) WHERE k.code = p.decl_kel);
SELECT 'points in >1 kelurahan (rule 7): ' || (SELECT count(*) FROM (SELECT rowno FROM kel_cand WHERE exact GROUP BY rowno HAVING count(*) > 1));
SELECT 'in no kelurahan (rule 8 candidates): ' || (SELECT count(*) FROM sw);
SELECT '   swapped point inside declared kelurahan: ' || (SELECT count(*) FROM sw WHERE in_decl_kel);
SELECT '   ... swapped RT = declared (corrected): ' || (SELECT count(*) FROM tout WHERE reason = 'swapped_lonlat');
SELECT '   ... swapped RT <> declared (flagged): ' || (SELECT count(*) FROM tout WHERE reason = 'swapped_rt_mismatch');
SELECT '   ... swapped point in no RT (flagged): ' || (SELECT count(*) FROM tout WHERE reason = 'swapped_no_rt');
SELECT '   swapped point NOT in declared kelurahan (rejected outside): ' || (SELECT count(*) FROM sw WHERE NOT in_decl_kel);
SELECT '   ... of which the original point is plausibly lat/lon swapped (|lon|<90, |lat|>90): ' || (SELECT count(*) FROM sw JOIN pts USING (rowno) WHERE NOT in_decl_kel AND abs(pts.x) < 90 AND abs(pts.y) > 90);
SELECT 'decimal-comma rows: ' || (SELECT count(*) FROM pre WHERE comma) || ' -> ' ||
       (SELECT group_concat(o.outcome || ':' || n, ', ') FROM (SELECT o.outcome, count(*) AS n FROM pre JOIN tout o USING (rowno) WHERE pre.comma GROUP BY o.outcome) o);
SELECT '== pledges';
SELECT printf('%-22s %-10s %6d', CASE WHEN reason = '' THEN 'accepted' ELSE reason END, status, count(*)) FROM pout GROUP BY reason, status ORDER BY reason, status;
.output stdout

-- ------------------------------------------------------------ JSON result
CREATE TABLE treason(reason TEXT, ord INT);
INSERT INTO treason VALUES ('duplicate',1),('unknown_program',2),('priority',3),('household_size',4),
  ('unlocated_unknown_rt',5),('not_a_number',6),('outside',7);
INSERT INTO treason SELECT DISTINCT reason, 99 FROM tout WHERE outcome = 'rejected' AND reason NOT IN (SELECT reason FROM treason);
CREATE TABLE preason(reason TEXT, ord INT);
INSERT INTO preason VALUES ('duplicate',1),('unknown_collaborator',2),('unknown_target',3),('rejected_target',4),
  ('program_mismatch',5),('double_help',6);

SELECT json_object(
  'targets', json_object(
     'read',       (SELECT count(*) FROM tgt_raw),
     'clean',      (SELECT count(*) FROM tout WHERE outcome = 'clean'),
     'normalized', (SELECT count(*) FROM tout WHERE outcome = 'normalized'),
     'corrected',  (SELECT count(*) FROM tout WHERE outcome = 'corrected'),
     'flagged',    (SELECT count(*) FROM tout WHERE outcome = 'flagged'),
     'unlocated',  (SELECT count(*) FROM tout WHERE outcome = 'unlocated'),
     'rejected',   (SELECT count(*) FROM tout WHERE outcome = 'rejected'),
     'within_tolerance', (SELECT count(*) FROM tout WHERE outcome <> 'rejected' AND by_tolerance),
     'rejected_by_reason', (SELECT json_group_object(reason, n) FROM
        (SELECT r.reason, (SELECT count(*) FROM tout o WHERE o.outcome = 'rejected' AND o.reason = r.reason) AS n
           FROM treason r ORDER BY r.ord, r.reason))),
  'pledges', json_object(
     'read',     (SELECT count(*) FROM pl_raw),
     'accepted', (SELECT count(*) FROM pout WHERE reason = ''),
     'rejected', (SELECT count(*) FROM pout WHERE reason <> ''),
     'rejected_by_reason', (SELECT json_group_object(reason, n) FROM
        (SELECT r.reason, (SELECT count(*) FROM pout o WHERE o.reason = r.reason) AS n
           FROM preason r ORDER BY r.ord))),
  'areas', json_object(
     'kelurahan',  (SELECT count(*) FROM kel_src),
     'rw',         (SELECT count(*) FROM rw_src),
     'rt',         (SELECT count(*) FROM rt_src),
     'kecamatan',  (SELECT count(DISTINCT district_code) FROM kel_src),
     'kota',       (SELECT count(DISTINCT regency_code) FROM kel_src),
     'rw_invalid', (SELECT count(*) FROM rw_poly WHERE was_valid = 0),
     'rt_invalid', (SELECT count(*) FROM rt_poly WHERE was_valid = 0)));
SQL
} > "$WORK/oracle.sql"

# GEOS/RTTOPO print a warning per invalid geometry they see; keep them out of the output.
sqlite3 -batch "$DB" < "$WORK/oracle.sql" > "$WORK/result.raw.json" 2> "$WORK/sqlite.stderr" || {
  grep -v -e 'GEOS warning' -e 'RTTOPO warning' -e '^$' "$WORK/sqlite.stderr" >&2; exit 1; }

# Sanity: the outcomes must add up to the rows read.
python3 - "$WORK/result.raw.json" "$WORK/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
t, p = r["targets"], r["pledges"]
assert sum(t[k] for k in ("clean", "normalized", "corrected", "flagged", "unlocated", "rejected")) == t["read"], t
assert sum(t["rejected_by_reason"].values()) == t["rejected"], t
assert p["accepted"] + p["rejected"] == p["read"], p
assert sum(p["rejected_by_reason"].values()) == p["rejected"], p
json.dump(r, open(sys.argv[2], "w"), indent=2)
print(json.dumps(r, indent=2))
PY
