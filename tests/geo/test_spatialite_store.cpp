#include "geo/store/spatialite_store.hpp"

#include <geos_c.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "geo/error.hpp"
#include "geo/geos/geos_context.hpp"
#include "geo/geos/geos_geometry.hpp"
#include "geo/import/importer.hpp"
#include "geo/store/sqlite_db.hpp"
#include "geo/store/sqlite_statement.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

using test_support::temp_dir;

// The schema of version 1 as the first release wrote it (commit 9506e11), to make the
// databases that release left behind.
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

geo::target target(std::string id, std::string need = "beras") {
  geo::target t;
  t.id = std::move(id);
  t.program = "pangan";
  t.need = std::move(need);
  t.household_size = 4;
  t.priority = 3;
  t.lon = 106.805;
  t.lat = -6.195;
  t.declared_rt = "3171010001001001";
  t.row = 2;
  return t;
}

geo::pledge pledge(std::string id, std::string target_id, std::string status) {
  geo::pledge p;
  p.id = std::move(id);
  p.collaborator_id = "C1";
  p.target_id = std::move(target_id);
  p.program = "pangan";
  p.form = "uang";
  p.amount_idr = 500000;
  p.status = std::move(status);
  p.pledged_at = "2024-02-01";
  return p;
}

class SpatialiteStore : public ::testing::Test {
 protected:
  SpatialiteStore() : m_path(m_dir / "sasaran.db"), m_store(m_path) {}

  // For tests that remove a large share of a tiny layer on purpose.
  void allow_removals() {
    geo::sync_policy policy;
    policy.allow_removals = true;
    m_store.set_sync_policy(policy);
  }

  // A square MultiPolygon area of `layer`.
  geo::area square(geo::admin_level level, std::string code, double x0, double y0, double x1,
                   double y1) {
    GEOSWKTReader* reader = GEOSWKTReader_create_r(m_geos.handle());
    const std::string wkt = "POLYGON((" + std::to_string(x0) + " " + std::to_string(y0) + "," +
                            std::to_string(x1) + " " + std::to_string(y0) + "," +
                            std::to_string(x1) + " " + std::to_string(y1) + "," +
                            std::to_string(x0) + " " + std::to_string(y1) + "," +
                            std::to_string(x0) + " " + std::to_string(y0) + "))";
    const geo::geos_geometry polygon(
        m_geos, GEOSWKTReader_read_r(m_geos.handle(), reader, wkt.c_str()), "WKT reading");
    GEOSWKTReader_destroy_r(m_geos.handle(), reader);
    geo::area a;
    a.level = level;
    a.code = std::move(code);
    a.name = "Kebon Kelapa";
    a.parent_code = "3171010";
    a.wkb = polygon.polygonal_part().to_wkb();
    a.area_m2 = 4895685.155;
    a.box = polygon.envelope();
    a.layer = std::string(geo::to_string(level));
    a.row = 1;
    return a;
  }

  std::string query(const std::string& sql) {
    geo::sqlite_statement select = m_store.db().prepare(sql);
    std::string out;
    while (select.step())
      out += select.column_text(0) + "\n";
    return out;
  }

  // A collaborator C1 and targets T01, T02 for pledges to refer to.
  void store_pledge_parties() {
    m_store.begin();
    geo::collaborator c;
    c.id = "C1";
    c.name = "Budi Santoso";
    c.kind = "perorangan";
    m_store.sync_collaborators({c});
    m_store.sync_targets({target("T01"), target("T02")});
    m_store.commit();
  }

  temp_dir m_dir;
  std::string m_path;
  geo::spatialite_store m_store;
  geo::geos_context m_geos;
};

TEST_F(SpatialiteStore, CreatesSchemaInTheFirstTransaction) {
  EXPECT_EQ(query("PRAGMA user_version"), "0\n");
  EXPECT_TRUE(m_store.load_targets().empty());
  EXPECT_TRUE(m_store.load_tokens().empty());
  m_store.begin();
  m_store.commit();
  EXPECT_EQ(query("PRAGMA user_version"), "6\n");
  EXPECT_EQ(query("SELECT name FROM sqlite_master WHERE name IN ('areas', 'areas_rtree', "
                  "'targets', 'collaborators', 'pledges', 'import_issues', 'import_runs', "
                  "'realizations', 'audit_log', 'idempotent_answers', 'tokens', "
                  "'sign_in_links') ORDER BY name"),
            "areas\nareas_rtree\naudit_log\ncollaborators\nidempotent_answers\nimport_issues\n"
            "import_runs\npledges\nrealizations\nsign_in_links\ntargets\ntokens\n");
}

