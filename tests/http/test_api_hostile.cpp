// What an attacker or a broken client sends, against the real server over Jakarta: each gets a
// fast, well-formed answer (problem+json), and the server keeps answering everyone else.
#include <gtest/gtest.h>

#include "tests/http/api_test_support.hpp"
#include "tests/support/raw_connection.hpp"

namespace {

using namespace api_test;
using test_support::raw_answer;
using test_support::raw_connection;

std::uint16_t port() {
  const std::string& url = env().base_url();
  return static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
}

raw_answer raw(const std::string& bytes, bool head = false) {
  raw_connection c(port());
  c.send(bytes);
  const std::optional<raw_answer> a = c.read_answer(std::chrono::seconds(60), head);
  if (!a) throw std::runtime_error("no answer to: " + bytes.substr(0, 80));
  return *a;
}

void expect_problem(const raw_answer& a, int status, const std::string& what) {
  EXPECT_EQ(a.status, status) << what << ": " << a.body;
  EXPECT_EQ(a.headers.count("content-type") ? a.headers.at("content-type") : "",
            "application/problem+json")
      << what;
  const json p = json::parse(a.body, nullptr, false);
  EXPECT_EQ(p["status"], status) << what;
  EXPECT_FALSE(p["detail"].get<std::string>().empty()) << what;
}

TEST(ApiHostile, MalformedRequestsGetAProblemDocumentAtOnce) {
  const std::string host = "Host: 127.0.0.1\r\n";
  expect_problem(raw("POST /api/v1/pledges HTTP/1.1\r\n" + host + "Content-Length: -1\r\n\r\n"),
                 400, "Content-Length -1");
  expect_problem(raw("POST /api/v1/pledges HTTP/1.1\r\n" + host +
                     "Content-Length: 99999999999999999999\r\n\r\n"),
                 413, "a huge Content-Length");
  expect_problem(raw("FETCH /healthz HTTP/1.1\r\n" + host + "\r\n"), 501, "an unknown method");
  expect_problem(raw("GET /healthz HTTP/2.0\r\n" + host + "\r\n"), 505, "HTTP/2.0");
  expect_problem(raw("GET /api/v1/areas?q=a b HTTP/1.1\r\n" + host + "\r\n"), 400,
                 "a space in the URL");
  expect_problem(raw("GET /healthz HTTP/1.1\r\n" + host + "No colon here\r\n\r\n"), 400,
                 "a header line without a colon");
  expect_problem(raw("GET /healthz HTTP/1.1\r\n\r\n"), 400, "HTTP/1.1 without Host");
  EXPECT_EQ(raw("GET /healthz HTTP/1.1\nHost: 127.0.0.1\n\n").status, 200) << "bare LF";
}

TEST(ApiHostile, TwoMegabyteUrlsAndHeadersAreRefusedWithProblems) {
  const std::string big(2 << 20, 'a');
  expect_problem(raw("GET /api/v1/areas?q=" + big + " HTTP/1.1\r\nHost: h\r\n\r\n"), 414,
                 "a 2 MB query");
  expect_problem(raw("GET /" + big + " HTTP/1.1\r\nHost: h\r\n\r\n"), 414, "a 2 MB path");
  expect_problem(raw("GET /healthz HTTP/1.1\r\nHost: h\r\nX-Big: " + big + "\r\n\r\n"), 431,
                 "a 2 MB header");
  std::string many = "GET /healthz HTTP/1.1\r\nHost: h\r\n";
  for (int i = 0; i < 2000; ++i)
    many += "X-" + std::to_string(i) + ": " + std::string(1000, 'b') + "\r\n";
  expect_problem(raw(many + "\r\n"), 431, "2 MB of headers");
}

TEST(ApiHostile, AnAreaSearchIsBoundedInWordsAndLength) {
  test_support::http_client client;
  std::string words;
  for (int i = 0; i < 9; ++i)
    words += "a+";
  const http_response many = get(client, "/api/v1/areas?q=" + words);
  EXPECT_EQ(many.status, 400);
  EXPECT_EQ(body_of(many)["parameter"], "q");
  EXPECT_EQ(body_of(many)["detail"], "q: at most 8 words, got 9");
  const http_response longer = get(client, "/api/v1/areas?q=" + std::string(101, 'k'));
  EXPECT_EQ(body_of(longer)["detail"], "q: at most 100 characters, got 101");
  std::string flood;
  for (int i = 0; i < 50000; ++i)
    flood += "a+";
  expect_problem(raw("GET /api/v1/areas?q=" + flood + " HTTP/1.1\r\nHost: h\r\n\r\n"), 414,
                 "50,000 words");
}

TEST(ApiHostile, NumbersOutOfRangeInABodyAre400NamingTheMember) {
  test_support::http_client client;
  for (const char* number : {"1e400", "-1e400", "1e309"}) {
    const http_response r = client.post(
        env().base_url() + "/api/v1/pledges",
        std::string(R"({"target":"T0000001","form":"uang","amount_idr":)") + number + "}",
        {env().authorization("collaborator"), "Content-Type: application/json"});
    EXPECT_EQ(r.status, 400) << number;
    EXPECT_EQ(body_of(r)["parameter"], "amount_idr") << number;
    EXPECT_EQ(body_of(r)["detail"], "amount_idr: number out of range") << number;
  }
  const http_response deep =
      client.post(env().base_url() + "/api/v1/pledges",
                  R"({"target":)" + std::string(10000, '[') + std::string(10000, ']') + "}",
                  {env().authorization("collaborator"), "Content-Type: application/json"});
  EXPECT_EQ(deep.status, 400);
  EXPECT_EQ(body_of(deep)["detail"], "target: nested deeper than 16 levels");
}

TEST(ApiHostile, HeadCarriesTheLengthGetWouldSend) {
  const std::string request = " /api/v1/coverage?level=rw&limit=20 HTTP/1.1\r\nHost: h\r\n\r\n";
  const raw_answer get_answer = raw("GET" + request);
  const raw_answer head = raw("HEAD" + request, true);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers.at("content-length"), std::to_string(get_answer.body.size()));
  EXPECT_EQ(head.body, "");
}

