// Who sees which target where, over HTTP (DESIGN.md, privacy): exact positions only for a PIC
// inside their scope and for admins, coarse spots and no household detail for everyone else,
// counts only for anonymous callers.
#include <gtest/gtest.h>

#include <map>

#include "geo/engine/coarse_position.hpp"
#include "tests/http/api_test_support.hpp"

namespace {

using namespace api_test;

struct stored_position {
  double lon, lat;
  std::string kelurahan;
};

// Exact positions as stored, read from the store.
std::map<std::string, stored_position> stored_positions(const json& targets) {
  std::map<std::string, stored_position> out;
  for (const json& t : targets) {
    const std::optional<geo::target> found =
        api_test::stored().find_target(t["id"].get<std::string>());
    if (found && found->lon) out[t["id"]] = {*found->lon, *found->lat, found->kelurahan_code};
  }
  return out;
}

void expect_coarse_only(const json& targets) {
  const auto exact = stored_positions(targets);
  for (const json& t : targets) {
    EXPECT_EQ(t["position"], "coarse") << t;
    for (const char* detail :
         {"household_size", "rt_code", "rw_code", "declared_rt", "registered_at", "kelurahan_code"})
      EXPECT_FALSE(t.contains(detail)) << detail << " in " << t;
    const stored_position& s = exact.at(t["id"]);
    const geo::lon_lat spot = geo::coarse_position(s.lon, s.lat);
    EXPECT_EQ(t["lon"].get<double>(), spot.lon) << t;
    EXPECT_EQ(t["lat"].get<double>(), spot.lat) << t;
    EXPECT_FALSE(t["lon"].get<double>() == s.lon && t["lat"].get<double>() == s.lat) << t;
  }
}

TEST(ApiPrivacy, ACollaboratorNeverReceivesAnExactPosition) {
  test_support::http_client client;
  for (const char* role : {"collaborator", "aggregator", "planner"}) {
    const json near = body_of(
        get(client, "/api/v1/targets/nearest?lon=106.8272&lat=-6.1754&k=100&status=any", role));
    ASSERT_EQ(near["targets"].size(), 100u);
    expect_coarse_only(near["targets"]);
    const json box =
        body_of(get(client, "/api/v1/targets?bbox=106.82,-6.18,106.83,-6.17&limit=200", role));
    ASSERT_FALSE(box["targets"].empty());
    expect_coarse_only(box["targets"]);
    for (const json& t : box["targets"]) {
      EXPECT_GE(t["lon"].get<double>(), 106.82);  // selected by the coarse spot, not the point
      EXPECT_LE(t["lon"].get<double>(), 106.83);
    }
    const json one = body_of(
        get(client, "/api/v1/targets/" + near["targets"][0]["id"].get<std::string>(), role));
    expect_coarse_only(json::array({one}));
  }
}

TEST(ApiPrivacy, APicSeesExactPositionsOnlyInsideTheirScope) {
  test_support::http_client client;
  const json inside =
      body_of(get(client, "/api/v1/targets?limit=1000&area=" + env().pic_area(), "pic"));
  ASSERT_FALSE(inside["targets"].empty());
  // Targets of the area at their exact positions, and neighbours whose coarse spot falls in
  // it at that spot only.
  const auto exact = stored_positions(inside["targets"]);
  std::int64_t exact_count = 0;
  json neighbours = json::array();
  for (const json& t : inside["targets"]) {
    if (t["position"] == "coarse") {
      neighbours.push_back(t);
      continue;
    }
    ++exact_count;
    EXPECT_TRUE(t.contains("household_size"));
    EXPECT_EQ(t["kelurahan_code"], env().pic_area());
    if (t["located"] == true) {
      EXPECT_EQ(t["lon"].get<double>(), exact.at(t["id"]).lon);
    }
  }
  expect_coarse_only(neighbours);
  for (const auto& [id, s] : stored_positions(neighbours)) {
    EXPECT_NE(s.kelurahan, env().pic_area()) << id;
  }
  // Unlocated targets of their area are listed for the PIC to visit.
  std::int64_t in_area = 0;
  for (const geo::target& t : api_test::stored().load_targets())
    in_area += t.kelurahan_code == env().pic_area();
  EXPECT_EQ(exact_count, in_area);

  // Another kelurahan: coarse only.
  const json other = body_of(get(client, "/api/v1/targets?limit=100&area=3174030002", "pic"));
  ASSERT_FALSE(other["targets"].empty());
  expect_coarse_only(other["targets"]);
  const json admin = body_of(get(client, "/api/v1/targets?limit=5&area=3174030002", "admin"));
  for (const json& t : admin["targets"])
    EXPECT_EQ(t["position"], "exact");
}

TEST(ApiPrivacy, AnonymousCallersSeeCoverageAndBoundariesButNoTargets) {
  test_support::http_client client;
  for (const std::string path : {"/api/v1/targets/nearest?lon=106.8&lat=-6.2",
                                 "/api/v1/targets?area=3174030002", "/api/v1/targets/T0000001"}) {
    const http_response r = get(client, path);
    EXPECT_EQ(r.status, 401) << path;
    EXPECT_EQ(r.header("www-authenticate"), "Bearer");
  }
  EXPECT_EQ(get(client, "/api/v1/coverage?level=rw&limit=3").status, 200);
  EXPECT_EQ(get(client, "/api/v1/areas/3174030002").status, 200);
  EXPECT_EQ(get(client, "/api/v1/lookup?lon=106.8&lat=-6.2").status, 200);
}

TEST(ApiPrivacy, AnUnknownOrMalformedTokenIsRefused) {
  test_support::http_client client;
  EXPECT_EQ(client
                .get(env().base_url() + "/api/v1/coverage",
                     {"Authorization: Bearer sst_0000000000000000000000000000000000000000000000"
                      "000000000000000000"})
                .status,
            401);
  EXPECT_EQ(client.get(env().base_url() + "/api/v1/coverage", {"Authorization: Basic abc"}).status,
            401);
}

}  // namespace