TEST_F(SpatialiteStore, RollbackDiscardsWritesAndSchema) {
  m_store.begin();
  m_store.sync_targets({target("T01")});
  m_store.rollback();
  EXPECT_EQ(query("PRAGMA user_version"), "0\n");
  EXPECT_TRUE(m_store.load_targets().empty());
}

TEST_F(SpatialiteStore, SyncTargetsInsertsUpdatesDeletesAndCountsUnchanged) {
  allow_removals();
  m_store.begin();
  const geo::change_counts first =
      m_store.sync_targets({target("T01"), target("T02"), target("T03")});
  const geo::change_counts second =
      m_store.sync_targets({target("T01"), target("T02", "minyak"), target("T04")});
  m_store.commit();
  EXPECT_EQ(first.inserted, 3u);
  EXPECT_EQ(std::tie(second.inserted, second.updated, second.deleted, second.unchanged),
            std::make_tuple(1u, 1u, 1u, 1u));
  EXPECT_EQ(query("SELECT id || ' ' || need FROM targets ORDER BY id"),
            "T01 beras\nT02 minyak\nT04 beras\n");
}

TEST_F(SpatialiteStore, StoresTargetPointAsGeometry) {
  m_store.begin();
  m_store.sync_targets({target("T01")});
  m_store.commit();
  EXPECT_EQ(query("SELECT AsText(geom) FROM targets"), "POINT(106.805 -6.195)\n");
  EXPECT_EQ(m_store.load_targets().at(0).lat, -6.195);
}

TEST_F(SpatialiteStore, LoadsAreasAsStored) {
  const geo::area a =
      square(geo::admin_level::kelurahan, "3171010001", 106.80, -6.20, 106.82, -6.18);
  m_store.begin();
  m_store.sync_areas("kelurahan", {a});
  m_store.commit();
  const std::vector<geo::area> loaded = m_store.load_areas(geo::admin_level::kelurahan);
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].code, a.code);
  EXPECT_EQ(loaded[0].parent_code, "3171010");
  EXPECT_EQ(loaded[0].wkb, a.wkb);
  EXPECT_EQ(loaded[0].box, a.box);
  EXPECT_EQ(loaded[0].area_m2, a.area_m2);
  EXPECT_TRUE(m_store.load_areas(geo::admin_level::rw).empty());
}

TEST_F(SpatialiteStore, KeepsRtreeInStepWithAreas) {
  allow_removals();
  const std::string hits =
      "SELECT count(*) FROM areas_rtree WHERE min_lon <= 106.81 AND max_lon >= 106.81 AND "
      "min_lat <= -6.19 AND max_lat >= -6.19";
  m_store.begin();
  m_store.sync_areas("kelurahan", {square(geo::admin_level::kelurahan, "3171010001", 106.80, -6.20,
                                          106.82, -6.18)});
  EXPECT_EQ(query(hits), "1\n");
  EXPECT_EQ(m_store.sync_areas("kelurahan", {}).deleted, 1u);
  EXPECT_EQ(query(hits), "0\n");
  m_store.rollback();
}

TEST_F(SpatialiteStore, RefusesAreaCodeAlreadyGivenByAnotherLayer) {
  m_store.begin();
  m_store.sync_areas("kelurahan", {square(geo::admin_level::kelurahan, "3171010001", 106.80, -6.20,
                                          106.82, -6.18)});
  try {
    m_store.sync_areas("rw",
                       {square(geo::admin_level::rw, "3171010001", 106.80, -6.20, 106.81, -6.18)});
    FAIL() << "no error";
  } catch (const geo::store_error& e) {
    EXPECT_STREQ(e.what(),
                 "area 3171010001 (layer rw, feature 1) is already given by layer kelurahan");
  }
  m_store.rollback();
}

TEST_F(SpatialiteStore, RefusesSecondActivePledgeOnOneTargetAndProgram) {
  m_store.begin();
  try {
    m_store.sync_pledges({pledge("P01", "T01", "committed"), pledge("P11", "T01", "delivered")});
    FAIL() << "no error";
  } catch (const geo::store_error& e) {
    const std::string message = e.what();
    EXPECT_TRUE(
        message.ends_with("': UNIQUE constraint failed: pledges.target_id, pledges.program"))
        << message;
    EXPECT_NE(message.find(" in '" + m_path + "'"), std::string::npos) << message;
  }
  m_store.rollback();
}

TEST_F(SpatialiteStore, AcceptsCancelledPledgeBesideTheActiveOne) {
  m_store.begin();
  const geo::change_counts c =
      m_store.sync_pledges({pledge("P01", "T01", "committed"), pledge("P12", "T01", "cancelled")});
  m_store.rollback();
  EXPECT_EQ(c.inserted, 2u);
}

