// The full Jakarta dataset through the importer, checked against counts established
// independently (tests/oracle) and pinned in tests/data/jakarta-expected-counts.json.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "geo/engine/engine.hpp"
#include "geo/engine/geodesic.hpp"
#include "geo/engine/target_index.hpp"
#include "geo/import/dataset_description.hpp"
#include "geo/import/importer.hpp"
#include "geo/row_hash.hpp"
#include "geo/store/spatialite_store.hpp"
#include "geo/store/sqlite_db.hpp"
#include "geo/store/sqlite_statement.hpp"

namespace {

namespace fs = std::filesystem;

std::string datasets_root() {
  const char* env = std::getenv("SASARAN_DATASETS");
  return env && *env ? env : SASARAN_SOURCE_DIR "/../shared/datasets";
}

nlohmann::json expected() {
  std::ifstream in(SASARAN_SOURCE_DIR "/tests/data/jakarta-expected-counts.json");
  return nlohmann::json::parse(in)["layers"];
}

std::int64_t count(geo::sqlite_db& db, const std::string& sql) {
  geo::sqlite_statement s = db.prepare(sql);
  EXPECT_TRUE(s.step()) << sql;
  return s.column_int(0);
}

// A digest of every stored row (except the log of import runs), to compare databases.
std::int64_t digest(geo::sqlite_db& db) {
  geo::row_hash h;
  for (const char* sql :
       {"SELECT id, level, code, name, parent_code, area_m2, row_hash, hex(geom) FROM areas ORDER "
        "BY id",
        "SELECT pk, id, row_hash, hex(geom) FROM targets ORDER BY pk",
        "SELECT id, row_hash FROM collaborators ORDER BY id",
        "SELECT id, row_hash FROM pledges ORDER BY id",
        "SELECT layer, row, key, outcome, reason, message, raw FROM import_issues ORDER BY layer, "
        "row",
        "SELECT id, min_lon, max_lon, min_lat, max_lat FROM areas_rtree ORDER BY id"}) {
    geo::sqlite_statement s = db.prepare(sql);
    while (s.step())
      for (int i = 0; i < s.column_count(); ++i)
        h.add(s.column_text(i));
  }
  return h.value();
}

class JakartaImport : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_db_path =
        (fs::temp_directory_path() / ("sasaran-jakarta-" + std::to_string(::getpid()) + ".sqlite"))
            .string();
    const geo::dataset_description description =
        geo::load_dataset_description(SASARAN_SOURCE_DIR "/datasets/jakarta.json", datasets_root());
    geo::spatialite_store store(s_db_path);
    geo::silent_progress progress;
    geo::importer importer(store, progress);
    s_first = new geo::import_report(importer.import_dataset(description));
    s_digest_first = digest(store.db());
    s_second = new geo::import_report(importer.import_dataset(description));
    s_digest_second = digest(store.db());
  }
  static void TearDownTestSuite() {
    delete s_first;
    delete s_second;
    for (const char* suffix : {"", "-wal", "-shm"})
      fs::remove(s_db_path + suffix);
  }

  static std::string s_db_path;
  static geo::import_report* s_first;
  static geo::import_report* s_second;
  static std::int64_t s_digest_first;
  static std::int64_t s_digest_second;
};

std::string JakartaImport::s_db_path;
geo::import_report* JakartaImport::s_first = nullptr;
geo::import_report* JakartaImport::s_second = nullptr;
std::int64_t JakartaImport::s_digest_first = 0;
std::int64_t JakartaImport::s_digest_second = 0;

TEST_F(JakartaImport, CountsEveryOutcomeAsTheOracleDoes) {
  const nlohmann::json want = expected();
  ASSERT_EQ(s_first->layers.size(), want.size());
  for (const geo::layer_report& layer : s_first->layers) {
    SCOPED_TRACE(layer.layer);
    ASSERT_TRUE(want.contains(layer.layer));
    const nlohmann::json& w = want[layer.layer];
    EXPECT_EQ(layer.read, w["read"].get<std::size_t>());
    for (std::size_t i = 0; i < geo::outcome_count; ++i) {
      const std::string name(geo::to_string(static_cast<geo::outcome>(i)));
      EXPECT_EQ(layer.outcomes[i], w[name].get<std::size_t>()) << name;
    }
    nlohmann::json by_reason = nlohmann::json::object();
    for (const auto& [key, n] : layer.reasons)
      by_reason[key.first][key.second] = n;
    EXPECT_EQ(by_reason, w["by_reason"]);
  }
}

TEST_F(JakartaImport, OutcomesAddUpToRowsReadInEveryLayer) {
  for (const geo::layer_report& layer : s_first->layers) {
    std::size_t sum = 0;
    for (std::size_t n : layer.outcomes)
      sum += n;
    EXPECT_EQ(sum, layer.read) << layer.layer;
    EXPECT_EQ(layer.issues.size(), layer.read - layer.count(geo::outcome::clean)) << layer.layer;
  }
}

