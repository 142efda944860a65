#include "geo/geos/geos_polygons.hpp"
#include "geo/multipolygon.hpp"

#include <geos_c.h>
#include <gtest/gtest.h>

#include <string>

#include "geo/geos/geos_context.hpp"

namespace {

// A closed square ring from (x0, y0) to (x1, y1), counter-clockwise.
geo::ring square(double x0, double y0, double x1, double y1) {
  return {x0, y0, x1, y0, x1, y1, x0, y1, x0, y0};
}

const geo::multipolygon west = {{{square(106.80, -6.20, 106.81, -6.19)}}};
const geo::multipolygon east = {{{square(106.81, -6.20, 106.82, -6.19)}}};
// 106.80..106.82 x -6.20..-6.18 with a hole 106.805..106.815 x -6.195..-6.185.
const geo::multipolygon holed = {
    {{square(106.80, -6.20, 106.82, -6.18), square(106.805, -6.195, 106.815, -6.185)}}};

geo::geos_geometry from_wkt(const geo::geos_context& ctx, const std::string& wkt) {
  GEOSWKTReader* reader = GEOSWKTReader_create_r(ctx.handle());
  GEOSGeometry* raw = GEOSWKTReader_read_r(ctx.handle(), reader, wkt.c_str());
  GEOSWKTReader_destroy_r(ctx.handle(), reader);
  return {ctx, raw, "WKT reading"};
}

TEST(CoversPoint, IsTrueInside) {
  EXPECT_TRUE(geo::covers_point(west, 106.805, -6.195));
}

TEST(CoversPoint, IsFalseOutside) {
  EXPECT_FALSE(geo::covers_point(west, 106.815, -6.195));
  EXPECT_FALSE(geo::covers_point(west, 106.805, -6.185));
}

TEST(CoversPoint, IsFalseInAHole) {
  EXPECT_FALSE(geo::covers_point(holed, 106.81, -6.19));
}

TEST(CoversPoint, IsTrueBetweenHoleAndExterior) {
  EXPECT_TRUE(geo::covers_point(holed, 106.802, -6.198));
}

TEST(CoversPoint, IsTrueOnTheHoleBoundary) {
  EXPECT_TRUE(geo::covers_point(holed, 106.805, -6.19));
}

TEST(CoversPoint, IsTrueOnASharedEdgeInBothNeighbours) {
  EXPECT_TRUE(geo::covers_point(west, 106.81, -6.195));
  EXPECT_TRUE(geo::covers_point(east, 106.81, -6.195));
}

TEST(CoversPoint, IsTrueOnAVertex) {
  EXPECT_TRUE(geo::covers_point(west, 106.80, -6.20));
  EXPECT_TRUE(geo::covers_point(west, 106.81, -6.19));
}

TEST(CoversPoint, IsTrueInAnyPolygonOfAMultiPolygon) {
  const geo::multipolygon both = {west[0], {{square(106.83, -6.20, 106.84, -6.19)}}};
  EXPECT_TRUE(geo::covers_point(both, 106.835, -6.195));
  EXPECT_FALSE(geo::covers_point(both, 106.825, -6.195));
}

TEST(CoversPoint, CountsPointsWithinToleranceOfAnEdgeAsOnIt) {
  const double x = 106.81 + 1e-9;  // just east of west's east edge
  EXPECT_FALSE(geo::covers_point(west, x, -6.195));
  EXPECT_FALSE(geo::covers_point(west, x, -6.195, 1e-10));
  EXPECT_TRUE(geo::covers_point(west, x, -6.195, 1e-8));
}

TEST(CoversPoint, IsFalseForEmptyShape) {
  EXPECT_FALSE(geo::covers_point({}, 106.805, -6.195));
}

TEST(ToMultipolygon, KeepsExteriorThenHoles) {
  const geo::geos_context ctx;
  const geo::multipolygon shape =
      geo::to_multipolygon(from_wkt(ctx, "POLYGON((0 0,4 0,4 4,0 4,0 0),(1 1,1 2,2 2,2 1,1 1))"));
  ASSERT_EQ(shape.size(), 1u);
  ASSERT_EQ(shape[0].rings.size(), 2u);
  EXPECT_EQ(shape[0].rings[0], (geo::ring{0, 0, 4, 0, 4, 4, 0, 4, 0, 0}));
  EXPECT_EQ(shape[0].rings[1], (geo::ring{1, 1, 1, 2, 2, 2, 2, 1, 1, 1}));
}

TEST(ToMultipolygon, ReadsEveryPolygonOfAMultiPolygon) {
  const geo::geos_context ctx;
  const geo::multipolygon shape = geo::to_multipolygon(
      from_wkt(ctx, "MULTIPOLYGON(((0 0,1 0,1 1,0 0)),EMPTY,((5 5,6 5,6 6,5 5)))"));
  ASSERT_EQ(shape.size(), 2u);
  EXPECT_EQ(shape[1].rings[0], (geo::ring{5, 5, 6, 5, 6, 6, 5, 5}));
}

TEST(ToMultipolygon, GivesNothingForALine) {
  const geo::geos_context ctx;
  EXPECT_TRUE(geo::to_multipolygon(from_wkt(ctx, "LINESTRING(0 0,1 1)")).empty());
}

}  // namespace
