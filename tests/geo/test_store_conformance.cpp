// What every store does, whichever it is: the same cases run on the embedded SpatiaLite store
// and on the PostgreSQL store (geo/store.hpp). A PostgreSQL case runs in a database of its
// own on the server of SASARAN_TEST_PG_URL, and skips when it is unset. SQL in these tests is
// what both databases read alike; what only one store has (the R*Tree, PostGIS columns, schema
// migrations) is tested beside that store.
#include <geos_c.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "geo/error.hpp"
#include "geo/geos/geos_context.hpp"
#include "geo/geos/geos_geometry.hpp"
#include "geo/store/postgres_store.hpp"
#include "geo/store/spatialite_store.hpp"
#include "geo/store/sqlite_db.hpp"
#include "geo/store/sqlite_statement.hpp"
#include "tests/support/pg_test_database.hpp"

namespace {

namespace fs = std::filesystem;

enum class backend { spatialite, postgres };

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

geo::target unlocated(std::string id) {
  geo::target t = target(std::move(id));
  t.lon.reset();
  t.lat.reset();
  t.import_outcome = geo::outcome::unlocated;
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

geo::access_token token(std::string id, std::vector<std::string> areas = {}) {
  geo::access_token t;
  t.id = id;
  t.secret_hash = geo::hash_secret("sst_" + id);
  t.who = areas.empty() ? geo::role::admin : geo::role::pic;
  t.areas = std::move(areas);
  t.created_at = "2026-01-01T00:00:00Z";
  return t;
}

class StoreConformance : public ::testing::TestWithParam<backend> {
 protected:
  void SetUp() override {
    if (GetParam() == backend::postgres) {
      const auto url = test_support::test_pg_url();
      if (!url) GTEST_SKIP() << test_support::no_pg_url;
      m_pg = std::make_unique<test_support::pg_test_database>(*url);
      m_store = std::make_unique<geo::postgres_store>(m_pg->url());
    } else {
      static std::atomic<int> counter{0};
      m_dir = fs::temp_directory_path() / ("sasaran-conformance-" + std::to_string(::getpid()) +
                                           "-" + std::to_string(counter++));
      fs::create_directories(m_dir);
      m_sqlite = new geo::spatialite_store((m_dir / "sasaran.db").string());
      m_store.reset(m_sqlite);
    }
  }
  void TearDown() override {
    m_store.reset();
    m_pg.reset();
    if (!m_dir.empty()) fs::remove_all(m_dir);
  }

  geo::store& store() { return *m_store; }

  // A second connection to the same database, as a second server would have.
  std::unique_ptr<geo::store> second_connection() {
    if (m_pg) return std::make_unique<geo::postgres_store>(m_pg->url());
    return std::make_unique<geo::spatialite_store>((m_dir / "sasaran.db").string());
  }

  // Each row's first column, followed by a newline.
  std::string query(const std::string& sql) {
    if (m_pg) return m_pg->query(sql);
    geo::sqlite_statement select = m_sqlite->db().prepare(sql);
    std::string out;
    while (select.step())
      out += select.column_text(0) + "\n";
    return out;
  }

  void allow_removals() {
    geo::sync_policy policy;
    policy.allow_removals = true;
    store().set_sync_policy(policy);
  }

  // A square MultiPolygon area.
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

  // A collaborator C1 and targets T01, T02 for pledges to refer to.
  void store_pledge_parties() {
    store().begin();
    geo::collaborator c;
    c.id = "C1";
    c.name = "Budi Santoso";
    c.kind = "perorangan";
    store().sync_collaborators({c});
    store().sync_targets({target("T01"), target("T02")});
    store().commit();
  }

  std::string changes_of(std::int64_t run, std::string_view layer = "", std::size_t limit = 100,
                         std::size_t offset = 0) {
    std::string out;
    for (const geo::row_change& rc : store().load_changes(run, layer, limit, offset))
      out += rc.layer + " " + rc.key + " " + rc.change + "\n";
    return out;
  }

  fs::path m_dir;
  std::unique_ptr<test_support::pg_test_database> m_pg;
  geo::spatialite_store* m_sqlite = nullptr;
  std::unique_ptr<geo::store> m_store;
  geo::geos_context m_geos;
};

TEST_P(StoreConformance, AnEmptyStoreLoadsNothing) {
  EXPECT_TRUE(store().load_targets().empty());
  EXPECT_TRUE(store().load_areas(geo::admin_level::rt).empty());
  EXPECT_TRUE(store().load_tokens().empty());
  EXPECT_TRUE(store().load_runs(10).empty());
  EXPECT_EQ(store().data_version(), 0);
  EXPECT_FALSE(store().find_answer("tok_1", "key-1"));
}

TEST_P(StoreConformance, RollbackDiscardsWrites) {
  store().begin();
  store().sync_targets({target("T01")});
  store().rollback();
  EXPECT_TRUE(store().load_targets().empty());
}

TEST_P(StoreConformance, SyncTargetsInsertsUpdatesDeletesAndCountsUnchanged) {
  allow_removals();
  store().begin();
  const geo::change_counts first =
      store().sync_targets({target("T01"), target("T02"), target("T03")});
  const geo::change_counts second =
      store().sync_targets({target("T01"), target("T02", "minyak"), target("T04")});
  store().commit();
  EXPECT_EQ(first.inserted, 3u);
  EXPECT_EQ(std::tie(second.inserted, second.updated, second.deleted, second.unchanged),
            std::make_tuple(1u, 1u, 1u, 1u));
  EXPECT_EQ(query("SELECT id || ' ' || need FROM targets ORDER BY id"),
            "T01 beras\nT02 minyak\nT04 beras\n");
}

TEST_P(StoreConformance, LoadsTargetsAsStoredInTableOrder) {
  geo::target t = target("T09");
  t.import_outcome = geo::outcome::corrected;
  t.rt_code = "3171010001001001";
  t.rw_code = "3171010001001";
  t.kelurahan_code = "3171010001";
  t.kecamatan_code = "3171010";
  t.kota_code = "3171";
  t.registered_at = "2024-01-20";
  t.row = 7;
  store().begin();
  store().sync_targets({t, target("T01"), unlocated("T05")});
  store().commit();
  const std::vector<geo::target> loaded = store().load_targets();
  ASSERT_EQ(loaded.size(), 3u);
  // Written in key order: T01, T05, T09.
  EXPECT_EQ(loaded[0].id, "T01");
  EXPECT_EQ(loaded[1].id, "T05");
  EXPECT_EQ(loaded[1].lon, std::nullopt);
  EXPECT_EQ(loaded[1].import_outcome, geo::outcome::unlocated);
  const geo::target& l = loaded[2];
  EXPECT_EQ(std::tie(l.id, l.program, l.need, l.household_size, l.priority, l.lon, l.lat,
                     l.import_outcome, l.declared_rt, l.rt_code, l.rw_code, l.kelurahan_code,
                     l.kecamatan_code, l.kota_code, l.registered_at, l.row),
            std::tie(t.id, t.program, t.need, t.household_size, t.priority, t.lon, t.lat,
                     t.import_outcome, t.declared_rt, t.rt_code, t.rw_code, t.kelurahan_code,
                     t.kecamatan_code, t.kota_code, t.registered_at, t.row));
}

TEST_P(StoreConformance, LoadsAreasAsStored) {
  const geo::area a =
      square(geo::admin_level::kelurahan, "3171010001", 106.80, -6.20, 106.82, -6.18);
  store().begin();
  store().sync_areas("kelurahan", {a});
  store().commit();
  const std::vector<geo::area> loaded = store().load_areas(geo::admin_level::kelurahan);
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].code, a.code);
  EXPECT_EQ(loaded[0].name, a.name);
  EXPECT_EQ(loaded[0].parent_code, "3171010");
  EXPECT_EQ(loaded[0].wkb, a.wkb);
  EXPECT_EQ(loaded[0].box, a.box);
  EXPECT_EQ(loaded[0].area_m2, a.area_m2);
  EXPECT_EQ(loaded[0].layer, "kelurahan");
  EXPECT_EQ(loaded[0].row, 1u);
  EXPECT_TRUE(store().load_areas(geo::admin_level::rw).empty());
}