TEST_F(JakartaImport, StoresSixKotaWithTheirBpsCodesAndNames) {
  geo::sqlite_db db(s_db_path);
  geo::sqlite_statement s =
      db.prepare("SELECT code, name, parent_code FROM areas WHERE level = 'kota' ORDER BY code");
  std::vector<std::string> rows;
  while (s.step())
    rows.push_back(s.column_text(0) + " " + s.column_text(1) + " " + s.column_text(2));
  EXPECT_EQ(rows,
            (std::vector<std::string>{"3101 Kepulauan Seribu 31", "3171 Kota Jakarta Selatan 31",
                                      "3172 Kota Jakarta Timur 31", "3173 Kota Jakarta Pusat 31",
                                      "3174 Kota Jakarta Barat 31", "3175 Kota Jakarta Utara 31"}));
}

TEST_F(JakartaImport, StoresEveryKeptRowAndEveryIssue) {
  geo::sqlite_db db(s_db_path);
  EXPECT_EQ(count(db, "SELECT count(*) FROM areas WHERE level = 'kelurahan'"), 270);
  EXPECT_EQ(count(db, "SELECT count(*) FROM areas WHERE level = 'kecamatan'"), 46);
  EXPECT_EQ(count(db, "SELECT count(*) FROM areas WHERE level = 'rw'"), 2841);
  EXPECT_EQ(count(db, "SELECT count(*) FROM areas WHERE level = 'rt'"), 33032);
  EXPECT_EQ(count(db, "SELECT count(*) FROM areas_rtree"), 270 + 46 + 6 + 2841 + 33032);
  EXPECT_EQ(count(db, "SELECT count(*) FROM targets"), 250060 - 349);
  EXPECT_EQ(count(db, "SELECT count(*) FROM targets WHERE geom IS NULL"), 1222);
  EXPECT_EQ(count(db, "SELECT count(*) FROM pledges"), 40000 - 19);
  EXPECT_EQ(count(db, "SELECT count(*) FROM import_issues WHERE layer = 'targets'"),
            250060 - 243448);
  EXPECT_EQ(count(db, "SELECT count(*) FROM import_issues WHERE raw = ''"), 0);
}

TEST_F(JakartaImport, AssignsEveryTargetANestedChainOfAreas) {
  geo::sqlite_db db(s_db_path);
  // BPS codes nest: RT code starts with its RW's, which starts with its kelurahan's, ...
  EXPECT_EQ(count(db, R"sql(
    SELECT count(*) FROM targets WHERE rt_code IS NULL OR rw_code IS NULL
      OR kelurahan_code IS NULL OR kecamatan_code IS NULL OR kota_code IS NULL)sql"),
            0);  // the edge tolerance places the 17 points in gaps between RTs in their RT
  EXPECT_EQ(count(db, R"sql(
    SELECT count(*) FROM targets t JOIN areas rt ON rt.code = t.rt_code
    WHERE rt.parent_code <> t.rw_code OR substr(t.rw_code, 1, 10) <> t.kelurahan_code
      OR substr(t.kelurahan_code, 1, 7) <> t.kecamatan_code
      OR substr(t.kecamatan_code, 1, 4) <> t.kota_code)sql"),
            0);
}

TEST_F(JakartaImport, PlacesLocatedTargetsInsideTheirRtAsSpatiaLiteSeesIt) {
  geo::sqlite_db db(s_db_path);
  // A sample through SpatiaLite's own predicate (boundary-inclusive), independent of our index:
  // within the edge tolerance (docs/import.md, 1e-6 degrees) of their RT.
  EXPECT_EQ(count(db, R"sql(
    SELECT count(*) FROM (SELECT t.geom AS g, a.geom AS rt FROM targets t
                          JOIN areas a ON a.code = t.rt_code
                          WHERE t.import_outcome IN ('clean', 'normalized') AND t.pk % 97 = 0)
    WHERE ST_Distance(rt, g) > 1e-6)sql"),
            0);
}

TEST_F(JakartaImport, KotaAreasSumToTheirKelurahanWithinAHectare) {
  geo::sqlite_db db(s_db_path);
  geo::sqlite_statement s = db.prepare(R"sql(
    SELECT k.code, k.area_m2, (SELECT sum(area_m2) FROM areas l
                               WHERE l.level = 'kelurahan' AND substr(l.code, 1, 4) = k.code)
    FROM areas k WHERE k.level = 'kota')sql");
  while (s.step())
    EXPECT_NEAR(s.column_double(1), s.column_double(2), 1e4) << s.column_text(0);
}

