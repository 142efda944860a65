#include "server/edge.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "geo/error.hpp"
#include "server/http_request_parser.hpp"
#include "server/query_params.hpp"

namespace {

using nlohmann::json;
using server::edge;
using server::exchange;

// An answer as it goes on the wire, split back into its parts.
struct wire_answer {
  int status = 0;
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
};

wire_answer split(const std::string& bytes) {
  wire_answer a;
  const std::size_t head_end = bytes.find("\r\n\r\n");
  std::istringstream head(bytes.substr(0, head_end));
  std::string line;
  std::getline(head, line);
  a.status = std::stoi(line.substr(9, 3));
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::size_t colon = line.find(':');
    std::string name = line.substr(0, colon);
    for (char& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    a.headers[name] = line.substr(colon + 2);
  }
  a.body = bytes.substr(head_end + 4);
  return a;
}

server::wire_request wire(const std::string& text) {
  server::http_request_parser p;
  p.feed(text);
  EXPECT_TRUE(p.complete()) << text;
  return p.take();
}

class EdgeTest : public ::testing::Test {
 protected:
  EdgeTest() : m_edge("127.0.0.1", m_metrics) {
    m_routes.add("GET", "/api/v1/lookup", [](server::request& r) {
      const server::query_params q(r, {"lon", "lat"});
      return server::response::json("{\"lon\":" + *q.text("lon") + "}");
    });
    m_routes.add("GET", "/tiles/{sources}/{z}", [](server::request& r) {
      return server::response::json("{\"sources\":\"" + r.param("sources") + "\"}");
    });
    m_routes.add(
        "POST", "/api/v1/pledges",
        [](server::request&) { return server::response::json("{}", 201); },
        server::route_cost::write);
    m_routes.add("GET", "/big", [](server::request&) {
      return server::response::json("[" + std::string(5000, ' ') + "]");
    });
    m_routes.add(
        "POST", "/api/v1/pledges/{id}/cancel",
        [](server::request&) -> server::response {
          throw geo::store_error("'COMMIT' failed in '/srv/sasaran.sqlite': disk I/O error");
        },
        server::route_cost::write);
    m_routes.add("GET", "/boom", [](server::request&) -> server::response {
      throw std::runtime_error("boom\nforged line");
    });
  }

  void serve() {
    m_edge.serve(m_routes, [](const std::optional<std::string>& h) {
      server::principal p;
      if (h) p.token_id = "tok_1";
      return p;
    });
  }

  wire_answer answer(const std::string& request_text) {
    exchange x = m_edge.accept(wire(request_text));
    m_edge.run(x);
    return split(m_edge.finish(x));
  }

