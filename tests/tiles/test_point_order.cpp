#include "tiles/point_order.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

namespace {

using tiles::point_order;

// Points on tile edges and corners at several zooms (lon 0 and lat 0 are edges at every zoom,
// lon 90 from zoom 2), and one in a tile's middle.
const std::vector<point_order::input> edge_points{{0.0, 0.0, 0},
                                                  {90.0, 0.0, 1},
                                                  {0.0, -6.2, 2},
                                                  {106.8, 0.0, 3},
                                                  {106.82, -6.2, 4},
                                                  {-180.0, 85.0511287798066, 5},
                                                  {179.9999999, -85.0511287798066, 6}};

TEST(PointOrder, PutsEachPointInExactlyOneTileAtEveryZoom) {
  const point_order order(edge_points);
  const tiles::tile_projection world(tiles::tile_id{0, 0, 0});
  for (std::uint32_t z = 0; z <= 22; ++z) {
    std::map<std::uint32_t, int> seen;  // item, tiles holding it
    const double n = std::ldexp(1.0, static_cast<int>(z)) / tiles::tile_extent;
    for (const point_order::input& p : edge_points) {
      const tiles::tile_pixel at = world(p.lon, p.lat);
      const auto tx = static_cast<std::int64_t>(at.x * n), ty = static_cast<std::int64_t>(at.y * n);
      const std::int64_t last = (std::int64_t{1} << z) - 1;
      // The point's tile and its eight neighbours: it must be in one of them only.
      for (std::int64_t x = std::max<std::int64_t>(tx - 1, 0); x <= std::min(tx + 1, last); ++x)
        for (std::int64_t y = std::max<std::int64_t>(ty - 1, 0); y <= std::min(ty + 1, last); ++y)
          for (const point_order::point& q :
               order.in({z, static_cast<std::uint32_t>(x), static_cast<std::uint32_t>(y)}))
            if (q.item == p.item) ++seen[q.item];
    }
    for (const point_order::input& p : edge_points)
      EXPECT_EQ(seen[p.item], 1) << "point " << p.item << " at zoom " << z;
  }
}

TEST(PointOrder, PlacesPointsWithinTheirTileWhereTheProjectionDoes) {
  const point_order order(edge_points);
  const tiles::tile_id tile{14, 13053, 8474};
  const point_order::tile_frame frame(tile);
  std::size_t found = 0;
  for (const point_order::point& p : order.in(tile)) {
    ++found;
    const tiles::tile_pixel expected =
        tiles::to_tile_pixel(tile, edge_points[p.item].lon, edge_points[p.item].lat);
    const tiles::tile_pixel at = frame(p);
    EXPECT_NEAR(at.x, expected.x, 0.01);
    EXPECT_NEAR(at.y, expected.y, 0.01);
  }
  EXPECT_EQ(found, 1u);  // 106.82, -6.2
}

TEST(PointOrder, NumbersClusterCellsConsecutivelyWithinATile) {
  const point_order order(edge_points);
  const point_order::point& p = order.in({14, 13053, 8474})[0];
  // Eight by eight cells per tile: the cell at zoom 17 holds the tile's Morton code above 6 bits.
  EXPECT_EQ(point_order::cell_of(p, 17) >> 6, point_order::cell_of(p, 14));
  EXPECT_EQ(point_order::cell_of(p, 0), 0u);
}

}  // namespace

namespace {

TEST(PointOrder, AnInsertedPointTakesThePlaceABuildGivesIt) {
  std::vector<point_order::input> all = edge_points;
  point_order grown(std::span<const point_order::input>(all.data(), 3));
  for (std::size_t i = 3; i < all.size(); ++i)
    grown.insert(all[i]);
  grown.insert({106.82, -6.2, 7});  // the same place as item 4: after it, by item
  all.push_back({106.82, -6.2, 7});
  const point_order built(all);
  ASSERT_EQ(grown.size(), built.size());
  const auto items = [](const point_order& o, const tiles::tile_id& t) {
    std::vector<std::uint32_t> out;
    for (const point_order::point& p : o.in(t))
      out.push_back(p.item);
    return out;
  };
  for (const tiles::tile_id t :
       {tiles::tile_id{0, 0, 0}, tiles::tile_id{2, 3, 2}, tiles::tile_id{14, 13052, 8471}})
    EXPECT_EQ(items(grown, t), items(built, t));
  EXPECT_EQ(items(grown, {0, 0, 0}).size(), 8u);
}

}  // namespace