TEST_F(SpatialiteStore, PassesTargetFromPledgeCancelledToNewPledgeInOneSync) {
  store_pledge_parties();
  m_store.begin();
  m_store.sync_pledges({pledge("P01", "T01", "committed")});
  m_store.commit();
  m_store.begin();
  const geo::change_counts c =
      m_store.sync_pledges({pledge("P20", "T01", "committed"), pledge("P01", "T01", "cancelled")});
  m_store.commit();
  EXPECT_EQ(std::tie(c.inserted, c.updated), std::make_tuple(1u, 1u));
  EXPECT_EQ(query("SELECT id || ' ' || status FROM pledges ORDER BY id"),
            "P01 cancelled\nP20 committed\n");
}

TEST_F(SpatialiteStore, LetsNewPledgeTakeTargetOfAPledgeRemovedFromTheFile) {
  allow_removals();
  store_pledge_parties();
  m_store.begin();
  m_store.sync_pledges({pledge("P01", "T01", "committed")});
  m_store.commit();
  m_store.begin();
  const geo::change_counts c = m_store.sync_pledges({pledge("P20", "T01", "committed")});
  m_store.commit();
  EXPECT_EQ(std::tie(c.inserted, c.deleted), std::make_tuple(1u, 1u));
  EXPECT_EQ(query("SELECT id FROM pledges"), "P20\n");
}

TEST_F(SpatialiteStore, ReplacesIssuesOfALayerAndLoadsThemByOutcome) {
  const geo::import_issue rejected{
      9, "T01", geo::outcome::rejected, "duplicate", "duplicate of row 2", "T01,pangan"};
  const geo::import_issue flagged{5, "T04", geo::outcome::flagged, "other_rt", "point lies", "T04"};
  m_store.begin();
  m_store.replace_issues("targets", {flagged});
  m_store.replace_issues("targets", {rejected, flagged});
  m_store.replace_issues("pledges", {rejected});
  m_store.commit();
  const auto all = m_store.load_issues("targets", std::nullopt);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].row, 5u);
  const auto only = m_store.load_issues("targets", geo::outcome::rejected);
  ASSERT_EQ(only.size(), 1u);
  EXPECT_EQ(std::tie(only[0].row, only[0].key, only[0].result, only[0].reason, only[0].message,
                     only[0].raw),
            std::tie(rejected.row, rejected.key, rejected.result, rejected.reason, rejected.message,
                     rejected.raw));
}

TEST_F(SpatialiteStore, InsertsApiPledgeWithOriginApiAndSourceRowZero) {
  store_pledge_parties();
  geo::pledge p = pledge("P000016", "T02", "committed");
  p.row = 7;  // ignored: an API pledge has no row
  m_store.begin();
  m_store.insert_pledge(p);
  m_store.commit();
  EXPECT_EQ(query("SELECT id || ' ' || origin || ' ' || source_row || ' ' || status || ' ' || "
                  "amount_idr FROM pledges"),
            "P000016 api 0 committed 500000\n");
  const std::vector<geo::pledge> loaded = m_store.load_pledges();
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].target_id, "T02");
  EXPECT_EQ(loaded[0].quantity, std::nullopt);
}

TEST_F(SpatialiteStore, RefusesApiPledgeOnATargetAlreadyHeld) {
  store_pledge_parties();
  m_store.begin();
  m_store.insert_pledge(pledge("P000016", "T02", "committed"));
  try {
    m_store.insert_pledge(pledge("P000017", "T02", "committed"));
    FAIL() << "no error";
  } catch (const geo::conflict_error& e) {
    EXPECT_EQ(e.kind(), geo::conflict_kind::target_taken);
    EXPECT_EQ(e.holder(), "P000016");
    EXPECT_STREQ(e.what(), "target T02 already has pledge P000016 (committed) for program pangan");
  }
  m_store.rollback();
}

TEST_F(SpatialiteStore, SetsPledgeStatusAndNotesWhenTheServerChangedIt) {
  store_pledge_parties();
  m_store.begin();
  m_store.sync_pledges({pledge("P01", "T01", "committed")});
  m_store.set_pledge_status("P01", "cancelled");
  m_store.commit();
  EXPECT_EQ(m_store.load_pledges().at(0).status, "cancelled");
  EXPECT_EQ(query("SELECT origin || ' ' || (updated_at IS NOT NULL) FROM pledges"), "import 1\n");
}

