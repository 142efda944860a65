#include "tiles/simplified_areas.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <thread>

#include "tiles/polygon_clip.hpp"

namespace {

geo::multipolygon one_ring(geo::ring ring) {
  return {geo::polygon{{std::move(ring)}}};
}

// The rings of each polygon, comparable (geo::polygon has no operator==).
std::vector<std::vector<geo::ring>> rings_of(const geo::multipolygon& shape) {
  std::vector<std::vector<geo::ring>> out;
  for (const geo::polygon& p : shape)
    out.push_back(p.rings);
  return out;
}

// A 10-unit square at the equator (unit 0.001 degree) with a bump south of its south edge.
geo::multipolygon square_with_bump(double bump) {
  return one_ring({0, 0, 0.005, -bump, 0.01, 0, 0.01, 0.01, 0, 0.01, 0, 0});
}

TEST(SimplifiedAreas, TakesOneTileUnitAsTolerance) {
  EXPECT_DOUBLE_EQ(tiles::unit_at_zoom(0), 360.0 / 4096);
  EXPECT_DOUBLE_EQ(tiles::unit_at_zoom(10), 360.0 / 4096 / 1024);
}

TEST(SimplifiedAreas, DropsPointsWithinAUnitAndKeepsThoseBeyond) {
  EXPECT_EQ(rings_of(tiles::simplify(square_with_bump(0.0005), 0.001)),
            rings_of(one_ring({0, 0, 0.01, 0, 0.01, 0.01, 0, 0.01, 0, 0})));
  EXPECT_EQ(rings_of(tiles::simplify(square_with_bump(0.002), 0.001)),
            rings_of(square_with_bump(0.002)));
}

TEST(SimplifiedAreas, DropsCollapsedHolesAndPolygonsButNeverTheWholeArea) {
  const geo::multipolygon shape{
      geo::polygon{{{0, 0, 0.01, 0, 0.01, 0.01, 0, 0.01, 0, 0},
                    {0.002, 0.002, 0.0025, 0.002, 0.0025, 0.0025, 0.002, 0.002}}},
      geo::polygon{{{0.02, 0, 0.0201, 0, 0.0201, 0.0001, 0.02, 0}}}};
  EXPECT_EQ(rings_of(tiles::simplify(shape, 0.001)),
            rings_of(one_ring({0, 0, 0.01, 0, 0.01, 0.01, 0, 0.01, 0, 0})));
}

TEST(SimplifiedAreas, KeepsATinyAreaAsASquareThreeUnitsWideAtItsCentroid) {
  const geo::multipolygon tiny = one_ring({0, 0, 0.0003, 0, 0.0003, 0.0003, 0, 0.0003, 0, 0});
  const geo::multipolygon kept = tiles::simplify(tiny, 0.001);
  ASSERT_EQ(kept.size(), 1u);
  ASSERT_EQ(kept[0].rings.size(), 1u);
  const geo::ring& r = kept[0].rings[0];
  ASSERT_EQ(r.size(), 10u);
  EXPECT_NEAR(r[0], 0.00015 - 0.0015, 1e-12);
  EXPECT_NEAR(r[1], 0.00015 - 0.0015, 1e-9);
  EXPECT_NEAR(r[4], 0.00015 + 0.0015, 1e-12);
  EXPECT_NEAR(r[5], 0.00015 + 0.0015, 1e-9);
}

TEST(SimplifiedAreas, ShowsEveryAreaAtEveryZoom) {
  // A 10-metre plot in Jakarta, and the tile holding it at each zoom.
  const geo::multipolygon plot =
      one_ring({106.81, -6.19, 106.8101, -6.19, 106.8101, -6.1899, 106.81, -6.1899, 106.81, -6.19});
  tiles::simplified_areas areas({{"plot", &plot}});
  for (std::uint32_t z = 0; z <= tiles::max_zoom; ++z) {
    const double n = std::ldexp(1.0, static_cast<int>(z));
    const double lat = -6.19 * std::numbers::pi / 180;
    const auto x = static_cast<std::uint32_t>((106.81 + 180) / 360 * n);
    const auto y = static_cast<std::uint32_t>(
        (1 - std::log(std::tan(lat) + 1 / std::cos(lat)) / std::numbers::pi) / 2 * n);
    EXPECT_EQ(tiles::clip_world_to_tile(areas.at(0, z), {z, x, y}).size(), 1u) << "zoom " << z;
  }
}

TEST(SimplifiedAreas, SimplifiesEachZoomOnceAndKeepsIt) {
  const geo::multipolygon a = square_with_bump(0.0005);
  tiles::simplified_areas areas({{"a", &a}, {"b", &a}});
  EXPECT_EQ(areas.zooms_computed(), 0u);
  std::vector<std::thread> readers;
  std::vector<const geo::multipolygon*> seen(4);
  for (std::size_t i = 0; i < seen.size(); ++i)
    readers.emplace_back([&, i] { seen[i] = &areas.at(1, 12); });
  for (auto& t : readers)
    t.join();
  EXPECT_EQ(areas.zooms_computed(), 1u);
  for (const auto* s : seen)
    EXPECT_EQ(s, &areas.at(1, 12));
  areas.at(0, 13);
  EXPECT_EQ(areas.zooms_computed(), 2u);
  EXPECT_EQ(areas.index_of("b"), 1u);
  EXPECT_EQ(areas.index_of("c"), 2u);
}

TEST(SimplifiedAreas, HoldsAShapeEqualAtNeighbouringZoomsOnce) {
  // A 10-metre square: nothing to remove at zooms 20 to 22, so one shape serves all three;
  // computed alone (no neighbour done), zoom 22's shape has the same coordinates.
  const geo::multipolygon plot =
      one_ring({106.81, -6.19, 106.8101, -6.19, 106.8101, -6.1899, 106.81, -6.1899, 106.81, -6.19});
  tiles::simplified_areas shared({{"plot", &plot}});
  const geo::multipolygon& at20 = shared.at(0, 20);
  const geo::multipolygon& at21 = shared.at(0, 21);
  const geo::multipolygon& at22 = shared.at(0, 22);
  EXPECT_EQ(&at21, &at20);
  EXPECT_EQ(&at22, &at21);
  tiles::simplified_areas alone({{"plot", &plot}});
  EXPECT_EQ(alone.at(0, 22), at22);
  EXPECT_EQ(alone.at(0, 22).front().rings.front().size(), 10u);  // the 5 corners, unchanged
  // Zoom 0 keeps a square three units wide, unlike zoom 1's: two shapes.
  EXPECT_NE(&shared.at(0, 0), &shared.at(0, 1));
  EXPECT_NE(shared.at(0, 0), shared.at(0, 1));
}

TEST(SimplifiedAreas, SimplifiesNothingBelowItsFirstZoom) {
  const geo::multipolygon a = square_with_bump(0.0005);
  tiles::simplified_areas areas({{"a", &a}}, 14);
  EXPECT_EQ(areas.first_zoom(), 14u);
  EXPECT_EQ(&areas.at(0, 3), &areas.at(0, 14));
  EXPECT_EQ(areas.zooms_computed(), 1u);
  EXPECT_FALSE(areas.all_computed());
  for (std::uint32_t z = 15; z <= tiles::max_zoom; ++z)
    areas.at(0, z);
  EXPECT_EQ(areas.zooms_computed(), tiles::max_zoom + 1 - 14);
  EXPECT_TRUE(areas.all_computed());
}

}  // namespace
