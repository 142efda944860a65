#include "geo/engine/engine.hpp"

#include <gtest/gtest.h>

#include "geo/engine/coarse_position.hpp"
#include "geo/import/dataset_description.hpp"
#include "geo/import/importer.hpp"
#include "geo/store/spatialite_store.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using geo::engine;
using geo::target_status;

// The tiny dataset: kelurahan 3171010001 split into RW 001 and 002 and four RTs; accepted
// targets T01 (RT 001001, pledged), T02 (RT 002002, pledged), T03 (RT 002001), T04 (RT 001002),
// T05 (kelurahan 3171010002, no RT there) and T06 (unlocated, declared RT 002002).
class Engine : public ::testing::Test {
 protected:
  Engine() : m_store(m_dir / "sasaran.db") {
    geo::silent_progress progress;
    geo::importer importer(m_store, progress);
    importer.import_dataset(geo::load_dataset_description(
        std::string(SASARAN_TEST_DATA) + "/dataset-tiny.json", SASARAN_TEST_DATA));
    m_engine.emplace(m_store);
  }

  std::vector<std::string> nearest_ids(const engine::nearest_query& q) const {
    std::vector<std::string> ids;
    for (const auto& n : m_engine->nearest(q))
      ids.push_back(n.what->id);
    return ids;
  }

  geo::coverage coverage(const std::string& code, std::optional<std::string> program = {}) {
    const auto c = m_engine->coverage_of(code, program);
    EXPECT_TRUE(c) << code;
    return c.value_or(geo::coverage{});
  }

  test_support::temp_dir m_dir;
  geo::spatialite_store m_store;
  std::optional<engine> m_engine;
};

TEST_F(Engine, LoadsEveryAreaAndTarget) {
  EXPECT_EQ(m_engine->area_count(), 1u + 2u + 4u + 2u + 4u);  // kota, kecamatan, kel, rw, rt
  EXPECT_EQ(m_engine->target_count(), 6u);
  EXPECT_EQ(m_engine->located_count(), 5u);
}

TEST_F(Engine, LooksUpEveryLevelContainingAPoint) {
  const engine::admin_chain c = m_engine->lookup(106.805, -6.195);
  ASSERT_TRUE(c.rt && c.rw && c.kelurahan && c.kecamatan && c.kota);
  EXPECT_EQ(c.rt->code, "3171010001001001");
  EXPECT_EQ(c.rw->code, "3171010001001");
  EXPECT_EQ(c.kelurahan->code, "3171010001");
  EXPECT_EQ(c.kelurahan->name, "Kebon Kelapa");
  EXPECT_EQ(c.kecamatan->code, "3171010");
  EXPECT_EQ(c.kota->code, "3171");
}

TEST_F(Engine, LooksUpAKelurahanWithoutRtsUpToItsKota) {
  const engine::admin_chain c = m_engine->lookup(106.83, -6.19);
  EXPECT_FALSE(c.rt);
  EXPECT_FALSE(c.rw);
  ASSERT_TRUE(c.kelurahan && c.kota);
  EXPECT_EQ(c.kelurahan->code, "3171010002");
  EXPECT_EQ(c.kota->code, "3171");
}

TEST_F(Engine, LooksUpNothingOutsideEveryArea) {
  EXPECT_TRUE(m_engine->lookup(106.9, -6.1).empty());
}

TEST_F(Engine, FindsNearestLocatedTargetsByGeodesicDistance) {
  engine::nearest_query q{.lon = 106.805, .lat = -6.195};
  EXPECT_EQ(nearest_ids(q), (std::vector<std::string>{"T01", "T04", "T03", "T02", "T05"}));
  const auto hits = m_engine->nearest(q);
  EXPECT_EQ(hits[0].distance_m, 0.0);
  EXPECT_EQ(hits[0].status, target_status::pledged);
  EXPECT_NEAR(hits[1].distance_m, 1105.9, 0.5);  // 0.01 degree of latitude
}

TEST_F(Engine, FiltersNearestByProgramStatusAndDistance) {
  EXPECT_EQ(nearest_ids({.lon = 106.805, .lat = -6.195, .program = "pangan"}),
            (std::vector<std::string>{"T01", "T03", "T05"}));
  EXPECT_EQ(nearest_ids({.lon = 106.805, .lat = -6.195, .status = target_status::open}),
            (std::vector<std::string>{"T04", "T03", "T05"}));
  EXPECT_EQ(nearest_ids({.lon = 106.805, .lat = -6.195, .k = 2}),
            (std::vector<std::string>{"T01", "T04"}));
  EXPECT_EQ(nearest_ids({.lon = 106.805, .lat = -6.195, .max_distance_m = 1200}),
            (std::vector<std::string>{"T01", "T04", "T03"}));
}