TEST_P(StoreConformance, RefusesAreaCodeAlreadyGivenByAnotherLayer) {
  store().begin();
  store().sync_areas("kelurahan", {square(geo::admin_level::kelurahan, "3171010001", 106.80, -6.20,
                                          106.82, -6.18)});
  try {
    store().sync_areas("rw",
                       {square(geo::admin_level::rw, "3171010001", 106.80, -6.20, 106.81, -6.18)});
    FAIL() << "no error";
  } catch (const geo::store_error& e) {
    EXPECT_STREQ(e.what(),
                 "area 3171010001 (layer rw, feature 1) is already given by layer kelurahan");
  }
  store().rollback();
}

TEST_P(StoreConformance, RefusesSecondActivePledgeOnOneTargetAndProgram) {
  store().begin();
  EXPECT_THROW(
      store().sync_pledges({pledge("P01", "T01", "committed"), pledge("P11", "T01", "delivered")}),
      geo::store_error);
  store().rollback();
}

TEST_P(StoreConformance, AcceptsCancelledPledgeBesideTheActiveOne) {
  store().begin();
  const geo::change_counts c =
      store().sync_pledges({pledge("P01", "T01", "committed"), pledge("P12", "T01", "cancelled")});
  store().rollback();
  EXPECT_EQ(c.inserted, 2u);
}

TEST_P(StoreConformance, PassesTargetFromPledgeCancelledToNewPledgeInOneSync) {
  store_pledge_parties();
  store().begin();
  store().sync_pledges({pledge("P01", "T01", "committed")});
  store().commit();
  store().begin();
  const geo::change_counts c =
      store().sync_pledges({pledge("P20", "T01", "committed"), pledge("P01", "T01", "cancelled")});
  store().commit();
  EXPECT_EQ(std::tie(c.inserted, c.updated), std::make_tuple(1u, 1u));
  EXPECT_EQ(query("SELECT id || ' ' || status FROM pledges ORDER BY id"),
            "P01 cancelled\nP20 committed\n");
}

