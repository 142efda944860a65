#pragma once

#include "geo/geos/geos_geometry.hpp"
#include "geo/multipolygon.hpp"

namespace geo {

/// The polygons of a Polygon or MultiPolygon; other types give an empty result.
multipolygon to_multipolygon(const geos_geometry& geometry);

}  // namespace geo