TEST_F(Engine, MeasuresFromCoarsePositionsForThoseWhoMayNotSeeExactOnes) {
  // T01 sits at (106.805, -6.195); its coarse spot is the centre of its 0.0009-degree cell.
  const geo::lon_lat spot = geo::coarse_position(106.805, -6.195);
  const auto hits = m_engine->nearest(
      {.lon = spot.lon, .lat = spot.lat, .k = 1, .positions = engine::precision::coarse});
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].what->id, "T01");
  EXPECT_EQ(hits[0].distance_m, 0.0);
  const auto exact = m_engine->nearest({.lon = spot.lon, .lat = spot.lat, .k = 1});
  EXPECT_GT(exact[0].distance_m, 0.0);
}

TEST_F(Engine, CountsCoverageOfEveryLevelIncludingUnlocatedTargets) {
  const geo::coverage kelurahan = coverage("3171010001");
  EXPECT_EQ(kelurahan.targets, 5u);  // T06 is unlocated and counts for its declared RT
  EXPECT_EQ(kelurahan.pledged, 2u);
  EXPECT_EQ(kelurahan.delivered, 0u);
  EXPECT_EQ(kelurahan.unserved(), 3u);
  EXPECT_EQ(kelurahan.unmet_priority, 1u + 4u + 5u);  // T03, T04, T06
  EXPECT_DOUBLE_EQ(kelurahan.pledged_ratio(), 0.4);
  EXPECT_EQ(coverage("3171010").targets, 6u);
  EXPECT_EQ(coverage("3171010").unmet_priority, 12u);
  EXPECT_EQ(coverage("3171010001", "pangan").targets, 2u);  // T01, T03
  EXPECT_EQ(coverage("3171010002").targets, 1u);
  EXPECT_EQ(coverage("3171020001").targets, 0u);
}

TEST_F(Engine, RwCoveragesAddUpToTheirKelurahan) {
  const geo::coverage rw1 = coverage("3171010001001"), rw2 = coverage("3171010001002");
  const geo::coverage kelurahan = coverage("3171010001");
  EXPECT_EQ(rw1.targets + rw2.targets, kelurahan.targets);
  EXPECT_EQ(rw1.pledged + rw2.pledged, kelurahan.pledged);
  EXPECT_EQ(rw1.unmet_priority + rw2.unmet_priority, kelurahan.unmet_priority);
}

TEST_F(Engine, SetStatusMovesCoverageAtEveryLevel) {
  const geo::target* t03 = m_engine->find_target("T03");
  ASSERT_TRUE(t03);
  m_engine->set_status(*t03, target_status::delivered);
  EXPECT_EQ(m_engine->status_of(*t03), target_status::delivered);
  for (const char* code : {"3171010001002001", "3171010001002", "3171010001", "3171010", "3171"}) {
    const geo::coverage c = coverage(code, "pangan");
    EXPECT_EQ(c.delivered, 1u) << code;
    // Pangan left unmet: only T05 (priority 2), in kelurahan 3171010002 of the same kecamatan.
    EXPECT_EQ(c.unmet_priority, std::string(code).size() <= 7 ? 2u : 0u) << code;
  }
  EXPECT_EQ(coverage("3171010001").pledged, 3u);
  m_engine->set_status(*t03, target_status::open);
  EXPECT_EQ(coverage("3171010001").pledged, 2u);
  EXPECT_EQ(coverage("3171010001").unmet_priority, 10u);
}

TEST_F(Engine, HasNoCoverageForUnknownAreasOrPrograms) {
  EXPECT_FALSE(m_engine->coverage_of("9999"));
  EXPECT_FALSE(m_engine->coverage_of("3171010001", std::string("sembako")));
}

}  // namespace

namespace {

std::vector<std::string> codes_of(const std::vector<const geo::area*>& areas) {
  std::vector<std::string> codes;
  for (const geo::area* a : areas)
    codes.push_back(a->code);
  return codes;
}

std::vector<std::string> ids_of(const std::vector<const geo::target*>& targets) {
  std::vector<std::string> ids;
  for (const geo::target* t : targets)
    ids.push_back(t->id);
  return ids;
}

}  // namespace

TEST_F(Engine, ListsTheChildrenOfAnAreaByCode) {
  EXPECT_EQ(codes_of(m_engine->children_of(*m_engine->find_area("3171010001"))),
            (std::vector<std::string>{"3171010001001", "3171010001002"}));
  EXPECT_EQ(codes_of(m_engine->children_of(*m_engine->find_area("3171010002"))),
            std::vector<std::string>{});
  EXPECT_EQ(codes_of(m_engine->areas_at(geo::admin_level::kecamatan)),
            (std::vector<std::string>{"3171010", "3171020"}));
}

