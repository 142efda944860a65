#include "geo/store/spatialite_schema.hpp"

#include <iterator>
#include <string>

#include "geo/error.hpp"
#include "geo/store/sqlite_db.hpp"
#include "geo/store/sqlite_statement.hpp"

namespace geo {
namespace {

// Version 1, as the first release made it; frozen, a new version adds a step below. A new
// database runs every step, so it ends with the same schema as a migrated one.
// SpatiaLite geometry columns are added through its functions so that its metadata
// (geometry_columns, type and SRID triggers) knows them and GIS clients find them.
constexpr const char* schema_v1_sql = R"sql(
SELECT InitSpatialMetaData(0, 'WGS84_ONLY');
CREATE TABLE areas(
  id INTEGER PRIMARY KEY,
  level TEXT NOT NULL CHECK (level IN ('kota', 'kecamatan', 'kelurahan', 'rw', 'rt')),
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  parent_code TEXT,
  area_m2 REAL NOT NULL,
  min_lon REAL NOT NULL, min_lat REAL NOT NULL, max_lon REAL NOT NULL, max_lat REAL NOT NULL,
  layer TEXT NOT NULL,
  source_row INTEGER NOT NULL,
  row_hash INTEGER NOT NULL);
SELECT AddGeometryColumn('areas', 'geom', 4326, 'MULTIPOLYGON', 'XY', 1);
-- SpatiaLite's per-row triggers (type/SRID check, last-change timestamps) cost ~7 us a row,
-- a third of a Jakarta import; the store writes only MultiPolygons and Points in EPSG:4326.
DROP TRIGGER ggi_areas_geom; DROP TRIGGER ggu_areas_geom;
DROP TRIGGER tmi_areas_geom; DROP TRIGGER tmu_areas_geom; DROP TRIGGER tmd_areas_geom;
CREATE INDEX areas_level_parent ON areas(level, parent_code);
CREATE VIRTUAL TABLE areas_rtree USING rtree(id, min_lon, max_lon, min_lat, max_lat);
CREATE TABLE targets(
  pk INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  program TEXT NOT NULL,
  need TEXT NOT NULL,
  household_size INTEGER NOT NULL CHECK (household_size >= 1),
  priority INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 5),
  lon REAL, lat REAL,
  import_outcome TEXT NOT NULL,
  declared_rt TEXT NOT NULL,
  rt_code TEXT, rw_code TEXT, kelurahan_code TEXT, kecamatan_code TEXT, kota_code TEXT,
  registered_at TEXT,
  source_row INTEGER NOT NULL,
  row_hash INTEGER NOT NULL);
SELECT AddGeometryColumn('targets', 'geom', 4326, 'POINT', 'XY', 0);
DROP TRIGGER ggi_targets_geom; DROP TRIGGER ggu_targets_geom;
DROP TRIGGER tmi_targets_geom; DROP TRIGGER tmu_targets_geom; DROP TRIGGER tmd_targets_geom;
-- No SQL index on target positions or areas: the server answers those from its in-memory
-- indexes, and an R*Tree of 250k points alone would cost ~3 s per import.
CREATE TABLE collaborators(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('perorangan', 'perusahaan', 'komunitas', 'instansi', 'agregator')),
  lon REAL, lat REAL,
  source_row INTEGER NOT NULL,
  row_hash INTEGER NOT NULL);
CREATE TABLE pledges(
  id TEXT PRIMARY KEY,
  collaborator_id TEXT NOT NULL REFERENCES collaborators(id) DEFERRABLE INITIALLY DEFERRED,
  target_id TEXT NOT NULL REFERENCES targets(id) DEFERRABLE INITIALLY DEFERRED,
  program TEXT NOT NULL,
  form TEXT NOT NULL CHECK (form IN ('uang', 'barang')),
  amount_idr INTEGER,
  quantity INTEGER,
  status TEXT NOT NULL CHECK (status IN ('committed', 'delivered', 'cancelled')),
  pledged_at TEXT NOT NULL,
  source_row INTEGER NOT NULL,
  row_hash INTEGER NOT NULL);
-- At most one active pledge per target and program: no double help.
CREATE UNIQUE INDEX pledges_one_active ON pledges(target_id, program)
  WHERE status IN ('committed', 'delivered');
CREATE INDEX pledges_collaborator ON pledges(collaborator_id);
CREATE TABLE import_issues(
  layer TEXT NOT NULL,
  row INTEGER NOT NULL,
  key TEXT,
  outcome TEXT NOT NULL,
  reason TEXT NOT NULL,
  message TEXT NOT NULL,
  raw TEXT NOT NULL,
  PRIMARY KEY (layer, row)) WITHOUT ROWID;
CREATE TABLE import_runs(
  id INTEGER PRIMARY KEY,
  finished_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  what TEXT NOT NULL,
  report TEXT NOT NULL);
)sql";

// Version 2: the server's writes. Pledges say where they came from (a file or the API) and
// when the server last changed them; a re-import leaves alone the pledges the server made or
// changed.
constexpr const char* schema_v2_sql = R"sql(
ALTER TABLE pledges ADD COLUMN origin TEXT NOT NULL DEFAULT 'import'
  CHECK (origin IN ('import', 'api'));