TEST_F(SpatialiteStore, SetPledgeStatusOfAnUnknownIdIsNotFound) {
  store_pledge_parties();
  m_store.begin();
  try {
    m_store.set_pledge_status("P99", "cancelled");
    FAIL() << "no error";
  } catch (const geo::not_found_error& e) {
    EXPECT_STREQ(e.what(), "pledge P99 does not exist");
  }
  m_store.rollback();
}

TEST_F(SpatialiteStore, StoresAndLoadsRealizations) {
  store_pledge_parties();
  const geo::realization r{"R000001",           "P01",        "Pak Joko", "2024-03-01",
                           "diterima ketua RT", std::nullopt, 20,         "2024-03-02T10:00:00Z"};
  m_store.begin();
  m_store.sync_pledges({pledge("P01", "T01", "delivered")});
  m_store.insert_realization(r);
  m_store.commit();
  const std::vector<geo::realization> loaded = m_store.load_realizations();
  ASSERT_EQ(loaded.size(), 1u);
  const geo::realization& l = loaded[0];
  EXPECT_EQ(std::tie(l.id, l.pledge_id, l.delivered_by, l.delivered_at, l.note, l.amount_idr,
                     l.quantity, l.recorded_at),
            std::tie(r.id, r.pledge_id, r.delivered_by, r.delivered_at, r.note, r.amount_idr,
                     r.quantity, r.recorded_at));
}

TEST_F(SpatialiteStore, RefusesRealizationOfAnUnknownPledge) {
  m_store.begin();
  EXPECT_THROW(
      m_store.insert_realization(
          {"R000001", "P99", "Pak Joko", "2024-03-01", "", {}, {}, "2024-03-02T10:00:00Z"}),
      geo::store_error);
  m_store.rollback();
}

TEST_F(SpatialiteStore, AuditLogNumbersEntriesAndLoadsNewestFirst) {
  m_store.begin();
  for (const char* subject : {"P000001", "P000002", "P000003"})
    m_store.append_audit({0, "", "tok_1a2b3c4d", "collaborator", "pledge.create", subject, "req-1",
                          R"({"form":"uang"})"});
  m_store.append_audit(
      {0, "2024-03-01T08:00:00.000Z", "cli", "admin", "token.create", "tok_1a2b3c4d", "", "{}"});
  m_store.commit();
  const std::vector<geo::audit_entry> last = m_store.load_audit(3);
  ASSERT_EQ(last.size(), 3u);
  EXPECT_EQ(
      std::tie(last[0].id, last[0].at, last[0].actor, last[0].action, last[0].subject),
      std::make_tuple(std::int64_t{4}, std::string("2024-03-01T08:00:00.000Z"), std::string("cli"),
                      std::string("token.create"), std::string("tok_1a2b3c4d")));
  EXPECT_EQ(last[1].id, 3);
  EXPECT_EQ(last[1].subject, "P000003");
  EXPECT_EQ(last[1].role, "collaborator");
  EXPECT_EQ(last[1].request_id, "req-1");
  EXPECT_EQ(last[1].detail, R"({"form":"uang"})");
  // An empty `at` is now, in UTC with milliseconds.
  EXPECT_TRUE(std::regex_match(last[1].at, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << last[1].at;
  EXPECT_EQ(last[2].id, 2);
  EXPECT_EQ(m_store.load_audit(10).size(), 4u);
}

TEST_F(SpatialiteStore, KeepsIdempotentAnswersPerScopeAndKey) {
  const geo::stored_answer a{
      "tok_1a2b3c4d",        "key-1", "9f2c", 201, "application/json", R"({"id":"P000016"})",
      "2024-03-01T08:00:00Z"};
  m_store.begin();
  m_store.save_answer(a);
  m_store.save_answer({"tok_99999999", "key-1", "77aa", 409, "application/problem+json", "{}", ""});
  m_store.commit();
  const auto found = m_store.find_answer("tok_1a2b3c4d", "key-1");
  ASSERT_TRUE(found);
  EXPECT_EQ(
      std::tie(found->scope, found->key, found->fingerprint, found->status, found->content_type,
               found->body, found->created_at),
      std::tie(a.scope, a.key, a.fingerprint, a.status, a.content_type, a.body, a.created_at));
  EXPECT_EQ(m_store.find_answer("tok_99999999", "key-1")->status, 409);
  EXPECT_FALSE(m_store.find_answer("tok_1a2b3c4d", "key-2"));
  m_store.begin();
  EXPECT_THROW(m_store.save_answer(a), geo::store_error);
  m_store.rollback();
}

TEST_F(SpatialiteStore, StoresTokensAndFindsThemByHash) {
  geo::access_token pic{"tok_0000000a",
                        geo::hash_secret("sst_a"),
                        geo::role::pic,
                        {"3171010001", "3171010002"},
                        "",
                        "2024-03-01T08:00:00Z",
                        false,
                        "Bu Sri"};
  geo::access_token agg{"tok_0000000b",
                        geo::hash_secret("sst_b"),
                        geo::role::aggregator,
                        {},
                        "C6",
                        "2024-03-01T08:00:01Z",
                        false,
                        ""};
  m_store.begin();
  m_store.insert_token(pic);
  m_store.insert_token(agg);
  m_store.commit();
  const auto found = m_store.find_token(geo::hash_secret("sst_a"));
  ASSERT_TRUE(found);
  EXPECT_EQ(std::tie(found->id, found->secret_hash, found->who, found->areas,
                     found->collaborator_id, found->created_at, found->revoked, found->note),
            std::tie(pic.id, pic.secret_hash, pic.who, pic.areas, pic.collaborator_id,
                     pic.created_at, pic.revoked, pic.note));
  EXPECT_FALSE(m_store.find_token(geo::hash_secret("sst_c")));
  EXPECT_EQ(query("SELECT areas FROM tokens WHERE id = 'tok_0000000a'"),
            "[\"3171010001\",\"3171010002\"]\n");
  const std::vector<geo::access_token> all = m_store.load_tokens();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].who, geo::role::aggregator);
  EXPECT_EQ(all[1].collaborator_id, "C6");
}

