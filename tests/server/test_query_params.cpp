#include "server/query_params.hpp"

#include <gtest/gtest.h>

namespace {

using server::http_error;
using server::query_params;

server::request with_query(std::vector<std::pair<std::string, std::string>> query) {
  server::request r;
  r.query = std::move(query);
  return r;
}

// The status, parameter and message of the http_error `f` throws.
template <typename F>
std::string refusal(F f) {
  try {
    f();
  } catch (const http_error& e) {
    return std::to_string(e.status()) + " " + e.parameter() + ": " + e.what();
  }
  return "no error";
}

TEST(QueryParams, RefusesAnUnknownParameterListingTheKnownOnes) {
  const auto r = with_query({{"lon", "1"}, {"radius", "5"}});
  EXPECT_EQ(refusal([&] {
              query_params(r, {"lon", "lat"});
            }),
            "400 radius: unknown query parameter 'radius'; this endpoint takes: lon, lat");
}

TEST(QueryParams, RefusesAParameterGivenTwice) {
  const auto r = with_query({{"k", "1"}, {"k", "2"}});
  EXPECT_EQ(refusal([&] { query_params(r, {"k"}); }), "400 k: k: given more than once");
}

TEST(QueryParams, ReadsNumbersStrictly) {
  const auto r = with_query({{"a", "106.8"},
                             {"b", "8400.pbf"},
                             {"c", "+1"},
                             {"d", "nan"},
                             {"e", " 1"},
                             {"f", "1e2"},
                             {"g", "-6"}});
  const query_params q(r, {"a", "b", "c", "d", "e", "f", "g", "h"});
  EXPECT_EQ(q.number("a", -180, 180), 106.8);
  EXPECT_EQ(q.number("f", 0, 1000), 100.0);
  EXPECT_EQ(q.number("g", -90, 90), -6.0);
  for (const char* bad : {"b", "c", "d", "e"})
    EXPECT_EQ(refusal([&] { q.number(bad, -180, 180); }).substr(0, 6),
              std::string("400 ") + bad + ":")
        << bad;
  EXPECT_EQ(refusal([&] { q.number("b", -180, 180); }),
            "400 b: b: expected a number from -180 to 180, got '8400.pbf'");
  EXPECT_EQ(refusal([&] { q.number("h", 0, 1); }), "400 h: h: required");
  EXPECT_EQ(refusal([&] { q.number("a", 0, 100); }),
            "400 a: a: expected a number from 0 to 100, got '106.8'");
}

TEST(QueryParams, ReadsCountsWithinRangeAndDefaults) {
  const auto r = with_query({{"k", "100"}, {"big", "101"}, {"neg", "-1"}, {"frac", "2.5"}});
  const query_params q(r, {"k", "big", "neg", "frac", "none"});
  EXPECT_EQ(q.count("k", 10, 1, 100), 100u);
  EXPECT_EQ(q.count("none", 10, 1, 100), 10u);
  EXPECT_EQ(refusal([&] { q.count("big", 10, 1, 100); }),
            "400 big: big: expected an integer from 1 to 100, got '101'");
  EXPECT_EQ(refusal([&] { q.count("neg", 10, 1, 100); }).substr(0, 8), "400 neg:");
  EXPECT_EQ(refusal([&] { q.count("frac", 10, 1, 100); }).substr(0, 9), "400 frac:");
}

TEST(QueryParams, ReadsABoxAndRefusesMalformedInvertedOrTooLargeOnes) {
  const auto r = with_query({{"ok", "106.8,-6.2,106.9,-6.1"},
                             {"three", "1,2,3"},
                             {"five", "1,2,3,4,5"},
                             {"inverted", "106.9,-6.2,106.8,-6.1"},
                             {"large", "106,-7,107,-6"}});
  const query_params q(r, {"ok", "three", "five", "inverted", "large", "none"});
  EXPECT_EQ(*q.box("ok", 0.5), (geo::bbox{106.8, -6.2, 106.9, -6.1}));
  EXPECT_FALSE(q.box("none", 0.5));
  EXPECT_EQ(refusal([&] { q.box("three", 0.5); }),
            "400 three: three: expected minLon,minLat,maxLon,maxLat in degrees, got '1,2,3'");
  EXPECT_EQ(refusal([&] { q.box("five", 0.5); }).substr(0, 9), "400 five:");
  EXPECT_EQ(refusal([&] { q.box("inverted", 0.5); }).substr(0, 13), "400 inverted:");
  EXPECT_EQ(refusal([&] { q.box("large", 0.5); }),
            "400 large: large: expected a box at most 0.5 degrees wide and high, got "
            "'106,-7,107,-6'");
}

TEST(QueryParams, ReadsOneOfAFewWords) {
  const auto r = with_query({{"sort", "unserved"}, {"bad", "best"}});
  const query_params q(r, {"sort", "bad", "none"});
  EXPECT_EQ(q.one_of("sort", "x", {"unserved", "unmet_priority"}), "unserved");
  EXPECT_EQ(q.one_of("none", "x", {"unserved"}), "x");
  EXPECT_EQ(refusal([&] {
              q.one_of("bad", "x", {"unserved", "unmet_priority"});
            }),
            "400 bad: bad: expected one of unserved, unmet_priority, got 'best'");
}

}  // namespace

namespace {

TEST(QueryParams, ReadsAProgramListingThemWhenUnknown) {
  const auto r = with_query({{"program", "pangan"}, {"other", "beras"}});
  const server::query_params q(r, {"program", "other"});
  EXPECT_EQ(q.program(), "pangan");
  EXPECT_EQ(refusal([&] { q.program("other"); }),
            "400 other: other: expected one of pangan, umkm, pendidikan, persampahan, permukiman, "
            "ketenagakerjaan, got 'beras'");
  EXPECT_EQ(server::comma_list(std::vector<std::string>{"a", "b"}), "a, b");
}

TEST(QueryParams, ReadsAProgramInAnyCaseAsStored) {
  const auto r = with_query({{"program", "PANGAN"}, {"other", " Umkm "}});
  const server::query_params q(r, {"program", "other"});
  EXPECT_EQ(q.program(), "pangan");
  EXPECT_EQ(q.program("other"), "umkm");
}

}  // namespace