TEST_P(StoreConformance, SwapsTheTargetBetweenTwoPledgesInOneSync) {
  store_pledge_parties();
  store().begin();
  store().sync_pledges({pledge("P01", "T01", "committed"), pledge("P02", "T01", "cancelled")});
  store().commit();
  store().begin();
  const geo::change_counts c =
      store().sync_pledges({pledge("P01", "T01", "cancelled"), pledge("P02", "T01", "committed")});
  store().commit();
  EXPECT_EQ(c.updated, 2u);
  EXPECT_EQ(query("SELECT id || ' ' || status FROM pledges ORDER BY id"),
            "P01 cancelled\nP02 committed\n");
}

TEST_P(StoreConformance, LetsNewPledgeTakeTargetOfAPledgeRemovedFromTheFile) {
  allow_removals();
  store_pledge_parties();
  store().begin();
  store().sync_pledges({pledge("P01", "T01", "committed")});
  store().commit();
  store().begin();
  const geo::change_counts c = store().sync_pledges({pledge("P20", "T01", "committed")});
  store().commit();
  EXPECT_EQ(std::tie(c.inserted, c.deleted), std::make_tuple(1u, 1u));
  EXPECT_EQ(query("SELECT id FROM pledges"), "P20\n");
}

TEST_P(StoreConformance, AFilePledgeOnAnUnknownTargetFailsAtCommit) {
  store().begin();
  store().sync_pledges({pledge("P01", "T99", "committed")});
  EXPECT_THROW(store().commit(), geo::store_error);
  store().rollback();
  EXPECT_TRUE(store().load_pledges().empty());
}

TEST_P(StoreConformance, ReplacesIssuesOfALayerAndLoadsThemByOutcome) {
  const geo::import_issue rejected{
      9, "T01", geo::outcome::rejected, "duplicate", "duplicate of row 2", "T01,pangan\t\"x\"\n"};
  const geo::import_issue flagged{5, "T04", geo::outcome::flagged, "other_rt", "point lies", "T04"};
  const geo::import_issue keyless{3, "", geo::outcome::rejected, "no_id", "no id", "\\N"};
  store().begin();
  store().replace_issues("targets", {flagged});
  store().replace_issues("targets", {rejected, flagged, keyless});
  store().replace_issues("pledges", {rejected});
  store().commit();
  const auto all = store().load_issues("targets", std::nullopt);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].row, 3u);
  EXPECT_EQ(all[0].key, "");
  EXPECT_EQ(all[0].raw, "\\N");
  EXPECT_EQ(all[1].row, 5u);
  const auto only = store().load_issues("targets", geo::outcome::flagged);
  ASSERT_EQ(only.size(), 1u);
  EXPECT_EQ(only[0].key, "T04");
  const auto pledges = store().load_issues("pledges", geo::outcome::rejected);
  ASSERT_EQ(pledges.size(), 1u);
  EXPECT_EQ(std::tie(pledges[0].row, pledges[0].key, pledges[0].result, pledges[0].reason,
                     pledges[0].message, pledges[0].raw),
            std::tie(rejected.row, rejected.key, rejected.result, rejected.reason, rejected.message,
                     rejected.raw));
}

TEST_P(StoreConformance, InsertsApiPledgeWithOriginApiAndSourceRowZero) {
  store_pledge_parties();
  geo::pledge p = pledge("P000016", "T02", "committed");
  p.row = 7;  // ignored: an API pledge has no row
  store().begin();
  store().insert_pledge(p);
  store().commit();
  EXPECT_EQ(query("SELECT id || ' ' || origin || ' ' || source_row || ' ' || status || ' ' || "
                  "amount_idr FROM pledges"),
            "P000016 api 0 committed 500000\n");
  const std::vector<geo::pledge> loaded = store().load_pledges();
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].target_id, "T02");
  EXPECT_EQ(loaded[0].quantity, std::nullopt);
  EXPECT_EQ(loaded[0].flag, "");
}

TEST_P(StoreConformance, RefusesApiPledgeOnATargetAlreadyHeld) {
  store_pledge_parties();
  store().begin();
  store().insert_pledge(pledge("P000016", "T02", "committed"));
  try {
    store().insert_pledge(pledge("P000017", "T02", "committed"));
    FAIL() << "no error";
  } catch (const geo::conflict_error& e) {
    EXPECT_EQ(e.kind(), geo::conflict_kind::target_taken);
    EXPECT_EQ(e.holder(), "P000016");
    EXPECT_STREQ(e.what(), "target T02 already has pledge P000016 (committed) for program pangan");
  } catch (const geo::store_error& e) {
    // The SQLite store names the holder from the change feed's merge on (issue 13).
    EXPECT_EQ(GetParam(), backend::spatialite) << e.what();
  }
  store().rollback();
}

TEST_P(StoreConformance, SetsPledgeStatusAndNotesWhenTheServerChangedIt) {
  store_pledge_parties();
  store().begin();
  store().sync_pledges({pledge("P01", "T01", "committed")});
  store().set_pledge_status("P01", "cancelled");
  store().commit();
  EXPECT_EQ(store().load_pledges().at(0).status, "cancelled");
  EXPECT_EQ(query("SELECT origin || ' ' || CASE WHEN updated_at IS NULL THEN 0 ELSE 1 END FROM "
                  "pledges"),
            "import 1\n");
}