TEST_F(SpatialiteStore, RevokesATokenForGoodAndRefusesUnknownIds) {
  m_store.begin();
  m_store.insert_token({"tok_0000000a",
                        geo::hash_secret("sst_a"),
                        geo::role::admin,
                        {},
                        "",
                        "2024-03-01T08:00:00Z",
                        false,
                        ""});
  m_store.revoke_token("tok_0000000a");
  try {
    m_store.revoke_token("tok_ffffffff");
    FAIL() << "no error";
  } catch (const geo::not_found_error& e) {
    EXPECT_STREQ(e.what(), "token tok_ffffffff does not exist");
  }
  m_store.commit();
  EXPECT_TRUE(m_store.find_token(geo::hash_secret("sst_a"))->revoked);
}

TEST_F(SpatialiteStore, ReimportLeavesApiPledgesAlone) {
  allow_removals();
  store_pledge_parties();
  m_store.begin();
  m_store.sync_pledges({pledge("P01", "T01", "committed")});
  m_store.insert_pledge(pledge("P000002", "T02", "committed"));
  m_store.commit();
  m_store.begin();
  // The file no longer has P01 and never had P000002.
  const geo::change_counts c = m_store.sync_pledges({pledge("P03", "T01", "cancelled")});
  m_store.commit();
  EXPECT_EQ(std::tie(c.inserted, c.updated, c.deleted, c.unchanged),
            std::make_tuple(1u, 0u, 1u, 0u));
  EXPECT_EQ(query("SELECT id || ' ' || origin || ' ' || status FROM pledges ORDER BY id"),
            "P000002 api committed\nP03 import cancelled\n");
}

TEST_F(SpatialiteStore, ReimportLeavesPledgesTheServerChangedAlone) {
  store_pledge_parties();
  m_store.begin();
  m_store.sync_pledges({pledge("P01", "T01", "committed"), pledge("P02", "T02", "committed")});
  m_store.set_pledge_status("P01", "delivered");
  m_store.set_pledge_status("P02", "cancelled");
  m_store.commit();
  m_store.begin();
  // The same file again: its rows are as imported, so nothing changes.
  const geo::change_counts same =
      m_store.sync_pledges({pledge("P01", "T01", "committed"), pledge("P02", "T02", "committed")});
  // A file without them does not delete them either.
  const geo::change_counts without = m_store.sync_pledges({});
  m_store.commit();
  EXPECT_EQ(std::tie(same.inserted, same.updated, same.deleted, same.unchanged),
            std::make_tuple(0u, 0u, 0u, 2u));
  EXPECT_EQ(without.deleted, 0u);
  EXPECT_EQ(query("SELECT id || ' ' || status FROM pledges ORDER BY id"),
            "P01 delivered\nP02 cancelled\n");
}

