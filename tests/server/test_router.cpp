#include "server/router.hpp"

#include <gtest/gtest.h>

namespace {

server::router sample() {
  server::router routes;
  const auto named = [](std::string name) {
    return [name](server::request&) { return server::response::json(name); };
  };
  routes.add("GET", "/api/v1/targets/nearest", named("nearest"));
  routes.add("GET", "/api/v1/targets/{id}", named("one"));
  routes.add("POST", "/api/v1/pledges/{id}/cancel", named("cancel"));
  return routes;
}

TEST(Router, MatchesLiteralRoutesBeforeParametersAndBindsSegments) {
  const server::router routes = sample();
  std::unordered_map<std::string, std::string> params;
  server::request r;
  auto found = routes.find("GET", "/api/v1/targets/nearest", params);
  ASSERT_TRUE(found.run);
  EXPECT_EQ((*found.run)(r).body, "nearest");
  found = routes.find("GET", "/api/v1/targets/T0001", params);
  ASSERT_TRUE(found.run);
  EXPECT_EQ(found.route, "/api/v1/targets/{id}");
  EXPECT_EQ(params.at("id"), "T0001");
  found = routes.find("POST", "/api/v1/pledges/P000001/cancel", params);
  ASSERT_TRUE(found.run);
  EXPECT_EQ(params.at("id"), "P000001");
}

TEST(Router, TellsAnUnknownPathFromAMethodNotAllowed) {
  const server::router routes = sample();
  std::unordered_map<std::string, std::string> params;
  auto found = routes.find("POST", "/api/v1/targets/nearest", params);
  EXPECT_FALSE(found.run);
  EXPECT_TRUE(found.path_known);
  EXPECT_EQ(found.allowed, std::vector<std::string>{"GET"});
  found = routes.find("GET", "/api/v1/targets", params);
  EXPECT_FALSE(found.run);
  EXPECT_FALSE(found.path_known);
  EXPECT_FALSE(routes.find("GET", "/api/v1/targets/", params).run);  // empty {id}
}

}  // namespace
