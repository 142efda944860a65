#include "geo/engine/label_point.hpp"

#include <gtest/gtest.h>

namespace {

geo::ring square(double x0, double y0, double x1, double y1) {
  return {x0, y0, x1, y0, x1, y1, x0, y1, x0, y0};
}

TEST(LabelPoint, IsTheMiddleOfASquare) {
  const geo::multipolygon shape{{{square(0, 0, 2, 2)}}};
  EXPECT_EQ(geo::label_point(shape), (geo::lon_lat{1, 1}));
}

TEST(LabelPoint, StaysInsideAUShapeWhoseCentreIsOutside) {
  // A U: 0..3 wide, 0..3 high, with the notch 1..2 x 1..3 cut out; its box centre (1.5, 1.5)
  // lies in the notch. The middle line y = 1.5 crosses the two arms.
  const geo::ring u{0, 0, 3, 0, 3, 3, 2, 3, 2, 1, 1, 1, 1, 3, 0, 3, 0, 0};
  const geo::multipolygon shape{{{u}}};
  const geo::lon_lat at = geo::label_point(shape);
  EXPECT_TRUE(geo::covers_point(shape, at.lon, at.lat));
  EXPECT_EQ(at, (geo::lon_lat{0.5, 1.5}));
}

TEST(LabelPoint, AvoidsAHoleAndPicksTheLargestPolygon) {
  const geo::multipolygon shape{{{square(10, 10, 11, 11)}},
                                {{square(0, 0, 4, 4), square(1, 1, 3, 3)}}};
  const geo::lon_lat at = geo::label_point(shape);
  EXPECT_EQ(at, (geo::lon_lat{0.5, 2}));  // the first of the two equal stretches beside the hole
  EXPECT_TRUE(geo::covers_point(shape, at.lon, at.lat));
}

TEST(LabelPoint, OfNothingIsTheOrigin) {
  EXPECT_EQ(geo::label_point({}), (geo::lon_lat{0, 0}));
}

}  // namespace
