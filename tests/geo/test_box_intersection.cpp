#include "geo/engine/box_intersection.hpp"

#include <gtest/gtest.h>

namespace {

// An L: the square 0..2 x 0..2 without its upper right quarter 1..2 x 1..2.
const geo::multipolygon ell = {{{{0, 0, 2, 0, 2, 1, 1, 1, 1, 2, 0, 2, 0, 0}}}};
// 0..4 x 0..4 with a hole 1..3 x 1..3.
const geo::multipolygon holed = {
    {{{0, 0, 4, 0, 4, 4, 0, 4, 0, 0}, {1, 1, 1, 3, 3, 3, 3, 1, 1, 1}}}};

TEST(BoxIntersection, IsFalseForABoxInTheNotchOfAnL) {
  EXPECT_FALSE(geo::intersects(ell, {1.2, 1.2, 1.8, 1.8}));
}

TEST(BoxIntersection, IsTrueForABoxOverAnEdge) {
  EXPECT_TRUE(geo::intersects(ell, {0.5, 1.5, 1.5, 2.5}));
  EXPECT_TRUE(geo::intersects(ell, {-1, 0.5, 3, 0.6}));  // crosses, no vertex inside
}

TEST(BoxIntersection, IsTrueForABoxInsideTheShape) {
  EXPECT_TRUE(geo::intersects(ell, {0.2, 0.2, 0.4, 0.4}));
}

TEST(BoxIntersection, IsTrueForABoxAroundTheShape) {
  EXPECT_TRUE(geo::intersects(ell, {-1, -1, 3, 3}));
}

TEST(BoxIntersection, IsTrueForABoxTouchingAnEdgeOrAVertex) {
  EXPECT_TRUE(geo::intersects(ell, {2, 0.2, 3, 0.4}));
  EXPECT_TRUE(geo::intersects(ell, {2, 1, 3, 3}));
  EXPECT_TRUE(geo::intersects(ell, {1.5, 1, 1.5, 1}));  // a point on the notch's edge
}

TEST(BoxIntersection, IsFalseForABoxInAHole) {
  EXPECT_FALSE(geo::intersects(holed, {1.5, 1.5, 2.5, 2.5}));
  EXPECT_TRUE(geo::intersects(holed, {0.5, 0.5, 2.5, 2.5}));
}

TEST(BoxIntersection, IsFalseApartOrForAnEmptyBox) {
  EXPECT_FALSE(geo::intersects(ell, {3, 3, 4, 4}));
  EXPECT_FALSE(geo::intersects(ell, geo::bbox{}));
  EXPECT_FALSE(geo::intersects({}, {0, 0, 1, 1}));
}

}  // namespace
