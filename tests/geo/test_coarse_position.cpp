#include "geo/engine/coarse_position.hpp"

#include <gtest/gtest.h>

#include "geo/engine/geodesic.hpp"

namespace {

TEST(CoarsePosition, IsTheCentreOfTheHundredMetreCell) {
  const geo::lon_lat spot = geo::coarse_position(106.80512, -6.19547);
  EXPECT_NEAR(spot.lon, 106.80525, 1e-9);  // cell 106.8048 .. 106.8057
  EXPECT_NEAR(spot.lat, -6.19515, 1e-9);   // cell -6.1956 .. -6.1947
}

TEST(CoarsePosition, IsTheSameForTheSamePointAndForItsCellNeighbours) {
  EXPECT_EQ(geo::coarse_position(106.80512, -6.19547), geo::coarse_position(106.80512, -6.19547));
  EXPECT_EQ(geo::coarse_position(106.80512, -6.19547), geo::coarse_position(106.80560, -6.19480));
}

TEST(CoarsePosition, MovesAPointByAtMostHalfACellDiagonal) {
  for (double lon = 106.70; lon < 106.72; lon += 0.00037)
    for (double lat = -6.21; lat < -6.19; lat += 0.00041) {
      const geo::lon_lat spot = geo::coarse_position(lon, lat);
      EXPECT_LE(geo::geodesic_distance_m(lon, lat, spot.lon, spot.lat), 71.0);
    }
}

}  // namespace
