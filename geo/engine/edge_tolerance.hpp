#pragma once
#include "geo/multipolygon.hpp"

namespace geo {

/// Coordinates come with 6 decimals: 1e-6 degrees (about 0.11 m at Jakarta's latitude) is one
/// unit of their last digit. A point that near an area's edge cannot be told from one on it, so
/// it counts as in the area (docs/import.md, "Edge tolerance"). The importer and a location
/// recorded in the field (geo/field_location) decide alike.
inline constexpr double edge_tolerance = 1e-6;

/// Distance in degrees from (x, y) to the nearest edge of `shape`, computed as GEOS's
/// Distance::pointToSegment does, so that the SpatiaLite oracle (ST_Distance) decides a point
/// at the tolerance the same way.
double edge_distance(const multipolygon& shape, double x, double y);

/// True when `shape` holds (x, y) or lies within the edge tolerance of it.
bool within_tolerance(const multipolygon& shape, double x, double y);

}  // namespace geo
