#pragma once
#include "geo/multipolygon.hpp"

namespace geo {

/// Area on the WGS84 ellipsoid in square metres (PROJ geodesic), holes subtracted.
/// Coordinates are lon/lat degrees.
double geodesic_area_m2(const multipolygon& shape);

/// Distance on the WGS84 ellipsoid in metres between two lon/lat points.
double geodesic_distance_m(double lon1, double lat1, double lon2, double lat2);

}  // namespace geo
