// The Jakarta set imported into SQLite and into PostgreSQL, compared row by row: the same
// areas (code, level, parent, name, geometry), targets, collaborators, pledges, issues and
// reports, and a re-import that changes nothing in either. Skips without SASARAN_TEST_PG_URL;
// prints how long each import took (tests/CMakeLists.txt: jakarta_postgres).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "geo/import/dataset_description.hpp"
#include "geo/import/importer.hpp"
#include "geo/store/pg_connection.hpp"
#include "geo/store/postgres_store.hpp"
#include "geo/store/spatialite_store.hpp"
#include "tests/support/pg_test_database.hpp"

namespace {

namespace fs = std::filesystem;

std::string datasets_root() {
  const char* env = std::getenv("SASARAN_DATASETS");
  return env && *env ? env : SASARAN_SOURCE_DIR "/../shared/datasets";
}

// The report without its timing, which differs from run to run.
nlohmann::json without_seconds(const std::string& report_json) {
  nlohmann::json j = nlohmann::json::parse(report_json);
  j.erase("seconds");
  return j;
}

auto fields_of(const geo::area& a) {
  return std::tie(a.level, a.code, a.name, a.parent_code, a.wkb, a.area_m2, a.box, a.layer, a.row);
}

auto fields_of(const geo::target& t) {
  return std::tie(t.id, t.program, t.need, t.household_size, t.priority, t.lon, t.lat,
                  t.import_outcome, t.declared_rt, t.rt_code, t.rw_code, t.kelurahan_code,
                  t.kecamatan_code, t.kota_code, t.registered_at, t.row);
}

auto fields_of(const geo::collaborator& c) {
  return std::tie(c.id, c.name, c.kind, c.lon, c.lat, c.row);
}

auto fields_of(const geo::pledge& p) {
  return std::tie(p.id, p.collaborator_id, p.target_id, p.program, p.form, p.amount_idr, p.quantity,
                  p.status, p.pledged_at, p.flag, p.row);
}

auto fields_of(const geo::import_issue& i) {
  return std::tie(i.row, i.key, i.result, i.reason, i.message, i.raw);
}

// How many rows of `a` and `b` differ, naming the first few.
template <typename Row, typename Key>
std::size_t differences(const std::vector<Row>& a, const std::vector<Row>& b, Key key) {
  EXPECT_EQ(a.size(), b.size());
  std::size_t differ = 0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    if (fields_of(a[i]) != fields_of(b[i]))
      if (++differ <= 5)
        ADD_FAILURE() << "row " << i << " differs: " << key(a[i]) << " / " << key(b[i]);
  return differ;
}

class JakartaPostgres : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto url = test_support::test_pg_url();
    if (!url) return;
    const geo::dataset_description description =
        geo::load_dataset_description(SASARAN_SOURCE_DIR "/datasets/jakarta.json", datasets_root());
    s_sqlite_path =
        (fs::temp_directory_path() / ("sasaran-jakarta-pg-" + std::to_string(::getpid()) + ".db"))
            .string();
    s_sqlite = new geo::spatialite_store(s_sqlite_path, geo::spatialite_store::journal::bulk);
    // An empty database, as a new deployment's: the store creates PostGIS and its schema.
    s_database = new test_support::pg_test_database(*url, false);
    s_postgres = new geo::postgres_store(s_database->url());
    geo::silent_progress progress;
    const auto timed = [&](geo::store& store, geo::import_report& report) {
      geo::importer importer(store, progress);
      const auto start = std::chrono::steady_clock::now();
      report = importer.import_dataset(description);
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    s_sqlite_seconds = timed(*s_sqlite, s_sqlite_report);
    s_postgres_seconds = timed(*s_postgres, s_postgres_report);
    geo::import_report sqlite_again;
    const double sqlite_again_seconds = timed(*s_sqlite, sqlite_again);
    s_postgres_again_seconds = timed(*s_postgres, s_postgres_again);
    std::cout << "Jakarta import: SQLite " << s_sqlite_seconds << " s, PostgreSQL "
              << s_postgres_seconds << " s; again, nothing changed: SQLite " << sqlite_again_seconds
              << " s, PostgreSQL " << s_postgres_again_seconds << " s\n";
  }
  static void TearDownTestSuite() {
    delete s_postgres;
    delete s_database;
    delete s_sqlite;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
      fs::remove(s_sqlite_path + suffix);
  }
  void SetUp() override {
    if (!s_postgres) GTEST_SKIP() << test_support::no_pg_url;
  }

  static inline std::string s_sqlite_path;
  static inline geo::spatialite_store* s_sqlite = nullptr;
  static inline test_support::pg_test_database* s_database = nullptr;
  static inline geo::postgres_store* s_postgres = nullptr;
  static inline geo::import_report s_sqlite_report, s_postgres_report, s_postgres_again;
  static inline double s_sqlite_seconds = 0, s_postgres_seconds = 0, s_postgres_again_seconds = 0;
};

