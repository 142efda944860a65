#include "server/geojson_writer.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace {

using server::geojson_writer;

std::string text(std::string_view s) {
  std::string out;
  server::append_json_string(out, s);
  return out;
}

// A closed ring through the given corners, in the given order.
geo::ring ring_of(std::initializer_list<double> xy) {
  return geo::ring(xy);
}

const geo::ring ccw_square = ring_of({0, 0, 2, 0, 2, 2, 0, 2, 0, 0});
const geo::ring cw_square = ring_of({0, 0, 0, 2, 2, 2, 2, 0, 0, 0});
const geo::ring ccw_hole = ring_of({0.5, 0.5, 1, 0.5, 1, 1, 0.5, 0.5});
const geo::ring cw_hole = ring_of({0.5, 0.5, 1, 1, 1, 0.5, 0.5, 0.5});

TEST(GeojsonWriter, SeparatesMembersAndElements) {
  geojson_writer out;
  out.begin_object().member("a", 1).key("b").begin_array().value(true).value(false).null();
  out.begin_object().end_object().begin_array().end_array().end_array();
  out.key("c").begin_object().member("d", "e").end_object().end_object();
  EXPECT_EQ(out.str(), R"({"a":1,"b":[true,false,null,{},[]],"c":{"d":"e"}})");
}

TEST(GeojsonWriter, WritesNumbersInShortestRoundTripForm) {
  geojson_writer out;
  out.begin_array().value(0.1).value(106.8271).value(-6.2).value(5.0).value(1e21).value(-0.0);
  out.value(1.0 / 3.0).value(std::numeric_limits<std::int64_t>::min());
  out.value(std::numeric_limits<std::uint64_t>::max()).value(std::uint32_t{7}).end_array();
  EXPECT_EQ(out.str(),
            "[0.1,106.8271,-6.2,5,1e+21,-0,0.3333333333333333,-9223372036854775808,"
            "18446744073709551615,7]");
}

TEST(GeojsonWriter, WritesNonFiniteNumbersAsNull) {
  geojson_writer out;
  out.begin_array().value(std::numeric_limits<double>::quiet_NaN());
  out.value(std::numeric_limits<double>::infinity()).end_array();
  EXPECT_EQ(out.str(), "[null,null]");
}

TEST(JsonString, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(text("RW \"001\" \\ Gambir"), R"("RW \"001\" \\ Gambir")");
  EXPECT_EQ(text("a\nb\tc\rd\be\ff"), R"("a\nb\tc\rd\be\ff")");
  EXPECT_EQ(text(std::string_view("\x01\x1f\0x", 4)), R"("\u0001\u001f\u0000x")");
  EXPECT_EQ(text("\x7f/"), "\"\x7f/\"");
}

TEST(JsonString, KeepsWellFormedUtf8) {
  EXPECT_EQ(text("Kebon Kelapa \xe2\x80\x93 caf\xc3\xa9 \xf0\x9f\x8f\xa0"),
            "\"Kebon Kelapa \xe2\x80\x93 caf\xc3\xa9 \xf0\x9f\x8f\xa0\"");
}

TEST(JsonString, ReplacesEachMaximalIllFormedSubpartWithOneReplacementCharacter) {
  const std::string fffd = "\xef\xbf\xbd";
  EXPECT_EQ(text("a\xff"
                 "b"),
            "\"a" + fffd + "b\"");
  EXPECT_EQ(text("\xc0\xaf"), "\"" + fffd + fffd + "\"");             // overlong '/'
  EXPECT_EQ(text("\xed\xa0\x80"), "\"" + fffd + fffd + fffd + "\"");  // a surrogate
  EXPECT_EQ(text("\xf0\x9f\x8f"
                 "A"),
            "\"" + fffd + "A\"");                                                // truncated
  EXPECT_EQ(text("x\xe2\x80"), "\"x" + fffd + "\"");                             // cut at the end
  EXPECT_EQ(text("\xf4\x90\x80\x80"), "\"" + fffd + fffd + fffd + fffd + "\"");  // > U+10FFFF
}

TEST(RingSignedArea, IsPositiveForCounterClockwiseRings) {
  EXPECT_DOUBLE_EQ(server::ring_signed_area2(ccw_square), 8.0);
  EXPECT_DOUBLE_EQ(server::ring_signed_area2(cw_square), -8.0);
  EXPECT_DOUBLE_EQ(server::ring_signed_area2(ring_of({0, 0, 2, 0, 2, 2})), 4.0);  // open
  EXPECT_EQ(server::ring_signed_area2(ring_of({0, 0, 1, 1})), 0.0);
}

TEST(GeojsonWriter, WritesAPoint) {
  geojson_writer out;
  out.point(106.805, -6.195);
  EXPECT_EQ(out.str(), R"({"type":"Point","coordinates":[106.805,-6.195]})");
}

TEST(GeojsonWriter, KeepsACounterClockwiseExteriorAndAClockwiseHole) {
  geojson_writer out;
  out.polygon({{ccw_square, cw_hole}});
  EXPECT_EQ(out.str(), R"({"type":"Polygon","coordinates":[[[0,0],[2,0],[2,2],[0,2],[0,0]],)"
                       R"([[0.5,0.5],[1,1],[1,0.5],[0.5,0.5]]]})");
}

TEST(GeojsonWriter, ReversesAClockwiseExteriorAndACounterClockwiseHole) {
  geojson_writer out;
  out.polygon({{cw_square, ccw_hole}});
  EXPECT_EQ(out.str(), R"({"type":"Polygon","coordinates":[[[0,0],[2,0],[2,2],[0,2],[0,0]],)"
                       R"([[0.5,0.5],[1,1],[1,0.5],[0.5,0.5]]]})");
}

TEST(GeojsonWriter, ClosesAnOpenRing) {
  geojson_writer out;
  out.polygon({{ring_of({0, 0, 1, 0, 1, 1})}});
  EXPECT_EQ(out.str(), R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]})");
  geojson_writer reversed;
  reversed.polygon({{ring_of({0, 0, 1, 1, 1, 0})}});
  EXPECT_EQ(reversed.str(), R"({"type":"Polygon","coordinates":[[[1,0],[1,1],[0,0],[1,0]]]})");
}

TEST(GeojsonWriter, WritesAMultiPolygonWithoutACrsMember) {
  geojson_writer out;
  out.multipolygon({{{cw_square}}, {{ring_of({5, 5, 6, 5, 6, 6, 5, 5})}}});
  EXPECT_EQ(out.str(), R"({"type":"MultiPolygon","coordinates":[[[[0,0],[2,0],[2,2],[0,2],[0,0]]],)"
                       R"([[[5,5],[6,5],[6,6],[5,5]]]]})");
  geojson_writer empty;
  empty.multipolygon({});
  EXPECT_EQ(empty.str(), R"({"type":"MultiPolygon","coordinates":[]})");
}

TEST(GeojsonWriter, WritesABoundingBox) {
  geojson_writer out;
  out.bbox({106.8, -6.22, 106.84, -6.18});
  EXPECT_EQ(out.str(), "[106.8,-6.22,106.84,-6.18]");
}

TEST(GeojsonWriter, WritesRawJsonAsOneValue) {
  geojson_writer out;
  out.begin_array().raw(R"({"x":1})").value("y").end_array();
  EXPECT_EQ(out.str(), R"([{"x":1},"y"])");
}

}  // namespace
