// The HTTP edge: problem+json errors with the parameter named, limits, HEAD, CORS, gzip,
// percent-decoding, health and metrics.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>

#include "tests/http/api_test_support.hpp"

namespace {

using namespace api_test;

void expect_problem(const http_response& r, long status, const std::string& parameter,
                    const std::string& type) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  const json p = body_of(r);
  EXPECT_EQ(p["status"], status);
  EXPECT_EQ(p["type"], "urn:sasaran:problem:" + type) << r.body;
  EXPECT_FALSE(p["detail"].get<std::string>().empty());
  EXPECT_EQ(p["request_id"], r.header("x-request-id").value_or("?"));
  if (!parameter.empty()) {
    EXPECT_EQ(p["parameter"], parameter) << r.body;
  }
}

TEST(ApiEdge, BadParametersAre400NamingTheParameter) {
  test_support::http_client client;
  expect_problem(get(client, "/api/v1/lookup?lon=106.8x&lat=-6.2"), 400, "lon",
                 "invalid-parameter");
  expect_problem(get(client, "/api/v1/lookup?lon=106.8"), 400, "lat", "invalid-parameter");
  expect_problem(get(client, "/api/v1/lookup?lon=206.8&lat=-6.2"), 400, "lon", "invalid-parameter");
  expect_problem(get(client, "/api/v1/lookup?lon=106.8&lat=-6.2&zoom=3"), 400, "zoom",
                 "invalid-parameter");
  expect_problem(get(client, "/api/v1/targets/nearest?lon=106.8&lat=-6.2&k=101", "admin"), 400, "k",
                 "invalid-parameter");
  expect_problem(get(client, "/api/v1/targets/nearest?lon=106.8&lat=-6.2&status=lost", "admin"),
                 400, "status", "invalid-parameter");
  expect_problem(get(client, "/api/v1/targets?bbox=106,-7,107,-6", "admin"), 400, "bbox",
                 "invalid-parameter");
  expect_problem(get(client, "/api/v1/coverage?sort=best"), 400, "sort", "invalid-parameter");
  expect_problem(get(client, "/api/v1/coverage?program=beras"), 400, "program",
                 "invalid-parameter");
  const json p = body_of(get(client, "/api/v1/targets/nearest?lon=1&lat=2&k=0", "admin"));
  EXPECT_EQ(p["detail"], "k: expected an integer from 1 to 100, got '0'");
}

TEST(ApiEdge, UnknownThingsAre404AndWrongMethods405) {
  test_support::http_client client;
  expect_problem(get(client, "/api/v1/areas/9999"), 404, "", "not-found");
  expect_problem(get(client, "/api/v1/nowhere"), 404, "", "not-found");
  expect_problem(get(client, "/api/v1/lookup?lon=100&lat=10"), 404, "", "not-found");
  expect_problem(get(client, "/api/v1/pledges/P999999", "admin"), 404, "", "not-found");
  expect_problem(client.request("DELETE", env().base_url() + "/api/v1/coverage"), 405, "",
                 "method-not-allowed");
}

TEST(ApiEdge, BodiesMustBeJsonAndAtMostOneMebibyte) {
  test_support::http_client client;
  const std::string url = env().base_url() + "/api/v1/pledges";
  expect_problem(client.post(url, "target=T1",
                             {env().authorization("collaborator"),
                              "Content-Type: application/x-www-form-urlencoded"}),
                 415, "", "unsupported-media-type");
  const std::string big = "{\"note\":\"" + std::string(1 << 20, 'x') + "\"}";
  expect_problem(
      client.post(url, big,
                  {env().authorization("collaborator"), "Content-Type: application/json"}),
      413, "", "too-large");
  expect_problem(
      client.post(url, "{\"target\":",
                  {env().authorization("collaborator"), "Content-Type: application/json"}),
      400, "body", "invalid-body");
}

TEST(ApiEdge, RefusalsOfTheCallerNameWhatToDoByProblemType) {
  test_support::http_client client;
  const std::string nearest = "/api/v1/targets/nearest?lon=106.8&lat=-6.2";
  expect_problem(get(client, nearest), 401, "", "sign-in-required");
  expect_problem(get(client, nearest, "", {"Authorization: Bearer not-a-token-we-made"}), 401,
                 "Authorization", "token-not-accepted");
  expect_problem(get(client, nearest, "", {"Authorization: Basic YWRtaW46YWRtaW4="}), 401,
                 "Authorization", "token-not-accepted");
  expect_problem(get(client, "/metrics", "planner"), 403, "", "forbidden");
}

TEST(ApiEdge, HeadAnswersHeadersWithoutABody) {
  test_support::http_client client;
  const http_response r = client.request("HEAD", env().base_url() + "/api/v1/coverage?limit=1");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.header("content-type"), "application/json");
}

