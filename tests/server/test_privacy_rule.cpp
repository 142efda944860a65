#include "server/privacy_rule.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <set>

#include "geo/import/dataset_description.hpp"
#include "geo/import/importer.hpp"
#include "geo/store/spatialite_store.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using geo::role;
using server::principal;
using server::privacy_rule;
using server::visibility;
using precision = geo::engine::precision;

principal as(role r) {
  principal p;
  p.who = r;
  if (r != role::anonymous) p.token_id = "tok";
  return p;
}

principal pic_of(std::vector<std::string> areas) {
  return {role::pic, "tok_pic", std::move(areas), ""};
}

// An engine over the tiny areas (see tests/geo/test_engine.cpp: kelurahan 3171010001 is
// 106.80..106.82 x -6.20..-6.18, RW 001 its west half, RW 002 its east half, RTs 001 south and
// 002 north in each) with the targets of `targets_dataset`.
class PrivacyRuleTest : public ::testing::Test {
 protected:
  explicit PrivacyRuleTest(const std::string& dataset) : m_store(m_dir / "sasaran.db") {
    geo::silent_progress progress;
    geo::importer importer(m_store, progress);
    importer.import_dataset(geo::load_dataset_description(
        std::string(SASARAN_TEST_DATA) + "/" + dataset, SASARAN_TEST_DATA));
    m_engine.emplace(m_store);
    m_rule.emplace(*m_engine);
  }

  const geo::target& target(const std::string& id) const { return *m_engine->find_target(id); }
  const geo::area& area(const std::string& code) const { return *m_engine->find_area(code); }

  std::vector<std::string> shown(const principal& p, const geo::bbox& box) const {
    std::vector<std::string> out;
    for (const server::target_view& v :
         m_rule->visible(p, [&](precision at) { return m_engine->targets_in(box, at); }))
      out.push_back(v.what->id + (v.level == visibility::exact ? ":exact" : ":coarse"));
    return out;
  }

  test_support::temp_dir m_dir;
  geo::spatialite_store m_store;
  std::optional<geo::engine> m_engine;
  std::optional<privacy_rule> m_rule;
};

// The tiny dataset's targets: RW 3171010001001 holds T01 and T04, RW 3171010001002 holds T02,
// T03 and the unlocated T06; T05 is in kelurahan 3171010002.
class PrivacyRule : public PrivacyRuleTest {
 protected:
  PrivacyRule() : PrivacyRuleTest("dataset-tiny.json") {}
  const principal pic_of_rw1 = pic_of({"3171010001001"});
};

// Targets whose cells straddle boundaries: S1 lies in RW 002 (RT 002001) 1 cm east of the RWs'
// border at 106.81, but its cell's spot (106.80975, -6.19515) is in RW 001 (RT 001001); S2
// lies in RT 001001 just south of -6.19, its spot (106.80525, -6.18975) in RT 001002; S3 sits
// well inside RT 002002; S4 has no position and was declared in RT 002002.
class PrivacyRuleAtBorders : public PrivacyRuleTest {
 protected:
  PrivacyRuleAtBorders() : PrivacyRuleTest("dataset-tiny-straddling-cells.json") {}
};

TEST_F(PrivacyRule, OnlyAdminsAndPicsInScopeSeeExactPositions) {
  EXPECT_EQ(m_rule->visibility_of({}, target("T01")), visibility::hidden);
  EXPECT_EQ(m_rule->visibility_of({role::collaborator, "t", {}, "C1"}, target("T01")),
            visibility::coarse);
  EXPECT_EQ(m_rule->visibility_of(as(role::planner), target("T01")), visibility::coarse);
  EXPECT_EQ(m_rule->visibility_of(as(role::admin), target("T01")), visibility::exact);
  EXPECT_EQ(m_rule->visibility_of(pic_of_rw1, target("T01")), visibility::exact);
  EXPECT_EQ(m_rule->visibility_of(pic_of_rw1, target("T02")), visibility::coarse);
  // A scope given at kelurahan level covers the targets of its RWs and RTs.
  EXPECT_EQ(m_rule->visibility_of(pic_of({"3171010001"}), target("T06")), visibility::exact);
}

