#include "server/tile_viewer.hpp"

#include <gtest/gtest.h>

#include <set>

#include "server/target_view.hpp"

namespace {

using mode = tiles::target_viewer::mode;
using geo::role;

geo::target target_in(const std::string& rt_code) {
  geo::target t;
  t.id = "T" + rt_code;
  t.rt_code = rt_code;
  t.rw_code = rt_code.substr(0, 13);
  t.kelurahan_code = rt_code.substr(0, 10);
  t.kecamatan_code = rt_code.substr(0, 7);
  t.kota_code = rt_code.substr(0, 4);
  return t;
}

const std::vector<geo::target> targets{target_in("3171010001001001"), target_in("3171010001002001"),
                                       target_in("3172060007001001")};

// What the tile viewer shows of `t`: hidden, coarse or exact, in target_view's words.
server::visibility shown(const tiles::target_viewer& v, const geo::target& t) {
  switch (v.how) {
    case mode::counts_per_rw:
      return server::visibility::hidden;
    case mode::coarse:
      return server::visibility::coarse;
    case mode::exact:
      return server::visibility::exact;
    case mode::mixed:
      return v.exact_for(t) ? server::visibility::exact : server::visibility::coarse;
  }
  return server::visibility::hidden;
}

TEST(TileViewer, ShowsEveryRoleExactlyWhatTheApiRuleAllows) {
  std::vector<server::principal> callers;
  for (role r : {role::anonymous, role::collaborator, role::aggregator, role::planner, role::admin})
    callers.push_back({r, "tok", {}, ""});
  callers.push_back({role::pic, "tok", {"3171010001002"}, ""});
  callers.push_back({role::pic, "tok", {"3172060007", "3171010001"}, ""});
  for (const server::principal& caller : callers)
    for (const geo::target& t : targets)
      EXPECT_EQ(shown(server::tile_viewer_of(caller), t), server::visibility_of(caller, t))
          << geo::role_name(caller.who) << " " << t.id;
}

TEST(TileViewer, KeysCachedTilesByWhatTheCallerMaySee) {
  const server::principal collaborator{role::collaborator, "a", {}, "C0001"};
  const server::principal planner{role::planner, "b", {}, ""};
  const server::principal pic_ab{role::pic, "c", {"3171010001", "3172060007"}, ""};
  const server::principal pic_ba{role::pic, "d", {"3172060007", "3171010001"}, ""};
  const server::principal pic_a{role::pic, "e", {"3171010001"}, ""};
  EXPECT_EQ(server::tile_viewer_key(collaborator), server::tile_viewer_key(planner));
  EXPECT_EQ(server::tile_viewer_key(pic_ab), server::tile_viewer_key(pic_ba));
  const std::set<std::string> distinct{
      server::tile_viewer_key({}), server::tile_viewer_key(collaborator),
      server::tile_viewer_key({role::admin, "f", {}, ""}), server::tile_viewer_key(pic_ab),
      server::tile_viewer_key(pic_a)};
  EXPECT_EQ(distinct.size(), 5u);
}

}  // namespace
