#include "geo/spatialite_store.hpp"

#include <geos_c.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "geo/error.hpp"
#include "geo/geos_context.hpp"
#include "geo/geos_geometry.hpp"
#include "geo/sqlite_db.hpp"
#include "geo/sqlite_statement.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

using test_support::temp_dir;

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
  m_store.begin();
  m_store.commit();
  EXPECT_EQ(query("PRAGMA user_version"), "1\n");
  EXPECT_EQ(query("SELECT name FROM sqlite_master WHERE name IN ('areas', 'areas_rtree', "
                  "'targets', 'collaborators', 'pledges', 'import_issues', 'import_runs') "
                  "ORDER BY name"),
            "areas\nareas_rtree\ncollaborators\nimport_issues\nimport_runs\npledges\ntargets\n");
}

TEST_F(SpatialiteStore, RollbackDiscardsWritesAndSchema) {
  m_store.begin();
  m_store.sync_targets({target("T01")});
  m_store.rollback();
  EXPECT_EQ(query("PRAGMA user_version"), "0\n");
  EXPECT_TRUE(m_store.load_targets().empty());
}

TEST_F(SpatialiteStore, SyncTargetsInsertsUpdatesDeletesAndCountsUnchanged) {
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

}  // namespace