TEST_F(SpatialiteStore, ReimportRefusesToOverwriteAPledgeTheServerChanged) {
  store_pledge_parties();
  m_store.begin();
  m_store.sync_pledges({pledge("P01", "T01", "committed")});
  m_store.set_pledge_status("P01", "delivered");
  m_store.commit();
  geo::pledge edited = pledge("P01", "T01", "committed");
  edited.amount_idr = 750000;
  edited.row = 2;
  m_store.begin();
  try {
    m_store.sync_pledges({edited});
    FAIL() << "no error";
  } catch (const geo::store_error& e) {
    EXPECT_STREQ(e.what(),
                 "pledge P01 (row 2) is not imported: pledge P01 was changed through the API "
                 "(now delivered), and a re-import leaves it alone");
  }
  m_store.rollback();
}

TEST_F(SpatialiteStore, ReimportRefusesAFileRowWithTheIdOfAnApiPledge) {
  store_pledge_parties();
  m_store.begin();
  m_store.insert_pledge(pledge("P000002", "T02", "committed"));
  m_store.commit();
  geo::pledge clash = pledge("P000002", "T01", "committed");
  clash.row = 5;
  m_store.begin();
  try {
    m_store.sync_pledges({clash});
    FAIL() << "no error";
  } catch (const geo::store_error& e) {
    EXPECT_STREQ(e.what(),
                 "pledge P000002 (row 5) is not imported: pledge P000002 was made through the "
                 "API, and a re-import leaves it alone");
  }
  m_store.rollback();
}

TEST_F(SpatialiteStore, ReimportRefusesAnActiveFilePledgeOnATargetAnApiPledgeHolds) {
  store_pledge_parties();
  m_store.begin();
  m_store.insert_pledge(pledge("P000002", "T02", "committed"));
  m_store.commit();
  geo::pledge second = pledge("P05", "T02", "committed");
  second.row = 6;
  m_store.begin();
  try {
    m_store.sync_pledges({second});
    FAIL() << "no error";
  } catch (const geo::store_error& e) {
    EXPECT_STREQ(e.what(),
                 "pledge P05 (row 6) would be a second active pledge on target T02 for pangan: "
                 "pledge P000002 was made through the API and holds it");
  }
  m_store.rollback();
}

TEST_F(SpatialiteStore, ReimportRetiresATargetAPledgeRefersToAndFlagsItsActivePledges) {
  store_pledge_parties();
  m_store.begin();
  m_store.sync_targets({target("T01"), target("T02"), target("T03")});
  m_store.insert_pledge(pledge("P000002", "T02", "committed"));
  m_store.commit();
  allow_removals();
  m_store.begin();
  const geo::change_counts c = m_store.sync_targets({target("T01")});
  const std::int64_t run = m_store.record_import("targets", {});
  m_store.commit();
  EXPECT_EQ(std::tie(c.inserted, c.updated, c.deleted, c.unchanged, c.retired, c.restored),
            std::make_tuple(0u, 0u, 1u, 1u, 1u, 0u));
  ASSERT_EQ(m_store.load_targets().size(), 1u);
  ASSERT_EQ(m_store.load_retired_targets().size(), 1u);
  EXPECT_EQ(m_store.load_retired_targets().at(0).id, "T02");
  EXPECT_EQ(m_store.load_pledges().at(0).flag, "target_retired");
  std::string changes;
  for (const geo::row_change& rc : m_store.load_changes(run, "", 10, 0))
    changes += rc.layer + " " + rc.key + " " + rc.change + "\n";
  EXPECT_EQ(changes, "targets T02 retired\ntargets T03 removed\n");
}

TEST_F(SpatialiteStore, ATargetBackInTheFileIsRestoredWithItsPledgesUnflagged) {
  store_pledge_parties();
  m_store.begin();
  m_store.sync_targets({target("T01"), target("T02")});
  m_store.insert_pledge(pledge("P000002", "T02", "committed"));
  m_store.commit();
  allow_removals();
  m_store.begin();
  m_store.sync_targets({target("T01")});
  m_store.commit();
  m_store.begin();
  const geo::change_counts c = m_store.sync_targets({target("T01"), target("T02")});
  const std::int64_t run = m_store.record_import("targets", {});
  m_store.commit();
  EXPECT_EQ(std::tie(c.inserted, c.updated, c.unchanged, c.restored),
            std::make_tuple(0u, 0u, 1u, 1u));
  EXPECT_EQ(m_store.load_targets().size(), 2u);
  EXPECT_TRUE(m_store.load_retired_targets().empty());
  EXPECT_EQ(m_store.load_pledges().at(0).flag, "");
  ASSERT_EQ(m_store.load_changes(run, "targets", 10, 0).size(), 1u);
  EXPECT_EQ(m_store.load_changes(run, "targets", 10, 0).at(0).change, "restored");
}

