#pragma once
// The fixture of the store conformance cases (test_store_conformance_*.cpp): one store of
// each kind per case. A PostgreSQL case runs in a database of its own on the server of
// SASARAN_TEST_PG_URL and skips when it is unset. SQL in these tests is what both databases
// read alike; what only one store has (the R*Tree, PostGIS columns, schema migrations) is
// tested beside that store.
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

namespace store_conformance {

namespace fs = std::filesystem;

enum class backend { spatialite, postgres };

inline geo::target target(std::string id, std::string need = "beras") {
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

inline geo::target unlocated(std::string id) {
  geo::target t = target(std::move(id));
  t.lon.reset();
  t.lat.reset();
  t.import_outcome = geo::outcome::unlocated;
  return t;
}

inline geo::pledge pledge(std::string id, std::string target_id, std::string status) {
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

inline geo::access_token token(std::string id, std::vector<std::string> areas = {}) {
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

}  // namespace store_conformance
