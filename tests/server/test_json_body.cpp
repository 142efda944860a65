#include "server/json_body.hpp"

#include <gtest/gtest.h>

namespace {

server::request with_body(std::string body) {
  server::request r;
  r.body = std::move(body);
  return r;
}

std::string refusal(const std::string& body, const std::string& read = "") {
  try {
    const server::json_body b(with_body(body), {"target", "quantity"});
    if (read == "quantity") b.integer("quantity");
    if (read == "target") b.required_text("target");
  } catch (const server::http_error& e) {
    return std::to_string(e.status()) + " " + e.parameter() + ": " + e.what();
  }
  return "no error";
}

TEST(JsonBody, ReadsMembersOfTheirType) {
  const server::json_body b(with_body(R"({"target":"T01","quantity":3})"), {"target", "quantity"});
  EXPECT_EQ(b.required_text("target"), "T01");
  EXPECT_EQ(b.integer("quantity"), 3);
  EXPECT_EQ(b.text("missing"), std::nullopt);
}

TEST(JsonBody, RefusesWhatIsNotAnObjectOfKnownMembersOfTheRightType) {
  EXPECT_EQ(refusal("{\"target\":"), "400 body: body: not valid JSON (byte 11)");
  EXPECT_EQ(refusal("[1]"), "400 body: body: expected a JSON object");
  EXPECT_EQ(refusal(R"({"target":"T01","colour":"red"})"),
            "400 colour: body: unknown member 'colour'; expected only target, quantity");
  EXPECT_EQ(refusal(R"({"quantity":"3"})", "quantity"),
            "400 quantity: quantity: expected a whole number");
  EXPECT_EQ(refusal(R"({"quantity":2.5})", "quantity"),
            "400 quantity: quantity: expected a whole number");
  EXPECT_EQ(refusal(R"({"target":7})", "target"), "400 target: target: expected a string");
  EXPECT_EQ(refusal(R"({})", "target"), "400 target: target: required");
  EXPECT_EQ(refusal("", "quantity"), "no error");
}

}  // namespace

namespace {

TEST(JsonBody, ANumberOutOfRangeIs400NamingTheMember) {
  EXPECT_EQ(refusal(R"({"quantity":1e400})"), "400 quantity: quantity: number out of range");
  EXPECT_EQ(refusal(R"({"target":"T1","quantity":-1e400})"),
            "400 quantity: quantity: number out of range");
  EXPECT_EQ(refusal(R"({"x":1e309})"), "400 x: x: number out of range");
  EXPECT_EQ(refusal(R"({"x":[1,{"y":1e999}]})"), "400 x: x: number out of range");
}

TEST(JsonBody, NestingDeeperThanAnyBodyWeTakeIs400) {
  EXPECT_EQ(refusal(std::string(100000, '[') + std::string(100000, ']')),
            "400 body: body: nested deeper than 16 levels");
  EXPECT_EQ(refusal(R"({"target":)" + std::string(20, '[') + std::string(20, ']') + "}"),
            "400 target: target: nested deeper than 16 levels");
}

}  // namespace

namespace {

TEST(JsonBody, AMemberWhoseValueIsNotJsonIs400NamingIt) {
  EXPECT_EQ(refusal(R"({"quantity": NaN})"), "400 quantity: quantity: not a JSON value (byte 14)");
  EXPECT_EQ(refusal(R"({"target":"T1","quantity":Infinity})"),
            "400 quantity: quantity: not a JSON value (byte 27)");
  EXPECT_EQ(refusal(R"({"target":T1})"), "400 target: target: not a JSON value (byte 11)");
  // A body cut short after a member's name is the body's fault, not the member's.
  EXPECT_EQ(refusal(R"({"target":)"), "400 body: body: not valid JSON (byte 11)");
}

TEST(JsonBody, ReadsNumbersWholeOrNot) {
  const server::json_body b(with_body(R"({"lon":106.8,"lat":-6,"name":"x"})"),
                            {"lon", "lat", "name"});
  EXPECT_EQ(b.number("lon"), 106.8);
  EXPECT_EQ(b.number("lat"), -6.0);
  EXPECT_EQ(b.number("missing"), std::nullopt);
  try {
    b.number("name");
    FAIL() << "no error";
  } catch (const server::http_error& e) {
    EXPECT_EQ(e.parameter(), "name");
    EXPECT_STREQ(e.what(), "name: expected a number");
  }
}

}  // namespace