TEST_F(JakartaPostgres, ReportsTheSameOutcomesAndChanges) {
  EXPECT_EQ(without_seconds(s_postgres_report.to_json()),
            without_seconds(s_sqlite_report.to_json()));
  ASSERT_TRUE(s_postgres_report.find("rt"));
  EXPECT_EQ(s_postgres_report.find("rt")->changes.inserted, 33032u);
}

TEST_F(JakartaPostgres, StoresTheSameAreas) {
  for (const geo::admin_level level :
       {geo::admin_level::kota, geo::admin_level::kecamatan, geo::admin_level::kelurahan,
        geo::admin_level::rw, geo::admin_level::rt}) {
    SCOPED_TRACE(geo::to_string(level));
    const std::vector<geo::area> sqlite = s_sqlite->load_areas(level);
    EXPECT_FALSE(sqlite.empty());
    EXPECT_EQ(differences(s_postgres->load_areas(level), sqlite,
                          [](const geo::area& a) { return a.code; }),
              0u);
  }
  // PostGIS reads every geometry as valid WKB of a MultiPolygon in EPSG:4326.
  EXPECT_EQ(s_database->query("SELECT count(*) FROM areas WHERE ST_SRID(geom) = 4326 AND "
                              "GeometryType(geom) = 'MULTIPOLYGON'"),
            std::to_string(270 + 46 + 6 + 2841 + 33032) + "\n");
}

TEST_F(JakartaPostgres, StoresTheSameTargetsCollaboratorsAndPledgesInTheSameOrder) {
  const std::vector<geo::target> targets = s_sqlite->load_targets();
  EXPECT_EQ(targets.size(), 250060u - 349u);
  EXPECT_EQ(
      differences(s_postgres->load_targets(), targets, [](const geo::target& t) { return t.id; }),
      0u);
  EXPECT_TRUE(s_postgres->load_retired_targets().empty());
  EXPECT_EQ(differences(s_postgres->load_collaborators(), s_sqlite->load_collaborators(),
                        [](const geo::collaborator& c) { return c.id; }),
            0u);
  const std::vector<geo::pledge> pledges = s_sqlite->load_pledges();
  EXPECT_EQ(pledges.size(), 40000u - 19u);
  EXPECT_EQ(
      differences(s_postgres->load_pledges(), pledges, [](const geo::pledge& p) { return p.id; }),
      0u);
  EXPECT_EQ(s_database->query("SELECT count(*) FROM targets WHERE geom IS NULL"), "1222\n");
}

TEST_F(JakartaPostgres, KeepsTheSameIssues) {
  for (const char* layer :
       {"kota", "kecamatan", "kelurahan", "rw", "rt", "targets", "collaborators", "pledges"}) {
    SCOPED_TRACE(layer);
    EXPECT_EQ(differences(s_postgres->load_issues(layer, std::nullopt),
                          s_sqlite->load_issues(layer, std::nullopt),
                          [](const geo::import_issue& i) { return i.row; }),
              0u);
  }
  EXPECT_EQ(s_postgres->load_issues("targets", std::nullopt).size(), 250060u - 243448u);
}

TEST_F(JakartaPostgres, LogsTheSameRunsAndRowChanges) {
  const std::vector<geo::import_run> runs = s_postgres->load_runs(10);
  ASSERT_EQ(runs.size(), 2u);
  const std::vector<geo::import_run> sqlite_runs = s_sqlite->load_runs(10);
  ASSERT_EQ(sqlite_runs.size(), 2u);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    EXPECT_EQ(runs[i].id, sqlite_runs[i].id);
    EXPECT_EQ(runs[i].what, sqlite_runs[i].what);
    EXPECT_EQ(without_seconds(runs[i].report), without_seconds(sqlite_runs[i].report));
  }
  EXPECT_EQ(s_postgres->data_version(), 2);
  const auto changes = [](geo::store& s, std::int64_t run) {
    std::vector<std::string> out;
    for (const geo::row_change& c : s.load_changes(run, "", 1'000'000, 0))
      out.push_back(c.layer + " " + c.key + " " + c.change);
    return out;
  };
  const std::vector<std::string> first = changes(*s_postgres, runs[1].id);
  EXPECT_EQ(first.size(), 36195u + 250060u - 349u + 600u + 40000u - 19u);
  EXPECT_EQ(first, changes(*s_sqlite, sqlite_runs[1].id));
  EXPECT_TRUE(changes(*s_postgres, runs[0].id).empty());
}

TEST_F(JakartaPostgres, ReimportingTheSameFilesChangesNothing) {
  for (const geo::layer_report& layer : s_postgres_again.layers) {
    EXPECT_EQ(layer.changes.inserted + layer.changes.updated + layer.changes.deleted +
                  layer.changes.retired + layer.changes.restored,
              0u)
        << layer.layer;
    EXPECT_EQ(layer.changes.unchanged, layer.read - layer.count(geo::outcome::rejected))
        << layer.layer;
  }
}

}  // namespace
