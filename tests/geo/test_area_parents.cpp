#include "geo/import/area_parents.hpp"

#include <geos_c.h>
#include <gtest/gtest.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "geo/engine/geodesic.hpp"
#include "geo/geos/geos_polygons.hpp"
#include "geo/import/proj_context.hpp"

namespace {

const std::string data_dir = SASARAN_TEST_DATA;

class CheckParents : public ::testing::Test {
 protected:
  CheckParents() {
    geo::area_layer_spec spec;
    spec.layer = "kelurahan";
    spec.path = data_dir + "/kelurahan-4squares-2kecamatan-one-name-disagrees.geojson";
    spec.code = geo::code_rule::parse("village_code", "id");
    spec.parent = geo::code_rule::parse("district_code", "id");
    m_kelurahan = geo::read_area_layer(spec, m_geos, m_proj, m_progress, m_stop);
    for (const geo::area_candidate& k : m_kelurahan)
      m_parents.emplace(k.record.code, &*k.geometry);
  }

  // The RWs of rw-3squares-one-half-outside-one-orphan.geojson, checked against the kelurahan.
  std::vector<geo::area_candidate> checked_fixture_rws() {
    geo::area_layer_spec spec;
    spec.layer = "rw";
    spec.level = geo::admin_level::rw;
    spec.path = data_dir + "/rw-3squares-one-half-outside-one-orphan.geojson";
    spec.code = geo::code_rule::parse("KODE_KEL+RW:3");
    spec.parent = geo::code_rule::parse("KODE_KEL");
    auto rws = geo::read_area_layer(spec, m_geos, m_proj, m_progress, m_stop);
    check(rws);
    return rws;
  }

  // An RW of kelurahan `parent` covering the lon/lat box, built without a source file.
  geo::area_candidate rw(const std::string& parent, double x0, double y0, double x1, double y1) {
    geo::area_candidate c;
    c.record.level = geo::admin_level::rw;
    c.record.code = parent + "001";
    c.record.parent_code = parent;
    GEOSCoordSequence* seq = GEOSCoordSeq_create_r(m_geos.handle(), 5, 2);
    const double xy[] = {x0, y0, x1, y0, x1, y1, x0, y1, x0, y0};
    for (unsigned i = 0; i < 5; ++i)
      GEOSCoordSeq_setXY_r(m_geos.handle(), seq, i, xy[2 * i], xy[2 * i + 1]);
    GEOSGeometry* shell = GEOSGeom_createLinearRing_r(m_geos.handle(), seq);
    c.geometry.emplace(m_geos, GEOSGeom_createPolygon_r(m_geos.handle(), shell, nullptr, 0),
                       "polygon");
    c.shape = geo::to_multipolygon(*c.geometry);
    c.record.area_m2 = geo::geodesic_area_m2(c.shape);
    return c;
  }

  void check(std::vector<geo::area_candidate>& children) {
    geo::reject_orphans(children, geo::admin_level::kelurahan, m_parents);
    geo::flag_outside_parents(children, geo::admin_level::kelurahan, m_parents, m_progress, m_stop);
  }

  geo::geos_context m_geos;
  geo::proj_context m_proj;
  geo::silent_progress m_progress;
  geo::stop_token m_stop;
  std::vector<geo::area_candidate> m_kelurahan;
  std::unordered_map<std::string, const geo::geos_geometry*> m_parents;
};

TEST_F(CheckParents, LeavesChildInsideItsParentUntouched) {
  const auto rws = checked_fixture_rws();
  EXPECT_EQ(rws[0].verdict.result(), geo::outcome::clean);
  EXPECT_EQ(rws[0].verdict.message(), "");
  EXPECT_TRUE(rws[0].geometry);
}

TEST_F(CheckParents, FlagsChildHalfOutsideWithTheShareOutside) {
  const auto rws = checked_fixture_rws();
  EXPECT_EQ(rws[1].verdict.result(), geo::outcome::flagged);
  EXPECT_EQ(rws[1].verdict.reason(), "outside_parent");
  EXPECT_EQ(rws[1].verdict.message(),
            "50% of its area lies outside its parent kelurahan 3171010001");
  EXPECT_TRUE(rws[1].geometry);
}

TEST_F(CheckParents, RejectsChildWhoseParentDoesNotExist) {
  const auto rws = checked_fixture_rws();
  EXPECT_EQ(rws[2].verdict.result(), geo::outcome::rejected);
  EXPECT_EQ(rws[2].verdict.reason(), "unknown_parent");
  EXPECT_EQ(rws[2].verdict.message(), "parent kelurahan '3171010009' does not exist");
  EXPECT_FALSE(rws[2].geometry);
}

TEST_F(CheckParents, RejectsChildWithoutParentCode) {
  std::vector<geo::area_candidate> rws;
  rws.push_back(rw("", 106.80, -6.20, 106.81, -6.19));
  check(rws);
  EXPECT_EQ(rws[0].verdict.message(), "parent kelurahan '' does not exist");
}

// The band is geo::outside_tolerance_degrees = 1e-5 (about 1.1 m): 0.5e-5 beyond the parent's
// east edge is a boundary digitised twice, not an RW outside its kelurahan.
TEST_F(CheckParents, IgnoresPartOutsideWithinTheToleranceBand) {
  std::vector<geo::area_candidate> rws;
  rws.push_back(rw("3171010001", 106.81, -6.20, 106.82 + 0.5e-5, -6.19));
  check(rws);
  EXPECT_EQ(rws[0].verdict.result(), geo::outcome::clean);
  EXPECT_EQ(rws[0].verdict.message(), "");
}

// 2e-5 beyond the edge is outside the band: flagged, with the share outside to 4 digits
// (2e-5 / 0.01002 of the RW's width).
TEST_F(CheckParents, FlagsPartOutsideBeyondTheToleranceBand) {
  std::vector<geo::area_candidate> rws;
  rws.push_back(rw("3171010001", 106.81, -6.20, 106.82 + 2e-5, -6.19));
  check(rws);
  EXPECT_EQ(rws[0].verdict.message(),
            "0.1996% of its area lies outside its parent kelurahan 3171010001");
}

TEST_F(CheckParents, SkipsChildAlreadyRejected) {
  std::vector<geo::area_candidate> rws;
  rws.push_back(rw("3171010009", 106.80, -6.20, 106.81, -6.19));
  rws[0].geometry.reset();
  check(rws);
  EXPECT_EQ(rws[0].verdict.result(), geo::outcome::clean);
}

}  // namespace