TEST_P(StoreConformance, SetPledgeStatusOfAnUnknownIdIsNotFound) {
  store_pledge_parties();
  store().begin();
  try {
    store().set_pledge_status("P99", "cancelled");
    FAIL() << "no error";
  } catch (const geo::not_found_error& e) {
    EXPECT_STREQ(e.what(), "pledge P99 does not exist");
  }
  store().rollback();
}

TEST_P(StoreConformance, StoresAndLoadsRealizations) {
  store_pledge_parties();
  const geo::realization r{"R000001",           "P01",        "Pak Joko", "2024-03-01",
                           "diterima ketua RT", std::nullopt, 20,         "2024-03-02T10:00:00Z"};
  store().begin();
  store().sync_pledges({pledge("P01", "T01", "delivered")});
  store().insert_realization(r);
  store().commit();
  const std::vector<geo::realization> loaded = store().load_realizations();
  ASSERT_EQ(loaded.size(), 1u);
  const geo::realization& l = loaded[0];
  EXPECT_EQ(std::tie(l.id, l.pledge_id, l.delivered_by, l.delivered_at, l.note, l.amount_idr,
                     l.quantity, l.recorded_at),
            std::tie(r.id, r.pledge_id, r.delivered_by, r.delivered_at, r.note, r.amount_idr,
                     r.quantity, r.recorded_at));
}

TEST_P(StoreConformance, RefusesRealizationOfAnUnknownPledge) {
  store().begin();
  EXPECT_THROW(
      store().insert_realization(
          {"R000001", "P99", "Pak Joko", "2024-03-01", "", {}, {}, "2024-03-02T10:00:00Z"}),
      geo::store_error);
  store().rollback();
}

TEST_P(StoreConformance, AuditLogNumbersEntriesAndLoadsNewestFirst) {
  store().begin();
  for (const char* subject : {"P000001", "P000002", "P000003"})
    store().append_audit({0, "", "tok_1a2b3c4d", "collaborator", "pledge.create", subject, "req-1",
                          R"({"form":"uang"})"});
  store().append_audit(
      {0, "2024-03-01T08:00:00.000Z", "cli", "admin", "token.create", "tok_1a2b3c4d", "", "{}"});
  store().commit();
  const std::vector<geo::audit_entry> last = store().load_audit(3);
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
  EXPECT_EQ(store().load_audit(10).size(), 4u);
}

TEST_P(StoreConformance, AuditIdsHaveNoGapWhereATransactionRolledBack) {
  store().begin();
  store().append_audit({0, "", "cli", "admin", "token.create", "tok_1", "", "{}"});
  store().commit();
  store().begin();
  store().append_audit({0, "", "cli", "admin", "token.create", "tok_2", "", "{}"});
  store().rollback();
  store().begin();
  store().append_audit({0, "", "cli", "admin", "token.create", "tok_3", "", "{}"});
  store().commit();
  const std::vector<geo::audit_entry> log = store().load_audit(10);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(std::tie(log[0].id, log[0].subject), std::make_tuple(std::int64_t{2}, "tok_3"));
}

TEST_P(StoreConformance, KeepsIdempotentAnswersPerScopeAndKey) {
  const geo::stored_answer a{
      "tok_1a2b3c4d",        "key-1", "9f2c", 201, "application/json", R"({"id":"P000016"})",
      "2024-03-01T08:00:00Z"};
  store().begin();
  store().save_answer(a);
  store().save_answer({"tok_99999999", "key-1", "77aa", 409, "application/problem+json", "{}", ""});
  store().commit();
  const auto found = store().find_answer("tok_1a2b3c4d", "key-1");
  ASSERT_TRUE(found);
  EXPECT_EQ(
      std::tie(found->scope, found->key, found->fingerprint, found->status, found->content_type,
               found->body, found->created_at),
      std::tie(a.scope, a.key, a.fingerprint, a.status, a.content_type, a.body, a.created_at));
  const auto other = store().find_answer("tok_99999999", "key-1");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 409);
  EXPECT_TRUE(std::regex_match(other->created_at, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << other->created_at;
  EXPECT_FALSE(store().find_answer("tok_1a2b3c4d", "key-2"));
  store().begin();
  EXPECT_THROW(store().save_answer(a), geo::store_error);
  store().rollback();
}

TEST_P(StoreConformance, StoresTokensAndFindsThemByHash) {
  geo::access_token pic{"tok_0000000a",
                        geo::hash_secret("sst_a"),
                        geo::role::pic,
                        {"3171010001", "3171010002"},
                        "",
                        "2024-03-01T08:00:00Z",
                        false,
                        "Bu Sri"};
  geo::access_token session{"tok_0000000b",
                            geo::hash_secret("sst_b"),
                            geo::role::aggregator,
                            {},
                            "C6",
                            "2024-03-01T08:00:01Z",
                            false,
                            "",
                            "session",
                            "Ibu Sari",
                            "2024-03-02T08:00:01Z"};
  store().begin();
  store().insert_token(pic);
  store().insert_token(session);
  store().commit();
  const auto found = store().find_token(geo::hash_secret("sst_a"));
  ASSERT_TRUE(found);
  EXPECT_EQ(std::tie(found->id, found->secret_hash, found->who, found->areas,
                     found->collaborator_id, found->created_at, found->revoked, found->note,
                     found->kind, found->name, found->expires_at),
            std::tie(pic.id, pic.secret_hash, pic.who, pic.areas, pic.collaborator_id,
                     pic.created_at, pic.revoked, pic.note, pic.kind, pic.name, pic.expires_at));
  EXPECT_FALSE(store().find_token(geo::hash_secret("sst_c")));
  EXPECT_EQ(query("SELECT areas FROM tokens WHERE id = 'tok_0000000a'"),
            "[\"3171010001\",\"3171010002\"]\n");
  const std::vector<geo::access_token> all = store().load_tokens();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].who, geo::role::aggregator);
  EXPECT_EQ(std::tie(all[1].collaborator_id, all[1].kind, all[1].name, all[1].expires_at),
            std::tie(session.collaborator_id, session.kind, session.name, session.expires_at));
}