TEST_F(SpatialiteStore, RefusesToRemoveMoreThanATenthOfALayerNamingTheRowsAndChangesNothing) {
  std::vector<geo::target> many;
  for (int i = 0; i < 20; ++i)
    many.push_back(target("T" + std::to_string(100 + i)));
  m_store.begin();
  m_store.sync_targets(many);
  m_store.commit();
  // Two of twenty (10%) may go; three may not.
  m_store.begin();
  EXPECT_EQ(m_store.sync_targets({many.begin() + 2, many.end()}).deleted, 2u);
  m_store.rollback();
  m_store.begin();
  try {
    m_store.sync_targets({many.begin() + 3, many.end()});
    FAIL() << "no error";
  } catch (const geo::removal_error& e) {
    EXPECT_STREQ(e.what(),
                 "layer targets: the file lacks 3 of the 20 rows stored, more than 10% (a damaged "
                 "or partial file?); they would be removed or retired: T100, T101, T102. Nothing "
                 "was changed; to accept, import again with --allow-removals");
  }
  m_store.rollback();
  EXPECT_EQ(m_store.load_targets().size(), 20u);
}

TEST_F(SpatialiteStore, RetiresAnAreaATokenOrATargetRefersToAndRemovesTheOthers) {
  allow_removals();
  m_store.begin();
  m_store.sync_areas("rt", {square(geo::admin_level::rt, "3171010001001001", 0, 0, 1, 1),
                            square(geo::admin_level::rt, "3171010001001002", 1, 0, 2, 1),
                            square(geo::admin_level::rt, "3171010001001003", 2, 0, 3, 1)});
  m_store.sync_targets({target("T01")});  // declared in ...001
  geo::access_token pic;
  pic.id = "tok_1";
  pic.secret_hash = "h";
  pic.who = geo::role::pic;
  pic.areas = {"3171010001001002"};
  pic.created_at = "2026-01-01T00:00:00Z";
  m_store.insert_token(pic);
  m_store.commit();
  m_store.begin();
  const geo::change_counts c = m_store.sync_areas("rt", {});
  m_store.commit();
  EXPECT_EQ(std::tie(c.deleted, c.retired), std::make_tuple(1u, 2u));
  EXPECT_TRUE(m_store.load_areas(geo::admin_level::rt).empty());
  EXPECT_EQ(query("SELECT code FROM areas WHERE retired_at IS NOT NULL ORDER BY code"),
            "3171010001001001\n3171010001001002\n");
  EXPECT_EQ(query("SELECT count(*) FROM areas_rtree"), "0\n");
}

TEST_F(SpatialiteStore, TransactionsOfTwoThreadsDoNotMix) {
  const auto write = [&](const std::string& actor) {
    for (int i = 0; i < 20; ++i) {
      geo::store_transaction t(m_store);
      m_store.append_audit({0, "", actor, "admin", "token.create", std::to_string(i), "", "{}"});
      m_store.append_audit({0, "", actor, "admin", "token.revoke", std::to_string(i), "", "{}"});
      t.commit();
    }
  };
  std::thread a(write, "a"), b(write, "b");
  a.join();
  b.join();
  // Each transaction's two entries sit next to each other.
  const std::vector<geo::audit_entry> log = m_store.load_audit(100);
  ASSERT_EQ(log.size(), 80u);
  for (std::size_t i = 0; i < log.size(); i += 2) {
    EXPECT_EQ(log[i].actor, log[i + 1].actor) << i;
    EXPECT_EQ(log[i].subject, log[i + 1].subject) << i;
  }
}

TEST_F(SpatialiteStore, RefusesADatabaseOfANewerSchema) {
  m_store.begin();
  m_store.commit();
  m_store.db().exec("PRAGMA user_version = 7");
  try {
    geo::spatialite_store newer(m_path);
    FAIL() << "no error";
  } catch (const geo::store_error& e) {
    EXPECT_EQ(e.what(),
              "'" + m_path + "' has schema version 7; this sasaran knows versions up to 6");
  }
}

// Databases the first release left behind: the tiny dataset imported now, copied table by
// table into the version 1 schema.
class SpatialiteStoreMigration : public ::testing::Test {
 protected:
  SpatialiteStoreMigration() : m_current_path(m_dir / "current.db"), m_v1_path(m_dir / "v1.db") {
    geo::spatialite_store current(m_current_path);
    geo::silent_progress progress;
    geo::importer importer(current, progress);
    importer.import_dataset(geo::load_dataset_description(
        std::string(SASARAN_TEST_DATA) + "/dataset-tiny.json", SASARAN_TEST_DATA));
    m_current_pledges = current.load_pledges();
    m_current_schema = schema(current.db());
  }

