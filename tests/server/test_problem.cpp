#include "server/problem.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "geo/error.hpp"

namespace {

using nlohmann::json;
using server::http_error;

json document(const http_error& e) {
  return json::parse(server::problem_json(e, "/p", "r-1"));
}

TEST(ProblemTypes, AnUnnamedRefusalTakesTheTypeOfItsStatusAndParameter) {
  EXPECT_EQ(http_error(400, "k: too big", "k").type(), "invalid-parameter");
  EXPECT_EQ(http_error(400, "body: not valid JSON", "body").type(), "invalid-body");
  EXPECT_EQ(http_error(400, "control characters in the path").type(), "invalid-request");
  EXPECT_EQ(http_error(401, "sign in").type(), "sign-in-required");
  EXPECT_EQ(http_error(403, "no").type(), "forbidden");
  EXPECT_EQ(http_error(404, "none").type(), "not-found");
  EXPECT_EQ(http_error(405, "GET only").type(), "method-not-allowed");
  EXPECT_EQ(http_error(408, "slow").type(), "request-timeout");
  EXPECT_EQ(http_error(409, "state").type(), "conflict");
  EXPECT_EQ(http_error(413, "big").type(), "too-large");
  EXPECT_EQ(http_error(414, "long").type(), "too-large");
  EXPECT_EQ(http_error(431, "headers").type(), "too-large");
  EXPECT_EQ(http_error(415, "json only").type(), "unsupported-media-type");
  EXPECT_EQ(http_error(422, "key reused").type(), "idempotency-key-reused");
  EXPECT_EQ(http_error(500, "bug").type(), "internal-error");
  EXPECT_EQ(http_error(501, "chunked").type(), "invalid-request");
  EXPECT_EQ(http_error(503, "busy").type(), "overloaded");
  EXPECT_EQ(http_error(505, "HTTP/2.0").type(), "invalid-request");
}

TEST(ProblemTypes, ANamedTypeWinsAndTheDocumentCarriesItAsAUrn) {
  http_error e(401, "Authorization: the token is not known or was revoked", "Authorization");
  e.typed("token-not-accepted").with("hint", "sign in again");
  const json doc = document(e);
  EXPECT_EQ(doc["type"], "urn:sasaran:problem:token-not-accepted");
  EXPECT_EQ(doc["title"], "Unauthorized");
  EXPECT_EQ(doc["status"], 401);
  EXPECT_EQ(doc["detail"], "Authorization: the token is not known or was revoked");
  EXPECT_EQ(doc["instance"], "/p");
  EXPECT_EQ(doc["request_id"], "r-1");
  EXPECT_EQ(doc["parameter"], "Authorization");
  EXPECT_EQ(doc["hint"], "sign in again");
}

}  // namespace