TEST_P(StoreConformance, RevokesATokenForGoodAndRefusesUnknownIds) {
  store().begin();
  store().insert_token(token("tok_0000000a"));
  store().revoke_token("tok_0000000a");
  try {
    store().revoke_token("tok_ffffffff");
    FAIL() << "no error";
  } catch (const geo::not_found_error& e) {
    EXPECT_STREQ(e.what(), "token tok_ffffffff does not exist");
  }
  store().commit();
  EXPECT_TRUE(store().find_token(geo::hash_secret("sst_tok_0000000a"))->revoked);
}

TEST_P(StoreConformance, ExchangesASignInLinkOnceOnly) {
  geo::sign_in_link link{"lnk_0000000a",
                         geo::hash_secret("code"),
                         "Ibu Sari",
                         geo::role::pic,
                         {"3171010001"},
                         "",
                         3600,
                         "2026-01-01T00:00:00Z",
                         "2026-01-02T00:00:00Z",
                         "",
                         ""};
  store().begin();
  store().insert_link(link);
  store().insert_token(token("tok_0000000s"));
  store().insert_token(token("tok_0000000t"));
  store().commit();
  const auto fresh = store().find_link(geo::hash_secret("code"));
  ASSERT_TRUE(fresh);
  EXPECT_EQ(std::tie(fresh->id, fresh->name, fresh->who, fresh->areas, fresh->session_seconds,
                     fresh->expires_at, fresh->used_at, fresh->session_id),
            std::tie(link.id, link.name, link.who, link.areas, link.session_seconds,
                     link.expires_at, link.used_at, link.session_id));
  store().begin();
  EXPECT_TRUE(store().use_link("lnk_0000000a", "2026-01-01T00:05:00Z", "tok_0000000s"));
  EXPECT_FALSE(store().use_link("lnk_0000000a", "2026-01-01T00:06:00Z", "tok_0000000t"));
  store().commit();
  const std::vector<geo::sign_in_link> all = store().load_links();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(std::tie(all[0].used_at, all[0].session_id),
            std::make_tuple(std::string("2026-01-01T00:05:00Z"), std::string("tok_0000000s")));
  EXPECT_FALSE(store().find_link(geo::hash_secret("other")));
}

TEST_P(StoreConformance, ReimportLeavesApiPledgesAlone) {
  allow_removals();
  store_pledge_parties();
  store().begin();
  store().sync_pledges({pledge("P01", "T01", "committed")});
  store().insert_pledge(pledge("P000002", "T02", "committed"));
  store().commit();
  store().begin();
  // The file no longer has P01 and never had P000002.
  const geo::change_counts c = store().sync_pledges({pledge("P03", "T01", "cancelled")});
  store().commit();
  EXPECT_EQ(std::tie(c.inserted, c.updated, c.deleted, c.unchanged),
            std::make_tuple(1u, 0u, 1u, 0u));
  EXPECT_EQ(query("SELECT id || ' ' || origin || ' ' || status FROM pledges ORDER BY id"),
            "P000002 api committed\nP03 import cancelled\n");
}

TEST_P(StoreConformance, ReimportLeavesPledgesTheServerChangedAlone) {
  store_pledge_parties();
  store().begin();
  store().sync_pledges({pledge("P01", "T01", "committed"), pledge("P02", "T02", "committed")});
  store().set_pledge_status("P01", "delivered");
  store().set_pledge_status("P02", "cancelled");
  store().commit();
  store().begin();
  const geo::change_counts same =
      store().sync_pledges({pledge("P01", "T01", "committed"), pledge("P02", "T02", "committed")});
  const geo::change_counts without = store().sync_pledges({});
  store().commit();
  EXPECT_EQ(std::tie(same.inserted, same.updated, same.deleted, same.unchanged),
            std::make_tuple(0u, 0u, 0u, 2u));
  EXPECT_EQ(without.deleted, 0u);
  EXPECT_EQ(query("SELECT id || ' ' || status FROM pledges ORDER BY id"),
            "P01 delivered\nP02 cancelled\n");
}