TEST(ApiEdge, AllowsCrossOriginReadsAndAnswersPreflights) {
  test_support::http_client client;
  const http_response r =
      get(client, "/api/v1/coverage?limit=1", "", {"Origin: https://map.example"});
  EXPECT_EQ(r.header("access-control-allow-origin"), "*");
  const http_response pre =
      client.request("OPTIONS", env().base_url() + "/api/v1/coverage", "",
                     {"Origin: https://map.example", "Access-Control-Request-Method: GET"});
  EXPECT_EQ(pre.status, 204);
  EXPECT_NE(pre.header("access-control-allow-methods").value_or("").find("GET"), std::string::npos);
}

TEST(ApiEdge, CompressesWithGzipWhenTheClientAcceptsIt) {
  test_support::http_client raw;
  const http_response plain = get(raw, "/api/v1/coverage?limit=200");
  const http_response packed =
      get(raw, "/api/v1/coverage?limit=200", "", {"Accept-Encoding: gzip"});
  EXPECT_EQ(packed.header("content-encoding"), "gzip");
  EXPECT_FALSE(plain.header("content-encoding"));
  EXPECT_LT(packed.body.size(), plain.body.size() / 3);
  test_support::http_client decoding;
  decoding.set_decompress(true);
  EXPECT_EQ(get(decoding, "/api/v1/coverage?limit=200").body, plain.body);
}

TEST(ApiEdge, DecodesPercentEscapesInPathsAndQueries) {
  test_support::http_client client;
  const json found = body_of(get(client, "/api/v1/areas?q=Kebon%20Kelapa&level=kelurahan"));
  ASSERT_FALSE(found["areas"].empty());
  EXPECT_EQ(found["areas"][0]["name"], "Kebon Kelapa");
  EXPECT_EQ(get(client, "/api/v1/areas/%33174030002").status, 200);  // %33 is '3'
  expect_problem(get(client, "/api/v1/areas?q=%zz"), 400, "", "invalid-request");
}

TEST(ApiEdge, ReportsHealthAndPrometheusMetrics) {
  test_support::http_client client;
  const json health = body_of(get(client, "/healthz"));
  EXPECT_EQ(health["status"], "ok");
  EXPECT_EQ(health["areas"], 270u + 2841u + 33032u + 46u + 6u);
  get(client, "/api/v1/lookup?lon=106.8&lat=-6.2");
  // For operators only: an admin token.
  EXPECT_EQ(get(client, "/metrics").status, 401);
  EXPECT_EQ(get(client, "/metrics", "planner").status, 403);
  EXPECT_EQ(get(client, "/metrics", "pic").status, 403);
  const http_response m = get(client, "/metrics", "admin");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("sasaran_http_requests_total{route=\"/api/v1/lookup\",status=\"200\"}"),
            std::string::npos);
  EXPECT_NE(
      m.body.find(
          "sasaran_http_request_duration_seconds_bucket{route=\"/api/v1/lookup\",le=\"+Inf\"}"),
      std::string::npos);
  EXPECT_NE(m.body.find("sasaran_targets 249711"), std::string::npos);
}

}  // namespace

namespace {

using namespace api_test;

TEST(ApiEdge, ASecondServerOnTheSamePortSaysThePortIsBusyAndExits1) {
  const std::string port = env().base_url().substr(env().base_url().rfind(':') + 1);
  const std::string command = "timeout 600 " SASARAN_BINARY " serve --db '" + env().db_path() +
                              "' --port " + port + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_TRUE(pipe);
  std::string out;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe))
    out.append(buffer, n);
  const int status = pclose(pipe);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1) << out;
  EXPECT_NE(out.find("cannot listen on 127.0.0.1:" + port), std::string::npos) << out;
  EXPECT_NE(out.find("choose another with --port"), std::string::npos) << out;
}

}  // namespace

namespace {

using namespace api_test;

TEST(ApiEdge, KeepsHttp11ConnectionsAliveUnlessTheClientAsksToClose) {
  // curl sends no Connection header; a second URL on one command line reuses the connection
  // only if the first answer allowed it.
  const std::string url = env().base_url() + "/healthz";
  const std::string command = "curl -sv -o /dev/null -o /dev/null '" + url + "' '" + url + "' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_TRUE(pipe);
  std::string out;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe))
    out.append(buffer, n);
  pclose(pipe);
  EXPECT_NE(out.find("< Connection: keep-alive"), std::string::npos) << out;
  EXPECT_NE(out.find("Re-using existing connection"), std::string::npos) << out;
  const std::string closing = "curl -sv -o /dev/null -H 'Connection: close' '" + url + "' 2>&1";
  pipe = popen(closing.c_str(), "r");
  ASSERT_TRUE(pipe);
  out.clear();
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe))
    out.append(buffer, n);
  pclose(pipe);
  EXPECT_NE(out.find("< Connection: close"), std::string::npos) << out;
}

}  // namespace
