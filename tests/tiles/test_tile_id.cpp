#include "tiles/tile_id.hpp"

#include <gtest/gtest.h>

#include "tiles/error.hpp"

namespace {

using tiles::make_tile_id;

std::string error_of(std::int64_t z, std::int64_t x, std::int64_t y) {
  try {
    make_tile_id(z, x, y);
  } catch (const tiles::tile_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(TileId, AcceptsEveryTileOfAZoom) {
  EXPECT_EQ(make_tile_id(0, 0, 0), (tiles::tile_id{0, 0, 0}));
  EXPECT_EQ(make_tile_id(22, 4194303, 4194303), (tiles::tile_id{22, 4194303, 4194303}));
}

TEST(TileId, NamesWhatIsOutOfRange) {
  EXPECT_EQ(error_of(23, 0, 0), "zoom 23 is out of range 0..22");
  EXPECT_EQ(error_of(-1, 0, 0), "zoom -1 is out of range 0..22");
  EXPECT_EQ(error_of(2, 4, 0), "x 4 is out of range 0..3 for zoom 2");
  EXPECT_EQ(error_of(2, 0, -1), "y -1 is out of range 0..3 for zoom 2");
}

TEST(TileId, GivesBoundsInMercatorAndLonLat) {
  const geo::bbox world = tiles::mercator_bounds({0, 0, 0});
  EXPECT_DOUBLE_EQ(world.min_x, -20037508.342789244);
  EXPECT_DOUBLE_EQ(world.max_y, 20037508.342789244);
  const geo::bbox quarter = tiles::mercator_bounds({1, 1, 0});
  EXPECT_DOUBLE_EQ(quarter.min_x, 0.0);
  EXPECT_DOUBLE_EQ(quarter.min_y, 0.0);
  const geo::bbox ll = tiles::lon_lat_bounds({1, 0, 1});
  EXPECT_DOUBLE_EQ(ll.min_x, -180.0);
  EXPECT_DOUBLE_EQ(ll.max_x, 0.0);
  EXPECT_NEAR(ll.min_y, -85.0511287798, 1e-9);
  EXPECT_NEAR(ll.max_y, 0.0, 1e-12);
}

TEST(TileId, PlacesLonLatInTileUnits) {
  // Central Jakarta (106.81, -6.19) at z14 lies in tile 13053/8474, south of the equator.
  const tiles::tile_id tile{14, 13053, 8474};
  const geo::bbox box = tiles::lon_lat_bounds(tile);
  const tiles::tile_pixel nw = tiles::to_tile_pixel(tile, box.min_x, box.max_y);
  EXPECT_NEAR(nw.x, 0.0, 1e-6);
  EXPECT_NEAR(nw.y, 0.0, 1e-6);
  const tiles::tile_pixel se = tiles::to_tile_pixel(tile, box.max_x, box.min_y);
  EXPECT_NEAR(se.x, 4096.0, 1e-6);
  EXPECT_NEAR(se.y, 4096.0, 1e-6);
  const tiles::tile_pixel middle = tiles::to_tile_pixel(tile, 0.5 * (box.min_x + box.max_x), 0);
  EXPECT_NEAR(middle.x, 2048.0, 1e-6);
  EXPECT_LT(middle.y, 0.0);  // the equator lies north of the tile
}

}  // namespace