TEST_P(StoreConformance, ReimportRefusesToOverwriteAPledgeTheServerChanged) {
  store_pledge_parties();
  store().begin();
  store().sync_pledges({pledge("P01", "T01", "committed")});
  store().set_pledge_status("P01", "delivered");
  store().commit();
  geo::pledge edited = pledge("P01", "T01", "committed");
  edited.amount_idr = 750000;
  edited.row = 2;
  store().begin();
  try {
    store().sync_pledges({edited});
    FAIL() << "no error";
  } catch (const geo::store_error& e) {
    EXPECT_STREQ(e.what(),
                 "pledge P01 (row 2) is not imported: pledge P01 was changed through the API "
                 "(now delivered), and a re-import leaves it alone");
  }
  store().rollback();
}

TEST_P(StoreConformance, ReimportRefusesAFileRowWithTheIdOfAnApiPledge) {
  store_pledge_parties();
  store().begin();
  store().insert_pledge(pledge("P000002", "T02", "committed"));
  store().commit();
  geo::pledge clash = pledge("P000002", "T01", "committed");
  clash.row = 5;
  store().begin();
  try {
    store().sync_pledges({clash});
    FAIL() << "no error";
  } catch (const geo::store_error& e) {
    EXPECT_STREQ(e.what(),
                 "pledge P000002 (row 5) is not imported: pledge P000002 was made through the "
                 "API, and a re-import leaves it alone");
  }
  store().rollback();
}

TEST_P(StoreConformance, ReimportRefusesAnActiveFilePledgeOnATargetAnApiPledgeHolds) {
  store_pledge_parties();
  store().begin();
  store().insert_pledge(pledge("P000002", "T02", "committed"));
  store().commit();
  geo::pledge second = pledge("P05", "T02", "committed");
  second.row = 6;
  store().begin();
  try {
    store().sync_pledges({second});
    FAIL() << "no error";
  } catch (const geo::store_error& e) {
    EXPECT_STREQ(e.what(),
                 "pledge P05 (row 6) would be a second active pledge on target T02 for pangan: "
                 "pledge P000002 was made through the API and holds it");
  }
  store().rollback();
}

TEST_P(StoreConformance, ReimportRetiresATargetAPledgeRefersToAndFlagsItsActivePledges) {
  store_pledge_parties();
  store().begin();
  store().sync_targets({target("T01"), target("T02"), target("T03")});
  store().insert_pledge(pledge("P000002", "T02", "committed"));
  store().commit();
  allow_removals();
  store().begin();
  const geo::change_counts c = store().sync_targets({target("T01")});
  const std::int64_t run = store().record_import("targets", {});
  store().commit();
  EXPECT_EQ(std::tie(c.inserted, c.updated, c.deleted, c.unchanged, c.retired, c.restored),
            std::make_tuple(0u, 0u, 1u, 1u, 1u, 0u));
  ASSERT_EQ(store().load_targets().size(), 1u);
  ASSERT_EQ(store().load_retired_targets().size(), 1u);
  EXPECT_EQ(store().load_retired_targets().at(0).id, "T02");
  EXPECT_EQ(store().load_pledges().at(0).flag, "target_retired");
  EXPECT_EQ(changes_of(run), "targets T02 retired\ntargets T03 removed\n");
}

TEST_P(StoreConformance, ATargetBackInTheFileIsRestoredWithItsPledgesUnflagged) {
  store_pledge_parties();
  store().begin();
  store().sync_targets({target("T01"), target("T02")});
  store().insert_pledge(pledge("P000002", "T02", "committed"));
  store().commit();
  allow_removals();
  store().begin();
  store().sync_targets({target("T01")});
  store().commit();
  store().begin();
  const geo::change_counts c = store().sync_targets({target("T01"), target("T02")});
  const std::int64_t run = store().record_import("targets", {});
  store().commit();
  EXPECT_EQ(std::tie(c.inserted, c.updated, c.unchanged, c.restored),
            std::make_tuple(0u, 0u, 1u, 1u));
  EXPECT_EQ(store().load_targets().size(), 2u);
  EXPECT_TRUE(store().load_retired_targets().empty());
  EXPECT_EQ(store().load_pledges().at(0).flag, "");
  EXPECT_EQ(changes_of(run, "targets"), "targets T02 restored\n");
}

TEST_P(StoreConformance, RefusesToRemoveMoreThanATenthOfALayerNamingTheRowsAndChangesNothing) {
  std::vector<geo::target> many;
  for (int i = 0; i < 20; ++i)
    many.push_back(target("T" + std::to_string(100 + i)));
  store().begin();
  store().sync_targets(many);
  store().commit();
  // Two of twenty (10%) may go; three may not.
  store().begin();
  EXPECT_EQ(store().sync_targets({many.begin() + 2, many.end()}).deleted, 2u);
  store().rollback();
  store().begin();
  try {
    store().sync_targets({many.begin() + 3, many.end()});
    FAIL() << "no error";
  } catch (const geo::removal_error& e) {
    EXPECT_STREQ(e.what(),
                 "layer targets: the file lacks 3 of the 20 rows stored, more than 10% (a damaged "
                 "or partial file?); they would be removed or retired: T100, T101, T102. Nothing "
                 "was changed; to accept, import again with --allow-removals");
  }
  store().rollback();
  EXPECT_EQ(store().load_targets().size(), 20u);
}

