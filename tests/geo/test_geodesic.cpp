#include "geo/engine/geodesic.hpp"

#include <gtest/gtest.h>

namespace {

geo::multipolygon square(double x0, double y0, double x1, double y1) {
  return {{{{x0, y0, x1, y0, x1, y1, x0, y1, x0, y0}}}};
}

// Expected areas come from the closed form for a cell between two parallels on the WGS84
// ellipsoid, (b^2/2)(q(lat2) - q(lat1)) dlon with q the authalic function (Snyder, Map
// Projections, eq. 3-12), computed in Python. The geodesic edges of the square bow away from
// the parallels by less than 1e-8 of the area here. SpatiaLite's ST_Area(geom, 1) gives
// 1223909.999174 for the square at -6.2 too.
constexpr double equator_square_m2 = 1230907.201849;
constexpr double jakarta_square_m2 = 1223909.999175;

TEST(GeodesicArea, MeasuresSquareAtTheEquator) {
  EXPECT_NEAR(geo::geodesic_area_m2(square(106.80, 0.0, 106.81, 0.01)), equator_square_m2,
              equator_square_m2 * 1e-6);
}

TEST(GeodesicArea, MeasuresSquareAtJakartaLatitude) {
  EXPECT_NEAR(geo::geodesic_area_m2(square(106.80, -6.20, 106.81, -6.19)), jakarta_square_m2,
              jakarta_square_m2 * 1e-6);
}

TEST(GeodesicArea, IgnoresRingOrientation) {
  const geo::multipolygon clockwise = {
      {{{106.80, -6.20, 106.80, -6.19, 106.81, -6.19, 106.81, -6.20, 106.80, -6.20}}}};
  EXPECT_NEAR(geo::geodesic_area_m2(clockwise), jakarta_square_m2, jakarta_square_m2 * 1e-6);
}

TEST(GeodesicArea, SubtractsHoles) {
  const geo::multipolygon outer = square(106.80, -6.21, 106.82, -6.19);
  geo::multipolygon holed = outer;
  holed[0].rings.push_back(square(106.80, -6.20, 106.81, -6.19)[0].rings[0]);
  EXPECT_NEAR(geo::geodesic_area_m2(holed), geo::geodesic_area_m2(outer) - jakarta_square_m2,
              jakarta_square_m2 * 1e-6);
}

TEST(GeodesicArea, AddsPolygonsOfAMultiPolygon) {
  geo::multipolygon two = square(106.80, -6.20, 106.81, -6.19);
  two.push_back(square(106.80, -6.20, 106.81, -6.19)[0]);
  EXPECT_NEAR(geo::geodesic_area_m2(two), 2 * jakarta_square_m2, jakarta_square_m2 * 1e-6);
}

TEST(GeodesicArea, IsZeroForEmptyShapeAndDegenerateRing) {
  EXPECT_EQ(geo::geodesic_area_m2({}), 0.0);
  EXPECT_EQ(geo::geodesic_area_m2({{{{106.8, -6.2, 106.81, -6.2, 106.8, -6.2}}}}), 0.0);
}

// `geod +ellps=WGS84 -I` gives 116018.917928 m between these points, and SpatiaLite's
// ST_Distance(..., 1) agrees; the 120,024 m of STACK-NOTES.md is not the ellipsoidal distance.
TEST(GeodesicDistance, MeasuresJakartaToBandung) {
  EXPECT_NEAR(geo::geodesic_distance_m(106.8456, -6.2088, 107.6191, -6.9175), 116018.917928, 1e-5);
}

TEST(GeodesicDistance, IsSymmetricAndZeroForOnePoint) {
  EXPECT_EQ(geo::geodesic_distance_m(107.6191, -6.9175, 106.8456, -6.2088),
            geo::geodesic_distance_m(106.8456, -6.2088, 107.6191, -6.9175));
  EXPECT_EQ(geo::geodesic_distance_m(106.8456, -6.2088, 106.8456, -6.2088), 0.0);
}

}  // namespace
