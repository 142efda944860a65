#include "geo/store/postgres_schema.hpp"

#include <iterator>
#include <string>

#include "geo/error.hpp"
#include "geo/store/pg_connection.hpp"

namespace geo {
namespace {

// Version 1: the tables of SpatiaLite schema 5, in PostgreSQL's types, and the change feed.
// Keys are text COLLATE "C" so that ORDER BY sorts bytes, as SQLite and the store's code do,
// whatever the database's locale. Times are text in the formats the SQLite store writes
// (UTC, ...T...Z), so that both stores answer the same strings. Frozen: a new version adds a
// step below.
constexpr const char* schema_v1_sql = R"sql(
CREATE TABLE areas(
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  level text NOT NULL CHECK (level IN ('kota', 'kecamatan', 'kelurahan', 'rw', 'rt')),
  code text COLLATE "C" NOT NULL UNIQUE,
  name text NOT NULL,
  parent_code text COLLATE "C",
  area_m2 double precision NOT NULL,
  min_lon double precision NOT NULL, min_lat double precision NOT NULL,
  max_lon double precision NOT NULL, max_lat double precision NOT NULL,
  layer text NOT NULL,
  source_row bigint NOT NULL,
  row_hash bigint NOT NULL,
  geom geometry(MultiPolygon, 4326) NOT NULL,
  retired_at text);
CREATE INDEX areas_level_parent ON areas(level, parent_code);
-- What SQL users query areas by (the SQLite store's R*Tree); retired areas are left out.
CREATE INDEX areas_geom ON areas USING gist(geom) WHERE retired_at IS NULL;
CREATE TABLE targets(
  pk bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text COLLATE "C" NOT NULL UNIQUE,
  program text NOT NULL,
  need text NOT NULL,
  household_size bigint NOT NULL CHECK (household_size >= 1),
  priority bigint NOT NULL CHECK (priority BETWEEN 1 AND 5),
  lon double precision, lat double precision,
  import_outcome text NOT NULL,
  declared_rt text COLLATE "C" NOT NULL,
  rt_code text COLLATE "C", rw_code text COLLATE "C", kelurahan_code text COLLATE "C",
  kecamatan_code text COLLATE "C", kota_code text COLLATE "C",
  registered_at text,
  source_row bigint NOT NULL,
  row_hash bigint NOT NULL,
  geom geometry(Point, 4326),
  retired_at text,
  located_at text,
  located_by text);
CREATE INDEX targets_geom ON targets USING gist(geom);
CREATE TABLE collaborators(
  id text COLLATE "C" PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL
    CHECK (kind IN ('perorangan', 'perusahaan', 'komunitas', 'instansi', 'agregator')),
  lon double precision, lat double precision,
  source_row bigint NOT NULL,
  row_hash bigint NOT NULL,
  retired_at text);
CREATE TABLE pledges(
  id text COLLATE "C" PRIMARY KEY,
  collaborator_id text COLLATE "C" NOT NULL
    REFERENCES collaborators(id) DEFERRABLE INITIALLY DEFERRED,
  target_id text COLLATE "C" NOT NULL REFERENCES targets(id) DEFERRABLE INITIALLY DEFERRED,
  program text NOT NULL,
  form text NOT NULL CHECK (form IN ('uang', 'barang')),
  amount_idr bigint,
  quantity bigint,
  status text NOT NULL CHECK (status IN ('committed', 'delivered', 'cancelled')),
  pledged_at text NOT NULL,
  source_row bigint NOT NULL,
  row_hash bigint NOT NULL,
  origin text NOT NULL DEFAULT 'import' CHECK (origin IN ('import', 'api')),
  updated_at text,
  flag text CHECK (flag IN ('target_retired')));
-- At most one active pledge per target and program: no double help, whichever server writes.
CREATE UNIQUE INDEX pledges_one_active ON pledges(target_id, program)
  WHERE status IN ('committed', 'delivered');
CREATE INDEX pledges_target ON pledges(target_id);
CREATE INDEX pledges_collaborator ON pledges(collaborator_id);
CREATE TABLE import_issues(
  layer text COLLATE "C" NOT NULL,
  row bigint NOT NULL,
  key text,
  outcome text NOT NULL,
  reason text NOT NULL,
  message text NOT NULL,
  raw text NOT NULL,
  PRIMARY KEY (layer, row));
CREATE TABLE import_runs(
  id bigint PRIMARY KEY,
  finished_at text NOT NULL
    DEFAULT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
  what text NOT NULL,
  report text NOT NULL);
CREATE TABLE import_changes(
  run_id bigint NOT NULL REFERENCES import_runs(id),
  layer text COLLATE "C" NOT NULL,
  change text NOT NULL CHECK (change IN ('added', 'changed', 'retired', 'restored', 'removed')),
  keys text NOT NULL,
  PRIMARY KEY (run_id, layer, change));
CREATE TABLE realizations(
  id text COLLATE "C" PRIMARY KEY,
  pledge_id text COLLATE "C" NOT NULL REFERENCES pledges(id),
  delivered_by text NOT NULL,
  delivered_at text NOT NULL,
  note text NOT NULL,
  amount_idr bigint CHECK (amount_idr >= 0),
  quantity bigint CHECK (quantity >= 0),
  recorded_at text NOT NULL);
CREATE INDEX realizations_pledge ON realizations(pledge_id);
-- Ids are numbered without gaps (the store takes max + 1 while it holds the writers' lock,
-- change_head): a gap in an audit log reads as a deleted entry.
CREATE TABLE audit_log(
  id bigint PRIMARY KEY,
  at text NOT NULL,
  actor text NOT NULL,
  role text NOT NULL,
  action text NOT NULL,
  subject text NOT NULL,
  request_id text NOT NULL,
  detail text NOT NULL);
CREATE INDEX audit_log_subject ON audit_log(subject);
CREATE TABLE idempotent_answers(
  scope text COLLATE "C" NOT NULL,
  key text COLLATE "C" NOT NULL,
  fingerprint text NOT NULL,
  status integer NOT NULL,
  content_type text NOT NULL,
  body text NOT NULL,
  created_at text NOT NULL,
  PRIMARY KEY (scope, key));
CREATE TABLE tokens(
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id text COLLATE "C" PRIMARY KEY,
  secret_hash text NOT NULL UNIQUE,
  role text NOT NULL CHECK (role IN ('collaborator', 'aggregator', 'planner', 'pic', 'admin')),
  areas text NOT NULL,
  collaborator_id text COLLATE "C" NOT NULL,
  created_at text NOT NULL,
  revoked boolean NOT NULL,
  note text NOT NULL,
  kind text NOT NULL DEFAULT 'api' CHECK (kind IN ('api', 'session')),
  name text NOT NULL DEFAULT '',
  expires_at text);
CREATE TABLE sign_in_links(
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id text COLLATE "C" PRIMARY KEY,
  code_hash text NOT NULL UNIQUE,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('collaborator', 'aggregator', 'planner', 'pic', 'admin')),
  areas text NOT NULL,
  collaborator_id text COLLATE "C" NOT NULL,
  session_seconds bigint NOT NULL CHECK (session_seconds > 0),
  created_at text NOT NULL,
  expires_at text NOT NULL,
  used_at text,
  session_id text COLLATE "C" REFERENCES tokens(id),
  CHECK ((used_at IS NULL) = (session_id IS NULL)));
-- The change feed (store.hpp, store_change): one row per write, numbered in commit order.
-- Every writer first updates the one row of change_head; its row lock, held to commit, makes
-- writers take turns, so seqs are handed out and committed in the same order.
CREATE TABLE changes(
  seq bigint PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('pledge', 'realization', 'location', 'token', 'import')),
  key text NOT NULL,
  at text NOT NULL);
CREATE TABLE change_head(
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  seq bigint NOT NULL);
INSERT INTO change_head(seq) VALUES (0);
CREATE TABLE serials(
  series text COLLATE "C" PRIMARY KEY,
  last bigint NOT NULL);
)sql";

