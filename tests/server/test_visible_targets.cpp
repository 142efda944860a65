#include "server/visible_targets.hpp"

#include <gtest/gtest.h>

#include <optional>

#include "geo/dataset_description.hpp"
#include "geo/importer.hpp"
#include "geo/spatialite_store.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using geo::role;
using server::principal;
using server::visibility;

principal as(role r) {
  principal p;
  p.who = r;
  return p;
}

// The tiny dataset (see tests/geo/test_engine.cpp): RW 3171010001001 holds T01 and T04, RW
// 3171010001002 holds T02, T03 and the unlocated T06; T05 is in kelurahan 3171010002.
class VisibleTargets : public ::testing::Test {
 protected:
  VisibleTargets() : m_store(m_dir / "sasaran.db") {
    geo::silent_progress progress;
    geo::importer importer(m_store, progress);
    importer.import_dataset(geo::load_dataset_description(
        std::string(SASARAN_TEST_DATA) + "/dataset-tiny.json", SASARAN_TEST_DATA));
    m_engine.emplace(m_store);
  }

  const geo::target& target(const std::string& id) const { return *m_engine->find_target(id); }

  std::vector<std::string> shown(const principal& p, const geo::bbox& box) const {
    std::vector<std::string> out;
    for (const server::target_view& v : server::visible_targets(
             p, *m_engine, [&](server::precision at) { return m_engine->targets_in(box, at); }))
      out.push_back(v.what->id + (v.level == visibility::exact ? ":exact" : ":coarse"));
    return out;
  }

  test_support::temp_dir m_dir;
  geo::spatialite_store m_store;
  std::optional<geo::engine> m_engine;
  const principal pic_of_rw1{role::pic, "tok_1", {"3171010001001"}, ""};
};

TEST_F(VisibleTargets, OnlyAdminsAndPicsInScopeSeeExactPositions) {
  EXPECT_EQ(server::visibility_of({}, target("T01")), visibility::hidden);
  EXPECT_EQ(server::visibility_of({role::collaborator, "t", {}, "C1"}, target("T01")),
            visibility::coarse);
  EXPECT_EQ(server::visibility_of(as(role::planner), target("T01")), visibility::coarse);
  EXPECT_EQ(server::visibility_of(as(role::admin), target("T01")), visibility::exact);
  EXPECT_EQ(server::visibility_of(pic_of_rw1, target("T01")), visibility::exact);
  EXPECT_EQ(server::visibility_of(pic_of_rw1, target("T02")), visibility::coarse);
  // A scope given at kelurahan level covers the targets of its RWs and RTs.
  EXPECT_EQ(server::visibility_of({role::pic, "t", {"3171010001"}, ""}, target("T06")),
            visibility::exact);
}

TEST_F(VisibleTargets, CoarseViewsCarryTheCoarseSpotExactViewsTheExactPoint) {
  const auto coarse = server::view_of(as(role::planner), *m_engine, target("T01"));
  ASSERT_TRUE(coarse && coarse->position);
  EXPECT_EQ(*coarse->position, geo::coarse_position(106.805, -6.195));
  const auto exact = server::view_of(as(role::admin), *m_engine, target("T01"));
  EXPECT_EQ(*exact->position, (geo::lon_lat{106.805, -6.195}));
  EXPECT_FALSE(server::view_of({}, *m_engine, target("T01")));
}

TEST_F(VisibleTargets, SelectsEachTargetByThePositionTheCallerSees) {
  // A box holding T01's exact point but not its coarse spot (106.80525, -6.19515).
  const geo::bbox around_exact{106.8049, -6.1951, 106.8051, -6.1949};
  EXPECT_EQ(shown(as(role::admin), around_exact), std::vector<std::string>{"T01:exact"});
  EXPECT_EQ(shown(pic_of_rw1, around_exact), std::vector<std::string>{"T01:exact"});
  EXPECT_EQ(shown(as(role::planner), around_exact), std::vector<std::string>{});
  EXPECT_EQ(shown({}, around_exact), std::vector<std::string>{});
  const geo::bbox kelurahan{106.80, -6.20, 106.82, -6.18};
  EXPECT_EQ(shown(pic_of_rw1, kelurahan),
            (std::vector<std::string>{"T01:exact", "T02:coarse", "T03:coarse", "T04:exact"}));
}

TEST_F(VisibleTargets, NearestMeasuresEachTargetFromThePositionTheCallerSees) {
  const geo::lon_lat spot = geo::coarse_position(106.815, -6.185);  // T02's coarse spot
  geo::engine::nearest_query q{.lon = spot.lon, .lat = spot.lat, .k = 3};
  const auto planner = server::visible_nearest(as(role::planner), *m_engine, q);
  ASSERT_EQ(planner.size(), 3u);
  EXPECT_EQ(planner[0].view.what->id, "T02");
  EXPECT_EQ(planner[0].distance_m, 0.0);
  const auto pic = server::visible_nearest(pic_of_rw1, *m_engine, q);
  ASSERT_EQ(pic.size(), 3u);
  EXPECT_EQ(pic[0].view.what->id, "T02");  // out of scope: from its coarse spot
  EXPECT_EQ(pic[0].distance_m, 0.0);
  for (std::size_t i = 1; i < pic.size(); ++i)
    EXPECT_LE(pic[i - 1].distance_m, pic[i].distance_m);
  EXPECT_TRUE(server::visible_nearest({}, *m_engine, q).empty());
}

}  // namespace