  // A version 1 database with the rows of the current one; `extra_sql` runs before the copy.
  void make_v1(const std::string& extra_sql = "") {
    geo::sqlite_db db(m_v1_path);
    db.exec("BEGIN");
    db.exec(schema_v1_sql);
    db.exec(extra_sql);
    db.exec("PRAGMA user_version = 1; ATTACH '" + m_current_path + "' AS current");
    for (const char* table :
         {"areas", "areas_rtree", "targets", "collaborators", "import_issues", "import_runs"})
      db.exec(std::string("INSERT INTO main.") + table + " SELECT " + columns_of(db, table) +
              " FROM current." + table);
    db.exec(R"sql(
      INSERT INTO main.pledges SELECT id, collaborator_id, target_id, program, form, amount_idr,
        quantity, status, pledged_at, source_row, row_hash FROM current.pledges)sql");
    db.exec("COMMIT; DETACH current");
  }

  // The columns of a version 1 table: later versions added some.
  static std::string columns_of(geo::sqlite_db& db, const std::string& table) {
    geo::sqlite_statement select =
        db.prepare("SELECT name FROM pragma_table_info('" + table + "', 'main')");
    std::string out;
    while (select.step())
      out += (out.empty() ? "" : ", ") + select.column_text(0);
    return out;
  }

  static std::string schema(geo::sqlite_db& db) {
    geo::sqlite_statement select = db.prepare(
        "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master ORDER BY "
        "name");
    std::string out;
    while (select.step())
      out += select.column_text(0) + "\n";
    return out;
  }

  static std::string query(geo::sqlite_db& db, const std::string& sql) {
    geo::sqlite_statement select = db.prepare(sql);
    std::string out;
    while (select.step())
      out += select.column_text(0) + "\n";
    return out;
  }

  temp_dir m_dir;
  std::string m_current_path;
  std::string m_v1_path;
  std::vector<geo::pledge> m_current_pledges;
  std::string m_current_schema;
};

TEST_F(SpatialiteStoreMigration, MigratesVersion1OnOpenKeepingEveryRow) {
  make_v1();
  const std::string counts =
      "SELECT (SELECT count(*) FROM areas) || ' ' || (SELECT count(*) FROM areas_rtree) || ' ' "
      "|| (SELECT count(*) FROM targets) || ' ' || (SELECT count(*) FROM collaborators) || ' ' "
      "|| (SELECT count(*) FROM pledges) || ' ' || (SELECT count(*) FROM import_issues) || ' ' "
      "|| (SELECT count(*) FROM import_runs)";
  std::string before;
  {
    geo::sqlite_db v1(m_v1_path);
    before = query(v1, counts);
  }
  EXPECT_EQ(before, "13 13 6 4 3 33 1\n");
  geo::spatialite_store migrated(m_v1_path);
  EXPECT_EQ(query(migrated.db(), "PRAGMA user_version"), "6\n");
  EXPECT_EQ(query(migrated.db(), counts), before);
  EXPECT_EQ(query(migrated.db(),
                  "SELECT id || ' ' || status || ' ' || origin || ' ' || "
                  "coalesce(updated_at, '-') FROM pledges ORDER BY id"),
            "P01 committed import -\nP12 cancelled import -\nP13 committed import -\n");
  // The same schema as a database made now, and the row hashes still match the file's rows.
  EXPECT_EQ(schema(migrated.db()), m_current_schema);
  migrated.begin();
  const geo::change_counts c = migrated.sync_pledges(m_current_pledges);
  migrated.commit();
  EXPECT_EQ(std::tie(c.inserted, c.updated, c.deleted, c.unchanged),
            std::make_tuple(0u, 0u, 0u, 3u));
  EXPECT_TRUE(migrated.load_tokens().empty());
}

TEST_F(SpatialiteStoreMigration, FailedMigrationLeavesTheVersion1DatabaseAsItWas) {
  // A table of the new schema's name that someone made by hand stops the migration halfway.
  make_v1("CREATE TABLE tokens(x)");
  EXPECT_THROW(geo::spatialite_store{m_v1_path}, geo::store_error);
  geo::sqlite_db v1(m_v1_path);
  EXPECT_EQ(query(v1, "PRAGMA user_version"), "1\n");
  EXPECT_EQ(query(v1,
                  "SELECT count(*) FROM sqlite_master WHERE name IN ('realizations', "
                  "'audit_log')"),
            "0\n");
  EXPECT_EQ(query(v1, "SELECT count(*) FROM pragma_table_info('pledges') WHERE name = 'origin'"),
            "0\n");
  EXPECT_EQ(query(v1, "SELECT count(*) FROM pledges"), "3\n");
}

}  // namespace