constexpr const char* schema_steps[] = {schema_v1_sql};
static_assert(std::size(schema_steps) == postgres_schema_version);

// Any number: the advisory lock that makes schema work take turns between connections.
constexpr const char* schema_lock_sql = "SELECT pg_advisory_xact_lock(7310371501)";

}  // namespace

void prepare_postgres_schema(pg_connection& db) {
  db.exec("BEGIN");
  try {
    db.exec(schema_lock_sql);
    db.exec("CREATE EXTENSION IF NOT EXISTS postgis");
    db.exec("CREATE TABLE IF NOT EXISTS schema_version(version integer NOT NULL)");
    pg_rows current = db.exec("SELECT version FROM schema_version");
    const int version = current.size() == 0 ? 0 : static_cast<int>(current.integer(0, 0));
    if (version < 0 || version > postgres_schema_version)
      throw store_error(db.where() + " has schema version " + std::to_string(version) +
                        "; this sasaran knows versions up to " +
                        std::to_string(postgres_schema_version));
    for (auto step = static_cast<std::size_t>(version); step < std::size(schema_steps); ++step)
      db.exec_script(schema_steps[step]);
    if (version == 0)
      db.exec("INSERT INTO schema_version VALUES ($1)",
              {pg_value(std::int64_t{postgres_schema_version})});
    else if (version != postgres_schema_version)
      db.exec("UPDATE schema_version SET version = $1",
              {pg_value(std::int64_t{postgres_schema_version})});
    db.exec("COMMIT");
  } catch (...) {
    try {
      db.exec("ROLLBACK");
    } catch (const store_error&) {
      // The connection is gone; the server rolls the transaction back itself.
    }
    throw;
  }
}

}  // namespace geo