TEST_P(StoreConformance, RetiresAnAreaATokenOrATargetRefersToAndRemovesTheOthers) {
  allow_removals();
  store().begin();
  store().sync_areas("rt", {square(geo::admin_level::rt, "3171010001001001", 0, 0, 1, 1),
                            square(geo::admin_level::rt, "3171010001001002", 1, 0, 2, 1),
                            square(geo::admin_level::rt, "3171010001001003", 2, 0, 3, 1)});
  store().sync_targets({target("T01")});  // declared in ...001
  store().insert_token(token("tok_1", {"3171010001001002"}));
  store().commit();
  store().begin();
  const geo::change_counts c = store().sync_areas("rt", {});
  store().commit();
  EXPECT_EQ(std::tie(c.deleted, c.retired), std::make_tuple(1u, 2u));
  EXPECT_TRUE(store().load_areas(geo::admin_level::rt).empty());
  EXPECT_EQ(query("SELECT code FROM areas WHERE retired_at IS NOT NULL ORDER BY code"),
            "3171010001001001\n3171010001001002\n");
  // Back in the file: restored.
  store().begin();
  const geo::change_counts back =
      store().sync_areas("rt", {square(geo::admin_level::rt, "3171010001001001", 0, 0, 1, 1)});
  store().commit();
  EXPECT_EQ(back.restored, 1u);
  EXPECT_EQ(store().load_areas(geo::admin_level::rt).size(), 1u);
}

TEST_P(StoreConformance, ARefererWrittenEarlierInTheTransactionKeepsItsAreaFromRemoval) {
  allow_removals();
  store().begin();
  store().sync_areas("rt", {square(geo::admin_level::rt, "3171010001001001", 0, 0, 1, 1),
                            square(geo::admin_level::rt, "3171010001001002", 1, 0, 2, 1),
                            square(geo::admin_level::rt, "3171010001001003", 2, 0, 3, 1)});
  store().insert_token(token("tok_1", {"3171010001001002"}));
  geo::target t = target("T01");
  t.declared_rt = "3171010001001003";
  store().sync_targets({t});
  const geo::change_counts c = store().sync_areas("rt", {});
  store().commit();
  EXPECT_EQ(std::tie(c.deleted, c.retired), std::make_tuple(1u, 2u));
}

TEST_P(StoreConformance, RetiresACollaboratorAPledgeOrATokenRefersTo) {
  allow_removals();
  store_pledge_parties();
  geo::collaborator c2;
  c2.id = "C2";
  c2.name = "Yayasan";
  c2.kind = "komunitas";
  c2.lon = 106.8;
  c2.lat = -6.2;
  c2.row = 3;
  geo::access_token agg = token("tok_2");
  agg.who = geo::role::aggregator;
  agg.collaborator_id = "C2";
  store().begin();
  store().sync_collaborators({store().load_collaborators().at(0), c2});
  store().sync_pledges({pledge("P01", "T01", "committed")});
  store().insert_token(agg);
  store().commit();
  const std::vector<geo::collaborator> both = store().load_collaborators();
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(std::tie(both[1].id, both[1].name, both[1].kind, both[1].lon, both[1].lat, both[1].row),
            std::tie(c2.id, c2.name, c2.kind, c2.lon, c2.lat, c2.row));
  store().begin();
  const geo::change_counts gone = store().sync_collaborators({});
  store().commit();
  EXPECT_EQ(std::tie(gone.retired, gone.deleted), std::make_tuple(2u, 0u));
  EXPECT_TRUE(store().load_collaborators().empty());
}

TEST_P(StoreConformance, LocatesATargetWithoutAPointOnceOnly) {
  store().begin();
  store().sync_targets({unlocated("T05"), target("T01")});
  store().commit();
  geo::target located = unlocated("T05");
  located.lon = 106.8151;
  located.lat = -6.1851;
  located.rt_code = "3171010001001001";
  located.rw_code = "3171010001001";
  store().begin();
  store().locate_target(located, "tok_0000000p");
  store().commit();
  const std::vector<geo::target> field = store().load_field_located();
  ASSERT_EQ(field.size(), 1u);
  EXPECT_EQ(std::tie(field[0].id, field[0].lon, field[0].lat, field[0].rt_code, field[0].rw_code),
            std::tie(located.id, located.lon, located.lat, located.rt_code, located.rw_code));
  EXPECT_EQ(query("SELECT located_by FROM targets WHERE id = 'T05'"), "tok_0000000p\n");
  store().begin();
  try {
    store().locate_target(located, "tok_0000000p");
    FAIL() << "no error";
  } catch (const geo::conflict_error& e) {
    EXPECT_EQ(e.kind(), geo::conflict_kind::target_located);
    EXPECT_STREQ(e.what(), "target T05 is located already");
  }
  geo::target unknown = located;
  unknown.id = "T77";
  EXPECT_THROW(store().locate_target(unknown, "tok_0000000p"), geo::not_found_error);
  geo::target first = target("T01");
  EXPECT_THROW(store().locate_target(first, "tok_0000000p"), geo::conflict_error);
  store().rollback();
}

