#include "geo/import/area_dissolve.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "geo/import/proj_context.hpp"

namespace {

const std::string data_dir = SASARAN_TEST_DATA;

// Kelurahan 3171010001 and 3171010002 (kecamatan 3171010 "Gambir") side by side north of
// 3171020001 and 3171020002 (kecamatan 3171020, whose second kelurahan spells it
// "Tanahabang"); all in kota 3171 "Jakarta Pusat" of province 31.
class DissolveAreas : public ::testing::Test {
 protected:
  DissolveAreas() {
    m_spec.layer = "kelurahan";
    m_spec.path = data_dir + "/kelurahan-4squares-2kecamatan-one-name-disagrees.geojson";
    m_spec.code = geo::code_rule::parse("village_code", "id");
    m_spec.parent = geo::code_rule::parse("district_code", "id");
    geo::derived_level_spec kecamatan;
    kecamatan.level = geo::admin_level::kecamatan;
    kecamatan.name = geo::code_rule::parse("district");
    kecamatan.parent = geo::code_rule::parse("regency_code", "id");
    geo::derived_level_spec kota;
    kota.level = geo::admin_level::kota;
    kota.name = geo::code_rule::parse("regency");
    kota.parent = geo::code_rule::parse("province_code", "id");
    m_spec.derive = {kecamatan, kota};
    m_kelurahan = geo::read_area_layer(m_spec, m_geos, m_proj, m_progress, m_stop);
  }

  std::vector<geo::area_candidate> dissolve(const std::vector<geo::area_candidate>& members,
                                            std::size_t derive_index) {
    const geo::derived_level_spec& d = m_spec.derive[derive_index];
    return geo::dissolve_areas(members, d, derive_index, std::string(geo::to_string(d.level)),
                               m_geos, m_progress, m_stop);
  }

  geo::geos_context m_geos;
  geo::proj_context m_proj;
  geo::silent_progress m_progress;
  geo::stop_token m_stop;
  geo::area_layer_spec m_spec;
  std::vector<geo::area_candidate> m_kelurahan;
};

TEST_F(DissolveAreas, MakesOneAreaPerParentCode) {
  const auto kecamatan = dissolve(m_kelurahan, 0);
  ASSERT_EQ(kecamatan.size(), 2u);
  EXPECT_EQ(kecamatan[0].record.code, "3171010");
  EXPECT_EQ(kecamatan[1].record.code, "3171020");
  EXPECT_EQ(kecamatan[1].row, 2u);
}

TEST_F(DissolveAreas, MergesAdjacentSquaresIntoOneOfTheirSummedArea) {
  const auto kecamatan = dissolve(m_kelurahan, 0);
  const geo::area_candidate& gambir = kecamatan[0];
  EXPECT_EQ(gambir.shape.size(), 1u);
  EXPECT_EQ(gambir.record.box, (geo::bbox{106.80, -6.20, 106.84, -6.18}));
  const double sum = m_kelurahan[0].record.area_m2 + m_kelurahan[1].record.area_m2;
  EXPECT_NEAR(gambir.record.area_m2, sum, sum * 1e-6);
}

TEST_F(DissolveAreas, TakesNameAndParentFromTheDerivedRule) {
  const auto kecamatan = dissolve(m_kelurahan, 0);
  const geo::area_candidate& gambir = kecamatan[0];
  EXPECT_EQ(gambir.record.level, geo::admin_level::kecamatan);
  EXPECT_EQ(gambir.record.name, "Gambir");
  EXPECT_EQ(gambir.record.parent_code, "3171");
  EXPECT_EQ(gambir.record.layer, "kecamatan");
  EXPECT_EQ(gambir.raw, "dissolved from 2 kelurahan");
  EXPECT_EQ(gambir.verdict.result(), geo::outcome::clean);
}

TEST_F(DissolveAreas, FlagsDerivedAreaWhoseMembersDisagreeOnItsName) {
  const auto kecamatan = dissolve(m_kelurahan, 0);
  const geo::area_candidate& tanah_abang = kecamatan[1];
  EXPECT_EQ(tanah_abang.verdict.result(), geo::outcome::flagged);
  EXPECT_EQ(tanah_abang.verdict.reason(), "inconsistent_attributes");
  EXPECT_EQ(tanah_abang.verdict.message(),
            "kelurahan 3171020002 gives name/parent 'Tanahabang'/'3171', 3171020001 gives "
            "'Tanah Abang'/'3171'");
  EXPECT_EQ(tanah_abang.record.name, "Tanah Abang");
}

TEST_F(DissolveAreas, LeavesRejectedMembersOut) {
  m_kelurahan[1].geometry.reset();
  const auto kecamatan = dissolve(m_kelurahan, 0);
  const geo::area_candidate& gambir = kecamatan[0];
  EXPECT_EQ(gambir.raw, "dissolved from 1 kelurahan");
  EXPECT_EQ(gambir.record.box, (geo::bbox{106.80, -6.20, 106.82, -6.18}));
}

TEST_F(DissolveAreas, DissolvesKotaFromDissolvedKecamatan) {
  const auto kota = dissolve(dissolve(m_kelurahan, 0), 1);
  ASSERT_EQ(kota.size(), 1u);
  EXPECT_EQ(kota[0].record.code, "3171");
  EXPECT_EQ(kota[0].record.name, "Jakarta Pusat");
  EXPECT_EQ(kota[0].record.parent_code, "31");
  EXPECT_EQ(kota[0].record.box, (geo::bbox{106.80, -6.22, 106.84, -6.18}));
  EXPECT_EQ(kota[0].raw, "dissolved from 2 kecamatan");
}

}  // namespace