TEST_F(JakartaImport, NearestStoredTargetsMatchABruteForceGeodesicSearch) {
  geo::spatialite_store store(s_db_path);
  std::vector<geo::target_index::entry> points;
  for (const geo::target& t : store.load_targets())
    if (t.lon && t.lat) points.push_back({*t.lon, *t.lat, static_cast<std::uint32_t>(t.row)});
  ASSERT_EQ(points.size(), 250060u - 349u - 1222u);
  const geo::target_index index(points);
  std::ifstream queries(datasets_root() + "/../bench/query_points_10k.csv");
  ASSERT_TRUE(queries) << "no ../bench/query_points_10k.csv beside the datasets";
  std::string line;
  std::getline(queries, line);  // header
  for (int q = 0; q < 20 && std::getline(queries, line); ++q) {
    const double lon = std::stod(line.substr(0, line.find(',')));
    const double lat = std::stod(line.substr(line.find(',') + 1));
    std::vector<geo::target_index::hit> all;
    for (const auto& p : points)
      all.push_back({geo::geodesic_distance_m(lon, lat, p.lon, p.lat), p.item});
    std::partial_sort(all.begin(), all.begin() + 10, all.end(), [](const auto& a, const auto& b) {
      return a.distance_m != b.distance_m ? a.distance_m < b.distance_m : a.item < b.item;
    });
    all.resize(10);
    EXPECT_EQ(index.nearest(lon, lat, 10), all) << line;
  }
}

TEST_F(JakartaImport, EngineCoverageAddsUpAcrossLevels) {
  geo::spatialite_store store(s_db_path);
  const geo::engine engine(store);
  EXPECT_EQ(engine.target_count(), 250060u - 349u);
  geo::sqlite_db db(s_db_path);
  std::map<std::string, std::uint64_t> targets, unmet;
  geo::sqlite_statement areas = db.prepare("SELECT level, code FROM areas");
  while (areas.step()) {
    const auto c = engine.coverage_of(areas.column_text(1));
    ASSERT_TRUE(c);
    targets[areas.column_text(0)] += c->targets;
    unmet[areas.column_text(0)] += c->unmet_priority;
  }
  EXPECT_EQ(targets["kota"], 250060u - 349u);
  EXPECT_EQ(targets["kecamatan"], targets["kota"]);
  EXPECT_EQ(targets["kelurahan"], targets["kota"]);
  EXPECT_EQ(targets["rw"], targets["kota"]);  // no point lies beyond the tolerance of every RT
  EXPECT_EQ(targets["rt"], targets["rw"]);
  EXPECT_EQ(unmet["kecamatan"], unmet["kota"]);
  EXPECT_EQ(unmet["kelurahan"], unmet["kota"]);
  // Every target without an active pledge, by SQL over the store.
  EXPECT_EQ(unmet["kota"], static_cast<std::uint64_t>(count(db, R"sql(
    SELECT sum(priority) FROM targets t WHERE NOT EXISTS (
      SELECT 1 FROM pledges p WHERE p.target_id = t.id AND p.status IN ('committed', 'delivered')))sql")));
}

TEST_F(JakartaImport, EngineLooksUpTheAreasSpatiaLiteFindsForAPoint) {
  geo::spatialite_store store(s_db_path);
  const geo::engine engine(store);
  geo::sqlite_db db(s_db_path);
  geo::sqlite_statement covering = db.prepare(R"sql(
    SELECT a.code FROM areas a JOIN areas_rtree r ON r.id = a.id
    WHERE a.level = ?3 AND r.min_lon <= ?1 AND r.max_lon >= ?1 AND r.min_lat <= ?2
      AND r.max_lat >= ?2 AND ST_Covers(a.geom, MakePoint(?1, ?2, 4326)) = 1
    ORDER BY a.code)sql");
  std::ifstream queries(datasets_root() + "/../bench/query_points_10k.csv");
  ASSERT_TRUE(queries);
  std::string line;
  std::getline(queries, line);
  for (int q = 0; q < 100 && std::getline(queries, line); ++q) {
    const double lon = std::stod(line.substr(0, line.find(',')));
    const double lat = std::stod(line.substr(line.find(',') + 1));
    const geo::engine::admin_chain chain = engine.lookup(lon, lat);
    for (const auto& [level, found] :
         {std::pair{"rt", chain.rt}, {"kelurahan", chain.kelurahan}, {"kota", chain.kota}}) {
      covering.bind(1, lon).bind(2, lat).bind(3, std::string_view(level));
      std::vector<std::string> codes;
      while (covering.step())
        codes.push_back(covering.column_text(0));
      covering.reset();
      if (codes.empty()) {
        EXPECT_FALSE(found) << line << " " << level;
      } else {
        ASSERT_TRUE(found) << line << " " << level;
        EXPECT_EQ(found->code, codes.front()) << line << " " << level;
      }
    }
  }
}

TEST_F(JakartaImport, ReimportingTheSameFilesChangesNothing) {
  for (const geo::layer_report& layer : s_second->layers) {
    EXPECT_EQ(layer.changes.inserted, 0u) << layer.layer;
    EXPECT_EQ(layer.changes.updated, 0u) << layer.layer;
    EXPECT_EQ(layer.changes.deleted, 0u) << layer.layer;
    EXPECT_EQ(layer.changes.unchanged, layer.read - layer.count(geo::outcome::rejected))
        << layer.layer;
  }
  EXPECT_EQ(s_digest_second, s_digest_first);
}

}  // namespace