TEST(ApiHostile, MethodsNotAllowedAndPreflightsNameTheRealMethods) {
  const raw_answer wrong = raw("PUT /api/v1/coverage HTTP/1.1\r\nHost: h\r\n\r\n");
  expect_problem(wrong, 405, "PUT");
  EXPECT_EQ(wrong.headers.at("allow"), "GET, HEAD, OPTIONS");
  const raw_answer preflight =
      raw("OPTIONS /api/v1/pledges HTTP/1.1\r\nHost: h\r\nOrigin: https://example.org\r\n"
          "Access-Control-Request-Method: POST\r\n\r\n");
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.headers.at("access-control-allow-methods"), "POST, GET, HEAD, OPTIONS");
  expect_problem(raw("OPTIONS /api/v1/nowhere HTTP/1.1\r\nHost: h\r\n\r\n"), 404,
                 "OPTIONS on no route");
}

TEST(ApiHostile, TheBearerSchemeIsCaseInsensitive) {
  test_support::http_client client;
  const http_response me = client.get(env().base_url() + "/api/v1/me",
                                      {"Authorization: bearer " + env().token("planner")});
  EXPECT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(body_of(me)["role"], "planner");
  const http_response shouted = client.get(env().base_url() + "/api/v1/me",
                                           {"Authorization: BEARER  " + env().token("planner")});
  EXPECT_EQ(body_of(shouted)["role"], "planner");
}

TEST(ApiHostile, ARepeatedQueryParameterIs400AndAnEncodedSlashNeverRoutes) {
  test_support::http_client client;
  const http_response twice = get(client, "/api/v1/lookup?lon=106.8&lat=-6.2&lon=0");
  EXPECT_EQ(twice.status, 400);
  EXPECT_EQ(body_of(twice)["parameter"], "lon");
  EXPECT_EQ(get(client, "/tiles/targets%2f14%2f13054%2f8478.mvt").status, 404);
  EXPECT_EQ(get(client, "/tiles/targets/14/13054%2f8478.mvt").status, 404);
}

TEST(ApiHostile, ReadinessIsReportedOnceLoaded) {
  test_support::http_client client;
  const http_response ready = get(client, "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(body_of(ready)["status"], "ready");
}

}  // namespace
