#include "tiles/mvt_writer.hpp"

#include <gtest/gtest.h>

#include "tests/tiles/mvt_decoder.hpp"

namespace {

using tiles::mvt_layer;
using tiles::property;
using tiles::property_value;
using tiles::tile_point;
using tiles::tile_polygon;

std::string bytes(std::initializer_list<unsigned> values) {
  std::string out;
  for (unsigned v : values)
    out.push_back(static_cast<char>(v));
  return out;
}

std::vector<std::uint32_t> geometry_of(const std::string& tile) {
  const auto layers = test_support::decode_tile(tile);
  EXPECT_EQ(layers.size(), 1u);
  EXPECT_EQ(layers.at(0).features.size(), 1u);
  return layers.at(0).features.at(0).geometry;
}

std::string one_polygon_tile(std::vector<tiles::tile_ring> rings) {
  mvt_layer layer("a");
  const tile_polygon polygon{std::move(rings)};
  layer.add_polygons(1, {&polygon, 1}, {});
  return tiles::encode_tile({&layer, 1});
}

TEST(MvtWriter, ZigzagsParametersAndPacksCommands) {
  EXPECT_EQ(tiles::zigzag(0), 0u);
  EXPECT_EQ(tiles::zigzag(-1), 1u);
  EXPECT_EQ(tiles::zigzag(1), 2u);
  EXPECT_EQ(tiles::zigzag(-2), 3u);
  EXPECT_EQ(tiles::zigzag(2147483647), 4294967294u);
  EXPECT_EQ(tiles::zigzag(-2147483647 - 1), 4294967295u);
  EXPECT_EQ(tiles::command_integer(1, 1), 9u);  // MVT 2.1 §4.3.1 examples
  EXPECT_EQ(tiles::command_integer(2, 3), 26u);
  EXPECT_EQ(tiles::command_integer(7, 1), 15u);
}

TEST(MvtWriter, WritesAPointFeatureByteForByte) {
  mvt_layer layer("p");
  const tile_point point{25, 17};
  const std::vector<property> props{{"a", property_value::string("b")}};
  layer.add_points(1, {&point, 1}, props);
  const std::string feature = bytes({0x08, 0x01, 0x12, 0x02, 0x00, 0x00, 0x18, 0x01,  // id tags
                                     0x22, 0x03, 0x09, 0x32, 0x22});  // type, MoveTo(25,17)
  const std::string expected = bytes({0x1a, 0x1f, 0x78, 0x02, 0x0a, 0x01, 'p', 0x12, 0x0d}) +
                               feature +
                               bytes({0x1a, 0x01, 'a', 0x22, 0x03, 0x0a, 0x01, 'b',  // key, value
                                      0x28, 0x80, 0x20});                            // extent 4096
  EXPECT_EQ(tiles::encode_tile({&layer, 1}), expected);
}

TEST(MvtWriter, WritesAPolygonFeatureByteForByte) {
  // MVT 2.1 §4.3.5.3's example polygon, given with a repeated point and its closing point.
  const std::string tile = one_polygon_tile({{{3, 6}, {8, 12}, {8, 12}, {20, 34}, {3, 6}}});
  const std::string expected =
      bytes({0x1a, 0x19, 0x78, 0x02, 0x0a, 0x01, 'a', 0x12, 0x0f, 0x08, 0x01, 0x18,
             0x03, 0x22, 0x09,  // id, type, geometry
             9,    6,    12,   18,   10,   12,   24,  44,   15,   0x28, 0x80, 0x20});
  EXPECT_EQ(tile, expected);
}

TEST(MvtWriter, WindsExteriorsClockwiseAndHolesCounterClockwise) {
  // Given the other way round: a counter-clockwise exterior and a clockwise hole.
  const std::string tile =
      one_polygon_tile({{{0, 0}, {0, 10}, {10, 10}, {10, 0}}, {{2, 2}, {4, 2}, {4, 4}, {2, 4}}});
  using tiles::zigzag;
  // Reversed: (10,0) (10,10) (0,10) (0,0), then the hole (2,4) (4,4) (4,2) (2,2).
  // clang-format off
  const std::vector<std::uint32_t> expected{
      9, 20, 0, 26, 0, 20, zigzag(-10), 0, 0, zigzag(-10), 15,
      9, 4,  8, 26, 4, 0,  0,           3, 3, 0,           15};
  // clang-format on
  EXPECT_EQ(geometry_of(tile), expected);
}

TEST(MvtWriter, DropsRingsEnclosingNoAreaWithTheHolesOfADroppedExterior) {
  mvt_layer layer("a");
  const std::vector<tile_polygon> polygons{
      {{{{0, 0}, {5, 5}, {0, 0}}, {{1, 1}, {2, 1}, {2, 2}}}},  // a spike and its hole
      {{{{0, 0}, {5, 0}, {10, 0}}}},                           // collinear
      {{{{7, 7}, {7, 7}, {7, 7}, {7, 7}}}}};                   // one point
  EXPECT_FALSE(layer.add_polygons(1, polygons, {}));
  EXPECT_TRUE(layer.empty());
  EXPECT_EQ(tiles::encode_tile({&layer, 1}), "");
}

TEST(MvtWriter, KeepsTheCursorAcrossPolygonsOfAFeature) {
  mvt_layer layer("a");
  const std::vector<tile_polygon> polygons{{{{{0, 0}, {2, 0}, {2, 2}}}},
                                           {{{{10, 10}, {12, 10}, {12, 12}}}}};
  ASSERT_TRUE(layer.add_polygons(1, polygons, {}));
  const std::vector<std::uint32_t> expected{9, 0,  0,  18, 4, 0, 0, 4, 15,
                                            9, 16, 16, 18, 4, 0, 0, 4, 15};
  EXPECT_EQ(geometry_of(tiles::encode_tile({&layer, 1})), expected);
}

TEST(MvtWriter, WritesMultipointsRelativeToThePreviousPoint) {
  mvt_layer layer("a");
  const std::vector<tile_point> points{{5, 7}, {3, 2}};
  layer.add_points(1, points, {});
  EXPECT_EQ(geometry_of(tiles::encode_tile({&layer, 1})),
            (std::vector<std::uint32_t>{17, 10, 14, 3, 9}));  // MVT 2.1 §4.3.5.2
}

TEST(MvtWriter, WritesEachKeyAndValueOncePerLayerTypedAsGiven) {
  mvt_layer layer("a");
  const tile_point point{1, 1};
  const std::vector<property> first{
      {"n", property_value::integer(1)},     {"u", property_value::count(1)},
      {"s", property_value::signed_int(-1)}, {"d", property_value::real(1.0)},
      {"b", property_value::boolean(true)},  {"t", property_value::string("x")}};
  const std::vector<property> second{{"u", property_value::count(1)},
                                     {"n", property_value::integer(2)},
                                     {"t", property_value::string("x")}};
  layer.add_points(1, {&point, 1}, first);
  layer.add_points(2, {&point, 1}, second);
  const auto layers = test_support::decode_tile(tiles::encode_tile({&layer, 1}));
  ASSERT_EQ(layers.size(), 1u);
  const auto& l = layers[0];
  EXPECT_EQ(l.version, 2u);
  EXPECT_EQ(l.extent, 4096u);
  EXPECT_EQ(l.keys, (std::vector<std::string>{"n", "u", "s", "d", "b", "t"}));
  EXPECT_EQ(l.values, (std::vector<std::string>{
                          bytes({0x20, 0x01}),                               // int 1
                          bytes({0x28, 0x01}),                               // uint 1
                          bytes({0x30, 0x01}),                               // sint -1
                          bytes({0x19, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f}),       // double 1
                          bytes({0x38, 0x01}),                               // bool true
                          bytes({0x0a, 0x01, 'x'}), bytes({0x20, 0x02})}));  // "x", int 2
  ASSERT_EQ(l.features.size(), 2u);
  EXPECT_EQ(l.features[0].tags, (std::vector<std::uint32_t>{0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5}));
  EXPECT_EQ(l.features[1].tags, (std::vector<std::uint32_t>{1, 1, 0, 6, 5, 5}));
  EXPECT_EQ(l.features[1].id, 2u);
}

TEST(MvtWriter, LeavesEmptyLayersOut) {
  std::vector<mvt_layer> layers;
  layers.emplace_back("empty");
  layers.emplace_back("full");
  const tile_point point{1, 1};
  layers[1].add_points(7, {&point, 1}, {});
  const auto decoded = test_support::decode_tile(tiles::encode_tile(layers));
  ASSERT_EQ(decoded.size(), 1u);
  EXPECT_EQ(decoded[0].name, "full");
}

}  // namespace