  server::metrics m_metrics;
  server::router m_routes;
  edge m_edge;
};

void expect_problem(const wire_answer& a, int status) {
  EXPECT_EQ(a.status, status) << a.body;
  EXPECT_EQ(a.headers.at("content-type"), "application/problem+json");
  const json p = json::parse(a.body);
  EXPECT_EQ(p["status"], status);
  EXPECT_EQ(p["request_id"], a.headers.at("x-request-id"));
}

TEST_F(EdgeTest, AnswersOnlyHealthzUntilServedAndEverythingElse503WithRetryAfter) {
  const wire_answer health = answer("GET /healthz HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "{\"status\":\"ok\",\"ready\":false}");
  for (const char* path : {"/readyz", "/api/v1/lookup?lon=1&lat=2", "/nowhere"}) {
    const wire_answer a = answer(std::string("GET ") + path + " HTTP/1.1\r\nHost: h\r\n\r\n");
    expect_problem(a, 503);
    EXPECT_EQ(a.headers.at("retry-after"), "5") << path;
  }
  serve();
  EXPECT_EQ(answer("GET /readyz HTTP/1.1\r\nHost: h\r\n\r\n").body, "{\"status\":\"ready\"}");
  EXPECT_EQ(answer("GET /api/v1/lookup?lon=1&lat=2 HTTP/1.1\r\nHost: h\r\n\r\n").body,
            "{\"lon\":1}");
}

TEST_F(EdgeTest, HeadCarriesTheLengthGetWouldSendWithoutTheBody) {
  serve();
  const wire_answer get = answer("GET /big HTTP/1.1\r\nHost: h\r\n\r\n");
  const wire_answer head = answer("HEAD /big HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers.at("content-length"), "5002");
  EXPECT_EQ(get.headers.at("content-length"), "5002");
  EXPECT_EQ(head.body, "");
  const wire_answer zipped =
      answer("HEAD /big HTTP/1.1\r\nHost: h\r\nAccept-Encoding: gzip\r\n\r\n");
  EXPECT_EQ(zipped.headers.at("content-encoding"), "gzip");
  EXPECT_LT(std::stoul(zipped.headers.at("content-length")), 5002u);
}

TEST_F(EdgeTest, WrongMethodIs405WithAllowAndOptionsOnlyOnRealRoutes) {
  serve();
  const wire_answer wrong = answer("DELETE /api/v1/lookup HTTP/1.1\r\nHost: h\r\n\r\n");
  expect_problem(wrong, 405);
  EXPECT_EQ(wrong.headers.at("allow"), "GET, HEAD, OPTIONS");
  const wire_answer post_only = answer("GET /api/v1/pledges HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(post_only.headers.at("allow"), "POST, OPTIONS");
  const wire_answer options = answer("OPTIONS /api/v1/pledges HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(options.status, 204);
  EXPECT_EQ(options.headers.at("allow"), "POST, OPTIONS");
  EXPECT_EQ(options.headers.at("access-control-allow-methods"), "POST, OPTIONS");
  expect_problem(answer("OPTIONS /nowhere HTTP/1.1\r\nHost: h\r\n\r\n"), 404);
}

TEST_F(EdgeTest, RepeatedQueryParameterIs400NamingIt) {
  serve();
  const wire_answer a =
      answer("GET /api/v1/lookup?lon=106.8&lat=1&lon=0 HTTP/1.1\r\nHost: h\r\n\r\n");
  expect_problem(a, 400);
  EXPECT_EQ(json::parse(a.body)["parameter"], "lon");
}

TEST_F(EdgeTest, AnEncodedSlashIsDataNeverAPathSeparator) {
  serve();
  expect_problem(answer("GET /tiles/rw%2f14 HTTP/1.1\r\nHost: h\r\n\r\n"), 404);
  expect_problem(answer("GET /tiles%2Frw/14 HTTP/1.1\r\nHost: h\r\n\r\n"), 404);
  EXPECT_EQ(answer("GET /tiles/r%77/14 HTTP/1.1\r\nHost: h\r\n\r\n").body, "{\"sources\":\"rw\"}");
  expect_problem(answer("GET /tiles/rw%00/14 HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
}

TEST_F(EdgeTest, ASecondAuthorizationOrHostIs400) {
  serve();
  expect_problem(answer("GET /api/v1/lookup?lon=1&lat=2 HTTP/1.1\r\nHost: h\r\n"
                        "Authorization: Bearer a\r\nAuthorization: Bearer b\r\n\r\n"),
                 400);
}

TEST_F(EdgeTest, AcceptsAbsoluteFormTargets) {
  serve();
  EXPECT_EQ(
      answer("GET http://example.org/api/v1/lookup?lon=3&lat=2 HTTP/1.1\r\nHost: h\r\n\r\n").body,
      "{\"lon\":3}");
}

TEST_F(EdgeTest, AnInternalErrorIs500WithARequestIdAndAnEscapedLogLine) {
  serve();
  std::ostringstream log;
  std::streambuf* kept = std::cerr.rdbuf(log.rdbuf());
  const wire_answer a = answer("GET /boom HTTP/1.1\r\nHost: h\r\n\r\n");
  std::cerr.rdbuf(kept);
  expect_problem(a, 500);
  EXPECT_EQ(json::parse(a.body)["detail"], "internal error; quote request id " +
                                               a.headers.at("x-request-id") + " to the operators");
  EXPECT_EQ(log.str(), "sasaran serve: request " + a.headers.at("x-request-id") +
                           " GET /boom failed: boom\\x0aforged line\n");
}

TEST_F(EdgeTest, AWriteTheStoreCouldNotMakeIs503StoreUnavailableWithoutTheStoresWords) {
  serve();
  const wire_answer a = answer(
      "POST /api/v1/pledges/P000001/cancel HTTP/1.1\r\nHost: x\r\nContent-Type: "
      "application/json\r\nContent-Length: 2\r\n\r\n{}");
  expect_problem(a, 503);
  const json p = json::parse(a.body);
  EXPECT_EQ(p["type"], "urn:sasaran:problem:store-unavailable");
  EXPECT_EQ(p["detail"], "the store could not complete the request; nothing was written");
  EXPECT_EQ(a.body.find("sasaran.sqlite"), std::string::npos) << a.body;
}

TEST_F(EdgeTest, ShedAnswersAre503WithRetryAfter) {
  serve();
  exchange x = m_edge.accept(wire("POST /api/v1/pledges HTTP/1.1\r\nHost: h\r\n\r\n"));
  EXPECT_EQ(x.cost, server::route_cost::write);
  m_edge.shed(x, "busy");
  const wire_answer a = split(m_edge.finish(x));
  expect_problem(a, 503);
  EXPECT_EQ(a.headers.at("retry-after"), "1");
}

TEST_F(EdgeTest, UnreadRequestsGetAProblemAndTheConnectionCloses) {
  const wire_answer a = split(m_edge.refuse_unread(server::http_error(414, "too long")));
  expect_problem(a, 414);
  EXPECT_EQ(a.headers.at("connection"), "close");
}

TEST_F(EdgeTest, ABodyMustBeJson) {
  serve();
  expect_problem(answer("POST /api/v1/pledges HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n"
                        "Content-Type: text/plain\r\n\r\nabc"),
                 415);
}

}  // namespace

namespace {

TEST_F(EdgeTest, LinksNameTheSchemeAProxyInFrontSaysAndAMalformedHostIs400) {
  m_routes.add("GET", "/base",
               [](server::request& r) { return server::response::json("\"" + r.base_url + "\""); });
  serve();
  EXPECT_EQ(answer("GET /base HTTP/1.1\r\nHost: maps.example.org\r\n\r\n").body,
            "\"http://maps.example.org\"");
  EXPECT_EQ(
      answer("GET /base HTTP/1.1\r\nHost: maps.example.org\r\nX-Forwarded-Proto: https\r\n\r\n")
          .body,
      "\"https://maps.example.org\"");
  EXPECT_EQ(
      answer("GET /base HTTP/1.1\r\nHost: [::1]:8080\r\nX-Forwarded-Proto: gopher\r\n\r\n").body,
      "\"http://[::1]:8080\"");
  expect_problem(answer("GET /base HTTP/1.1\r\nHost: evil.org/x?\r\n\r\n"), 400);
}

TEST_F(EdgeTest, TakesAPlainRequestIdFromTheProxyInFront) {
  serve();
  EXPECT_EQ(answer("GET /api/v1/lookup?lon=1&lat=2 HTTP/1.1\r\nHost: h\r\nX-Request-Id: "
                   "nginx-42.a:b_c\r\n\r\n")
                .headers.at("x-request-id"),
            "nginx-42.a:b_c");
  EXPECT_NE(
      answer("GET /api/v1/lookup?lon=1&lat=2 HTTP/1.1\r\nHost: h\r\nX-Request-Id: a b\r\n\r\n")
          .headers.at("x-request-id"),
      "a b");
}

TEST_F(EdgeTest, ANotModifiedAnswerRepeatsVary) {
  m_routes.add("GET", "/tile", [](server::request&) {
    return server::response{304, "application/vnd.mapbox-vector-tile", "", {{"ETag", "\"x\""}}};
  });
  serve();
  const wire_answer a = answer("GET /tile HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(a.status, 304);
  EXPECT_EQ(a.headers.at("vary"), "Accept-Encoding, Authorization");
  EXPECT_FALSE(a.headers.contains("content-length"));
}

}  // namespace
