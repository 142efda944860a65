#include "tiles/polygon_clip.hpp"

#include <gtest/gtest.h>

namespace {

using tiles::tile_ring;

// Tile 1/1/1: lon 0..180, lat -85.05..0; 1 degree of longitude is 22.76 units there.
const tiles::tile_id south_east{1, 1, 1};

geo::polygon lon_lat_polygon(std::vector<geo::ring> rings) {
  return {std::move(rings)};
}

TEST(PolygonClip, ClipsARingToTheTilePlusItsBuffer) {
  const std::vector<tiles::tile_pixel> square{{-100, -100}, {100, -100}, {100, 100}, {-100, 100}};
  EXPECT_EQ(tiles::clip_ring(square, -64, 4160),
            (tile_ring{{-64, -64}, {100, -64}, {100, 100}, {-64, 100}}));
}

TEST(PolygonClip, DropsARingOutsideAndRoundsOneInside) {
  const std::vector<tiles::tile_pixel> outside{{5000, 5}, {5100, 5}, {5100, 50}};
  EXPECT_TRUE(tiles::clip_ring(outside, -64, 4160).empty());
  const std::vector<tiles::tile_pixel> inside{{0.4, 0.6}, {10.5, 0.2}, {10.2, 9.7}, {10.4, 9.9}};
  EXPECT_EQ(tiles::clip_ring(inside, -64, 4160), (tile_ring{{0, 1}, {11, 0}, {10, 10}}));
}

TEST(PolygonClip, WindsExteriorsClockwiseAndHolesCounterClockwiseOnScreen) {
  // Both rings counter-clockwise in lon/lat, as GeoJSON's exteriors are.
  const geo::multipolygon shape{lon_lat_polygon({{10, -20, 20, -20, 20, -10, 10, -10, 10, -20},
                                                 {12, -18, 14, -18, 14, -16, 12, -16, 12, -18}})};
  const auto polygons = tiles::clip_to_tile(shape, south_east);
  ASSERT_EQ(polygons.size(), 1u);
  ASSERT_EQ(polygons[0].rings.size(), 2u);
  EXPECT_EQ(polygons[0].rings[0], (tile_ring{{228, 229}, {455, 229}, {455, 465}, {228, 465}}));
  EXPECT_GT(tiles::doubled_area(polygons[0].rings[0]), 0);
  EXPECT_EQ(polygons[0].rings[1], (tile_ring{{273, 417}, {319, 417}, {319, 369}, {273, 369}}));
  EXPECT_LT(tiles::doubled_area(polygons[0].rings[1]), 0);
}

TEST(PolygonClip, CutsAPolygonAcrossTheTileEdgeAtTheBuffer) {
  const geo::multipolygon shape{
      lon_lat_polygon({{-10, -20, 10, -20, 10, -10, -10, -10, -10, -20}})};
  const auto polygons = tiles::clip_to_tile(shape, south_east);
  ASSERT_EQ(polygons.size(), 1u);
  EXPECT_EQ(polygons[0].rings[0], (tile_ring{{-64, 229}, {228, 229}, {228, 465}, {-64, 465}}));
}

TEST(PolygonClip, DropsPolygonsOutsideOrCollapsedWithTheirHoles) {
  const geo::multipolygon shape{
      lon_lat_polygon({{-30, -20, -20, -20, -20, -10, -30, -10, -30, -20}}),  // west of the tile
      lon_lat_polygon({{10, -20, 10.001, -20, 10.001, -19.999, 10, -19.999, 10, -20},
                       {10.0002, -19.9998, 10.0004, -19.9998, 10.0004, -19.9996, 10.0002, -19.9996,
                        10.0002, -19.9998}})};  // a thousandth of a unit wide
  EXPECT_TRUE(tiles::clip_to_tile(shape, south_east).empty());
}

TEST(PolygonClip, DropsAHoleThatCollapsesAndKeepsItsExterior) {
  const geo::multipolygon shape{
      lon_lat_polygon({{10, -20, 20, -20, 20, -10, 10, -10, 10, -20},
                       {12, -18, 12.001, -18, 12.001, -17.999, 12, -17.999, 12, -18}})};
  const auto polygons = tiles::clip_to_tile(shape, south_east);
  ASSERT_EQ(polygons.size(), 1u);
  EXPECT_EQ(polygons[0].rings.size(), 1u);
}

TEST(PolygonClip, ClipsAShapeInWorldFractionsAsTheSameShapeInLonLat) {
  // A kelurahan-sized square around Jakarta with a hole, across the edge of tile 14/13053/8474.
  const geo::ring outer{106.81, -6.21, 106.83, -6.21, 106.83, -6.19, 106.81, -6.19, 106.81, -6.21};
  const geo::ring hole{106.815, -6.205, 106.815, -6.2,    106.82,
                       -6.2,    106.82, -6.205,  106.815, -6.205};
  const geo::multipolygon lon_lat{lon_lat_polygon({outer, hole})};
  geo::multipolygon world = lon_lat;
  for (geo::ring& ring : world[0].rings)
    for (std::size_t i = 0; i + 1 < ring.size(); i += 2) {
      const tiles::tile_pixel w = tiles::world_fraction(ring[i], ring[i + 1]);
      ring[i] = w.x;
      ring[i + 1] = w.y;
    }
  for (const tiles::tile_id tile : {tiles::tile_id{14, 13053, 8474}, tiles::tile_id{12, 3263, 2118},
                                    tiles::tile_id{17, 104426, 67797}}) {
    const auto expected = tiles::clip_to_tile(lon_lat, tile);
    const auto got = tiles::clip_world_to_tile(world, tile);
    ASSERT_EQ(got.size(), expected.size()) << tiles::to_string(tile);
    for (std::size_t p = 0; p < got.size(); ++p)
      EXPECT_EQ(got[p].rings, expected[p].rings) << tiles::to_string(tile);
  }
}

}  // namespace