TEST_F(Engine, FindsTheAreasWhoseBoxMeetsABoxByCodeTouchingOnesIncluded) {
  // The corner the four kelurahan share; the centre the four RTs share.
  EXPECT_EQ(
      codes_of(m_engine->areas_meeting(geo::admin_level::kelurahan, {106.82, -6.2, 106.82, -6.2})),
      (std::vector<std::string>{"3171010001", "3171010002", "3171020001", "3171020002"}));
  EXPECT_EQ(codes_of(m_engine->areas_meeting(geo::admin_level::rt, {106.81, -6.19, 106.81, -6.19})),
            (std::vector<std::string>{"3171010001001001", "3171010001001002", "3171010001002001",
                                      "3171010001002002"}));
  // Inside RW 002 only: position 1 of the RWs by code.
  const geo::bbox inside_002{106.815, -6.195, 106.816, -6.194};
  EXPECT_EQ(codes_of(m_engine->areas_meeting(geo::admin_level::rw, inside_002)),
            std::vector<std::string>{"3171010001002"});
  EXPECT_EQ(m_engine->area_positions_meeting(geo::admin_level::rw, inside_002),
            std::vector<std::uint32_t>{1});
  EXPECT_EQ(m_engine->areas_at(geo::admin_level::rw)[1]->code, "3171010001002");
  EXPECT_EQ(codes_of(m_engine->areas_meeting(geo::admin_level::rt, {107, -6, 108, -5})),
            std::vector<std::string>{});
}

TEST_F(Engine, SearchesNamesIgnoringCaseAndAccentsExactNamesFirst) {
  const auto found = m_engine->search_areas("KÉBON  kelapa", std::nullopt, 20);
  ASSERT_EQ(found.size(), 7u);  // the kelurahan, its 2 RWs and 4 RTs (named with it)
  EXPECT_EQ(found[0]->code, "3171010001");
  EXPECT_EQ(found[1]->code, "3171010001001");
  EXPECT_EQ(codes_of(m_engine->search_areas("kelapa rw 002", geo::admin_level::rw, 20)),
            std::vector<std::string>{"3171010001002"});
  EXPECT_EQ(codes_of(m_engine->search_areas("petojo", std::nullopt, 20)),
            std::vector<std::string>{"3171010002"});
  EXPECT_EQ(m_engine->search_areas("kebon", std::nullopt, 2).size(), 2u);
  EXPECT_TRUE(m_engine->search_areas(" - ", std::nullopt, 20).empty());
}

TEST_F(Engine, SelectsTargetsInABoxByExactOrCoarsePosition) {
  const geo::bbox west_half{106.80, -6.20, 106.81, -6.18};
  EXPECT_EQ(ids_of(m_engine->targets_in(west_half, engine::precision::exact)),
            (std::vector<std::string>{"T01", "T04"}));
  // A box around T01's coarse spot finds it by coarse position; the same box moved off the
  // spot does not, though T01's exact position may be inside it.
  const geo::lon_lat spot = geo::coarse_position(106.805, -6.195);
  EXPECT_EQ(ids_of(m_engine->targets_in(
                {spot.lon - 1e-6, spot.lat - 1e-6, spot.lon + 1e-6, spot.lat + 1e-6},
                engine::precision::coarse)),
            std::vector<std::string>{"T01"});
  EXPECT_EQ(ids_of(m_engine->targets_in({106.8049, -6.1951, 106.8051, -6.1949},
                                        engine::precision::coarse)),
            std::vector<std::string>{});
}

TEST_F(Engine, SelectsTheTargetsOfAnAreaByWhereTheyAreOrByTheirCell) {
  const geo::area& rw2 = *m_engine->find_area("3171010001002");
  EXPECT_EQ(ids_of(m_engine->targets_of(rw2, engine::precision::exact)),
            (std::vector<std::string>{"T02", "T03", "T06"}));
  // By cell, the unlocated T06 belongs to its declared RW, but never to an RT.
  EXPECT_EQ(ids_of(m_engine->targets_of(rw2, engine::precision::coarse)),
            (std::vector<std::string>{"T02", "T03", "T06"}));
  const geo::area& rt = *m_engine->find_area("3171010001002002");
  EXPECT_EQ(ids_of(m_engine->targets_of(rt, engine::precision::exact)),
            (std::vector<std::string>{"T02", "T06"}));
  EXPECT_EQ(ids_of(m_engine->targets_of(rt, engine::precision::coarse)),
            std::vector<std::string>{"T02"});
}

TEST_F(Engine, RanksAreasByUnservedOrUnmetPriorityWithinAnArea) {
  const auto ranked = m_engine->coverage_ranking({.level = geo::admin_level::rw});
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].where->code, "3171010001002");  // T03 and T06 unserved
  EXPECT_EQ(ranked[0].of.unserved(), 2u);
  EXPECT_EQ(ranked[0].of.unmet_priority, 6u);
  EXPECT_EQ(ranked[1].where->code, "3171010001001");  // T04 unserved
  const auto capped = m_engine->coverage_ranking({.level = geo::admin_level::rw, .max_ratio = 0.4});
  ASSERT_EQ(capped.size(), 1u);  // RW 001 is half pledged
  EXPECT_EQ(capped[0].where->code, "3171010001002");
  const auto kelurahan = m_engine->coverage_ranking(
      {.level = geo::admin_level::kelurahan, .within = "3171010", .program = "pangan"});
  EXPECT_EQ(kelurahan.size(), 2u);
  EXPECT_EQ(kelurahan[0].of.unserved(), 1u);
  const auto by_priority = m_engine->coverage_ranking(
      {.level = geo::admin_level::rt, .order = engine::coverage_order::unmet_priority});
  EXPECT_EQ(by_priority[0].where->code, "3171010001002002");  // T06, priority 5
}