ALTER TABLE pledges ADD COLUMN updated_at TEXT;
CREATE TABLE realizations(
  id TEXT PRIMARY KEY,
  pledge_id TEXT NOT NULL REFERENCES pledges(id),
  delivered_by TEXT NOT NULL,
  delivered_at TEXT NOT NULL,
  note TEXT NOT NULL,
  amount_idr INTEGER CHECK (amount_idr >= 0),
  quantity INTEGER CHECK (quantity >= 0),
  recorded_at TEXT NOT NULL);
CREATE INDEX realizations_pledge ON realizations(pledge_id);
CREATE TABLE audit_log(
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  request_id TEXT NOT NULL,
  detail TEXT NOT NULL);
CREATE INDEX audit_log_subject ON audit_log(subject);
CREATE TABLE idempotent_answers(
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  status INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (scope, key)) WITHOUT ROWID;
CREATE TABLE tokens(
  id TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('collaborator', 'aggregator', 'planner', 'pic', 'admin')),
  areas TEXT NOT NULL,
  collaborator_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked INTEGER NOT NULL CHECK (revoked IN (0, 1)),
  note TEXT NOT NULL);
)sql";

// Version 3: a living registry. Rows a new file no longer has but something refers to are
// retired (kept with their history, hidden from the engine) instead of deleted; active pledges
// of a retired target carry a flag; every import records what it changed, by key. The full
// index on pledges(target_id) lets SQLite check the foreign key of a deleted target in one
// lookup (the partial unique index cannot serve it: 649 s to replace Jakarta's targets).
constexpr const char* schema_v3_sql = R"sql(
ALTER TABLE targets ADD COLUMN retired_at TEXT;
ALTER TABLE areas ADD COLUMN retired_at TEXT;
ALTER TABLE collaborators ADD COLUMN retired_at TEXT;
ALTER TABLE pledges ADD COLUMN flag TEXT CHECK (flag IN ('target_retired'));
CREATE INDEX pledges_target ON pledges(target_id);
-- One row per import, layer and kind of change, its keys sorted and joined by newlines: a
-- full replacement changes 500k rows, and a row each would cost a second of the import.
CREATE TABLE import_changes(
  run_id INTEGER NOT NULL REFERENCES import_runs(id),
  layer TEXT NOT NULL,
  change TEXT NOT NULL CHECK (change IN ('added', 'changed', 'retired', 'restored', 'removed')),
  keys TEXT NOT NULL,
  PRIMARY KEY (run_id, layer, change)) WITHOUT ROWID;
)sql";

// Version 4: sign-in without a terminal (docs/sign-in.md). A token is either an API token
// (`sasaran token create`, no end) or a session a sign-in link became (a person's name, an
// end). Links keep the hash of their code only, and once used the session they became.
constexpr const char* schema_v4_sql = R"sql(
ALTER TABLE tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'api' CHECK (kind IN ('api', 'session'));
ALTER TABLE tokens ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN expires_at TEXT;
CREATE TABLE sign_in_links(
  id TEXT PRIMARY KEY,
  code_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('collaborator', 'aggregator', 'planner', 'pic', 'admin')),
  areas TEXT NOT NULL,
  collaborator_id TEXT NOT NULL,
  session_seconds INTEGER NOT NULL CHECK (session_seconds > 0),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT,
  session_id TEXT REFERENCES tokens(id),
  CHECK ((used_at IS NULL) = (session_id IS NULL)));
)sql";

// Version 5: locations recorded in the field. A household the registry gives without a point
// gets one from the PIC who visits it (POST /api/v1/targets/{id}/location); when and by whom
// stay with the row, so that a re-import whose file still has no point for it keeps the point
// (docs/import.md, "Locations recorded in the field").
constexpr const char* schema_v5_sql = R"sql(
ALTER TABLE targets ADD COLUMN located_at TEXT;
ALTER TABLE targets ADD COLUMN located_by TEXT;
)sql";

// Version 6: any number of servers over one store. Every write the servers and imports make
// appends a change to `changes` in its own transaction (seq: commit order, since SQLite
// commits one writer at a time), which every server follows; `serials` hands out the numbers
// of new pledge and realization ids, so two servers never make the same id.
constexpr const char* schema_v6_sql = R"sql(
CREATE TABLE changes(
  seq INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('pledge', 'realization', 'location', 'token', 'import')),
  key TEXT NOT NULL,
  at TEXT NOT NULL);
CREATE TABLE serials(
  series TEXT PRIMARY KEY,
  last INTEGER NOT NULL) WITHOUT ROWID;
)sql";

constexpr const char* schema_steps[] = {schema_v1_sql, schema_v2_sql, schema_v3_sql,
                                        schema_v4_sql, schema_v5_sql, schema_v6_sql};
static_assert(std::size(schema_steps) == spatialite_schema_version);

}  // namespace

int schema_version_of(sqlite_db& db) {
  sqlite_statement s = db.prepare("PRAGMA user_version");
  return s.step() ? static_cast<int>(s.column_int(0)) : 0;
}

void upgrade_schema(sqlite_db& db, int version) {
  if (version < 0 || version > spatialite_schema_version)
    throw store_error("'" + db.path() + "' has schema version " + std::to_string(version) +
                      "; this sasaran knows versions up to " +
                      std::to_string(spatialite_schema_version));
  if (version == spatialite_schema_version) return;
  for (auto step = static_cast<std::size_t>(version); step < std::size(schema_steps); ++step)
    db.exec(schema_steps[step]);
  db.exec("PRAGMA user_version = " + std::to_string(spatialite_schema_version));
}

}  // namespace geo