TEST_F(PrivacyRule, CoarseViewsCarryTheCoarseSpotExactViewsTheExactPoint) {
  const auto coarse = m_rule->view_of(as(role::planner), target("T01"));
  ASSERT_TRUE(coarse && coarse->position);
  EXPECT_EQ(*coarse->position, geo::coarse_position(106.805, -6.195));
  const auto exact = m_rule->view_of(as(role::admin), target("T01"));
  EXPECT_EQ(*exact->position, (geo::lon_lat{106.805, -6.195}));
  EXPECT_FALSE(m_rule->view_of({}, target("T01")));
}

TEST_F(PrivacyRule, SelectsEachTargetByThePositionTheCallerSees) {
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

TEST_F(PrivacyRule, NearestMeasuresEachTargetFromThePositionTheCallerSees) {
  const geo::lon_lat spot = geo::coarse_position(106.815, -6.185);  // T02's coarse spot
  geo::engine::nearest_query q{.lon = spot.lon, .lat = spot.lat, .k = 3};
  const auto planner = m_rule->nearest(as(role::planner), q);
  ASSERT_EQ(planner.size(), 3u);
  EXPECT_EQ(planner[0].view.what->id, "T02");
  EXPECT_EQ(planner[0].distance_m, 0.0);
  const auto pic = m_rule->nearest(pic_of_rw1, q);
  ASSERT_EQ(pic.size(), 3u);
  EXPECT_EQ(pic[0].view.what->id, "T02");  // out of scope: from its coarse spot
  EXPECT_EQ(pic[0].distance_m, 0.0);
  for (std::size_t i = 1; i < pic.size(); ++i)
    EXPECT_LE(pic[i - 1].distance_m, pic[i].distance_m);
  EXPECT_TRUE(m_rule->nearest({}, q).empty());
}

TEST_F(PrivacyRuleAtBorders, CoarseCallersTieATargetToTheAreasOfItsCellsSpot) {
  const auto code = [](const geo::area* a) { return a ? a->code : std::string("none"); };
  const geo::engine::admin_chain coarse = m_rule->areas_of(as(role::planner), target("S1"));
  EXPECT_EQ(code(coarse.rt), "3171010001001001");
  EXPECT_EQ(code(coarse.rw), "3171010001001");
  EXPECT_EQ(code(coarse.kelurahan), "3171010001");
  const geo::engine::admin_chain exact = m_rule->areas_of(as(role::admin), target("S1"));
  EXPECT_EQ(code(exact.rt), "3171010001002001");
  EXPECT_EQ(code(exact.rw), "3171010001002");
  EXPECT_EQ(code(m_rule->areas_of(as(role::collaborator), target("S2")).rt), "3171010001001002");
  // No position: the declared RW and above, never the RT.
  const geo::engine::admin_chain unlocated = m_rule->areas_of(as(role::planner), target("S4"));
  EXPECT_EQ(code(unlocated.rt), "none");
  EXPECT_EQ(code(unlocated.rw), "3171010001002");
  EXPECT_TRUE(m_rule->areas_of({}, target("S1")).empty());
}

TEST_F(PrivacyRuleAtBorders, ListsByAreaFollowTheCellForCoarseCallers) {
  const auto ids = [&](const principal& p, const std::string& code) {
    std::vector<std::string> out;
    for (const server::target_view& v :
         m_rule->visible(p, [&](precision at) { return m_engine->targets_of(area(code), at); }))
      out.push_back(v.what->id);
    return out;
  };
  EXPECT_EQ(ids(as(role::planner), "3171010001001"), (std::vector<std::string>{"S1", "S2"}));
  EXPECT_EQ(ids(as(role::planner), "3171010001002"), (std::vector<std::string>{"S3", "S4"}));
  EXPECT_EQ(ids(as(role::admin), "3171010001002"), (std::vector<std::string>{"S1", "S3", "S4"}));
  EXPECT_EQ(ids(as(role::planner), "3171010001002002"), std::vector<std::string>{"S3"});
}

TEST_F(PrivacyRuleAtBorders, APicSeesExactlyEveryTargetWhoseCellMeetsTheirArea) {
  // S1 lies in RW 002, but its cell reaches into RW 001: a PIC of RW 001 who saw it coarsely
  // would learn that it lies outside their RW, less than its cell.
  EXPECT_EQ(m_rule->visibility_of(pic_of({"3171010001001"}), target("S1")), visibility::exact);
  EXPECT_EQ(m_rule->visibility_of(pic_of({"3171010001002"}), target("S1")), visibility::exact);
  // Nor does S1's cell (-6.1956 to -6.1947) meet RT 002002 (-6.19 to -6.18).
  EXPECT_EQ(m_rule->visibility_of(pic_of({"3171010001002002"}), target("S1")), visibility::coarse);
  EXPECT_EQ(m_rule->visibility_of(pic_of({"3171010001001"}), target("S3")), visibility::coarse);
  EXPECT_TRUE(m_rule->handles(pic_of({"3171010001001"}), &target("S1")));
  EXPECT_FALSE(m_rule->handles(pic_of({"3171010001001"}), &target("S3")));
}

TEST_F(PrivacyRuleAtBorders, PublicFiguresCountEachTargetWhereItsCellIs) {
  const auto targets = [&](const std::string& code, precision basis) {
    return m_engine->coverage_of(code, std::nullopt, basis)->targets;
  };
  EXPECT_EQ(targets("3171010001001", precision::exact), 1u);   // S2
  EXPECT_EQ(targets("3171010001001", precision::coarse), 2u);  // S1 and S2, by their spots
  EXPECT_EQ(targets("3171010001002", precision::exact), 3u);   // S1, S3, S4 (declared)
  EXPECT_EQ(targets("3171010001002", precision::coarse), 2u);  // S3, S4
  EXPECT_EQ(targets("3171010001", precision::coarse), 4u);
  EXPECT_EQ(targets("3171010001001002", precision::coarse), 1u);  // S2's spot
}

TEST_F(PrivacyRuleAtBorders, APledgeMovesPublicFiguresOnlyWhereTheCellIs) {
  const auto pledged = [&](const std::string& code, precision basis) {
    return m_engine->coverage_of(code, std::nullopt, basis)->pledged;
  };
  m_engine->set_status(target("S1"), geo::target_status::pledged);
  EXPECT_EQ(pledged("3171010001001", precision::coarse), 1u);
  EXPECT_EQ(pledged("3171010001002", precision::coarse), 0u);  // where S1 really is
  EXPECT_EQ(pledged("3171010001002", precision::exact), 1u);
  EXPECT_EQ(pledged("3171010001001", precision::exact), 0u);
  m_engine->set_status(target("S1"), geo::target_status::open);
  EXPECT_EQ(pledged("3171010001001", precision::coarse), 0u);
  EXPECT_EQ(pledged("3171010001002", precision::exact), 0u);
}

TEST_F(PrivacyRuleAtBorders, FiguresPerRtGoOnlyToAdminsAndThePicOfTheRt) {
  const geo::area& rt = area("3171010001001001");
  const geo::area& rw = area("3171010001001");
  for (role r : {role::anonymous, role::collaborator, role::aggregator, role::planner}) {
    EXPECT_EQ(m_rule->figures_of(as(r), rt), std::nullopt) << geo::role_name(r);
    EXPECT_EQ(m_rule->figures_of(as(r), rw), precision::coarse) << geo::role_name(r);
    EXPECT_EQ(m_rule->ranking_figures(as(r), geo::admin_level::rt, &rw), std::nullopt);
  }
  EXPECT_EQ(m_rule->figures_of(as(role::admin), rt), precision::exact);
  EXPECT_EQ(m_rule->figures_of(pic_of({"3171010001001"}), rt), precision::exact);
  EXPECT_EQ(m_rule->figures_of(pic_of({"3171010001002"}), rt), std::nullopt);
  EXPECT_EQ(m_rule->figures_of(pic_of({"3171010001002"}), rw), precision::coarse);
  EXPECT_EQ(m_rule->ranking_figures(pic_of({"3171010001001"}), geo::admin_level::rt, &rw),
            precision::exact);
  EXPECT_EQ(m_rule->ranking_figures(pic_of({"3171010001001"}), geo::admin_level::rt, nullptr),
            std::nullopt);
}

TEST_F(PrivacyRuleAtBorders, DeliveryTextGoesOnlyToThoseWhoHandleTheTarget) {
  geo::pledge p;
  p.target_id = "S3";
  p.collaborator_id = "C0001";
  EXPECT_TRUE(m_rule->sees_delivery_text(as(role::admin), p));
  EXPECT_TRUE(m_rule->sees_delivery_text(pic_of({"3171010001002"}), p));
  EXPECT_FALSE(m_rule->sees_delivery_text(pic_of({"3171010001001"}), p));
  EXPECT_FALSE(m_rule->sees_delivery_text({role::collaborator, "t", {}, "C0001"}, p));
  EXPECT_FALSE(m_rule->sees_delivery_text(as(role::planner), p));
  EXPECT_TRUE(m_rule->may_read({role::collaborator, "t", {}, "C0001"}, p));
  EXPECT_FALSE(m_rule->may_read({role::collaborator, "t", {}, "C0002"}, p));
  EXPECT_FALSE(m_rule->may_read(pic_of({"3171010001001"}), p));
  EXPECT_FALSE(m_rule->may_read({}, p));
}

TEST_F(PrivacyRuleAtBorders, MetricsAreForAdminsOnly) {
  for (role r : {role::anonymous, role::collaborator, role::aggregator, role::planner, role::pic})
    EXPECT_FALSE(privacy_rule::may_read_metrics(as(r))) << geo::role_name(r);
  EXPECT_TRUE(privacy_rule::may_read_metrics(as(role::admin)));
}

// What a tile viewer shows of `t`: hidden, coarse or exact, in the rule's words.
visibility shown_in_tiles(const tiles::target_viewer& v, const geo::target& t) {
  using mode = tiles::target_viewer::mode;
  switch (v.how) {
    case mode::counts_per_rw:
      return visibility::hidden;
    case mode::coarse:
      return visibility::coarse;
    case mode::exact:
      return visibility::exact;
    case mode::mixed:
      return v.exact_for(t) ? visibility::exact : visibility::coarse;
  }
  return visibility::hidden;
}

TEST_F(PrivacyRuleAtBorders, TilesShowEveryRoleExactlyWhatTheApiShows) {
  std::vector<principal> callers;
  for (role r : {role::anonymous, role::collaborator, role::aggregator, role::planner, role::admin})
    callers.push_back(as(r));
  callers.push_back(pic_of({"3171010001002002"}));
  callers.push_back(pic_of({"3171010001001"}));
  callers.push_back(pic_of({"3172060007", "3171010001"}));
  for (const principal& caller : callers)
    for (const char* id : {"S1", "S2", "S3", "S4"})
      EXPECT_EQ(shown_in_tiles(m_rule->tile_viewer(caller), target(id)),
                m_rule->visibility_of(caller, target(id)))
          << geo::role_name(caller.who) << " " << id;
}

TEST(PrivacyRuleKeys, KeysCachedTilesByWhatTheCallerMaySee) {
  const principal collaborator{role::collaborator, "a", {}, "C0001"};
  const principal planner{role::planner, "b", {}, ""};
  const principal pic_ab{role::pic, "c", {"3171010001", "3172060007"}, ""};
  const principal pic_ba{role::pic, "d", {"3172060007", "3171010001"}, ""};
  const principal pic_a{role::pic, "e", {"3171010001"}, ""};
  EXPECT_EQ(privacy_rule::tile_viewer_key(collaborator), privacy_rule::tile_viewer_key(planner));
  EXPECT_EQ(privacy_rule::tile_viewer_key(pic_ab), privacy_rule::tile_viewer_key(pic_ba));
  const std::set<std::string> distinct{
      privacy_rule::tile_viewer_key({}), privacy_rule::tile_viewer_key(collaborator),
      privacy_rule::tile_viewer_key({role::admin, "f", {}, ""}),
      privacy_rule::tile_viewer_key(pic_ab), privacy_rule::tile_viewer_key(pic_a)};
  EXPECT_EQ(distinct.size(), 5u);
}

}  // namespace