TEST_P(StoreConformance, AReimportWithoutAPointKeepsTheFieldLocationAndOneWithAPointWins) {
  store().begin();
  store().sync_targets({unlocated("T05")});
  store().commit();
  geo::target located = unlocated("T05");
  located.lon = 106.8151;
  located.lat = -6.1851;
  located.rt_code = "3171010001001001";
  store().begin();
  store().locate_target(located, "tok_0000000p");
  store().commit();
  store().begin();
  const geo::change_counts same = store().sync_targets({unlocated("T05")});
  store().commit();
  // The row with the field's point put back is the row as located: nothing to write.
  EXPECT_EQ(std::tie(same.field_locations_kept, same.field_locations_replaced, same.unchanged),
            std::make_tuple(1u, 0u, 1u));
  EXPECT_EQ(store().load_targets().at(0).lon, 106.8151);
  EXPECT_EQ(store().load_field_located().size(), 1u);
  store().begin();
  const geo::change_counts surveyed = store().sync_targets({target("T05")});
  store().commit();
  EXPECT_EQ(surveyed.field_locations_replaced, 1u);
  EXPECT_EQ(store().load_targets().at(0).lon, 106.805);
  EXPECT_TRUE(store().load_field_located().empty());
}

TEST_P(StoreConformance, RecordsImportRunsWithTheirChangesPageByPage) {
  allow_removals();
  store().begin();
  store().sync_targets({target("T01"), target("T02"), target("T03")});
  const std::int64_t first = store().record_import("targets a.csv", {});
  store().commit();
  store().begin();
  store().sync_targets({target("T01", "minyak"), target("T04")});
  const std::int64_t second = store().record_import("targets b.csv", {});
  store().commit();
  EXPECT_EQ(std::make_tuple(first, second), std::make_tuple(std::int64_t{1}, std::int64_t{2}));
  EXPECT_EQ(store().data_version(), 2);
  const std::vector<geo::import_run> runs = store().load_runs(10);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(std::tie(runs[0].id, runs[0].what), std::make_tuple(std::int64_t{2}, "targets b.csv"));
  EXPECT_TRUE(
      std::regex_match(runs[0].finished_at, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << runs[0].finished_at;
  EXPECT_EQ(runs[0].report, geo::import_report{}.to_json());
  EXPECT_EQ(store().load_runs(1).size(), 1u);
  EXPECT_EQ(changes_of(first), "targets T01 added\ntargets T02 added\ntargets T03 added\n");
  EXPECT_EQ(changes_of(second),
            "targets T01 changed\ntargets T02 removed\ntargets T03 removed\ntargets T04 added\n");
  EXPECT_EQ(changes_of(second, "targets", 2, 1), "targets T02 removed\ntargets T03 removed\n");
  EXPECT_EQ(changes_of(second, "areas"), "");
}

TEST_P(StoreConformance, ASnapshotSeesNothingCommittedAfterItBegan) {
  store().begin();
  store().sync_targets({target("T01")});
  store().commit();
  std::unique_ptr<geo::store> other = second_connection();
  geo::store_snapshot snapshot(store());
  other->begin();
  other->sync_targets({target("T01"), target("T02")});
  other->commit();
  EXPECT_EQ(store().load_targets().size(), 1u);
  snapshot.end();
  EXPECT_EQ(store().load_targets().size(), 2u);
}

TEST_P(StoreConformance, TransactionsOfTwoThreadsDoNotMix) {
  const auto write = [&](const std::string& actor) {
    for (int i = 0; i < 20; ++i) {
      geo::store_transaction t(store());
      store().append_audit({0, "", actor, "admin", "token.create", std::to_string(i), "", "{}"});
      store().append_audit({0, "", actor, "admin", "token.revoke", std::to_string(i), "", "{}"});
      t.commit();
    }
  };
  std::thread a(write, "a"), b(write, "b");
  a.join();
  b.join();
  const std::vector<geo::audit_entry> log = store().load_audit(100);
  ASSERT_EQ(log.size(), 80u);
  for (std::size_t i = 0; i < log.size(); i += 2) {
    EXPECT_EQ(log[i].actor, log[i + 1].actor) << i;
    EXPECT_EQ(log[i].subject, log[i + 1].subject) << i;
  }
}

TEST_P(StoreConformance, TwoConnectionsWritingAtOnceNumberTheAuditWithoutGaps) {
  std::unique_ptr<geo::store> other = second_connection();
  const auto write = [](geo::store& s, const std::string& actor) {
    for (int i = 0; i < 10; ++i) {
      geo::store_transaction t(s);
      s.append_audit({0, "", actor, "admin", "token.create", std::to_string(i), "", "{}"});
      t.commit();
    }
  };
  std::thread a(write, std::ref(store()), "a"), b(write, std::ref(*other), "b");
  a.join();
  b.join();
  const std::vector<geo::audit_entry> log = store().load_audit(100);
  ASSERT_EQ(log.size(), 20u);
  for (std::size_t i = 0; i < log.size(); ++i)
    EXPECT_EQ(log[i].id, static_cast<std::int64_t>(20 - i));
}

std::string backend_name(const ::testing::TestParamInfo<backend>& info) {
  return info.param == backend::spatialite ? "SpatiaLite" : "PostgreSQL";
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreConformance,
                         ::testing::Values(backend::spatialite, backend::postgres), backend_name);

}  // namespace
