#pragma once
#include <vector>

#include "geo/bbox.hpp"
#include "geo/geos_geometry.hpp"

namespace geo {

/// A closed ring as interleaved coordinates x0, y0, x1, y1, ..., first point repeated last.
using ring = std::vector<double>;

/// A polygon: the exterior ring first, then its holes.
struct polygon {
  std::vector<ring> rings;
};

/// Plain coordinates of a (Multi)Polygon, for work that GEOS does not do for us (geodesic
/// areas, our own point-in-polygon index) without a GEOS call per coordinate.
using multipolygon = std::vector<polygon>;

/// The polygons of a Polygon or MultiPolygon; other types give an empty result.
multipolygon to_multipolygon(const geos_geometry& geometry);

bbox envelope_of(const multipolygon& shape);

/// Even-odd point-in-polygon over all rings of `shape` (holes excluded). Points exactly on
/// an edge may go either way, consistently for the same input.
bool contains_point(const multipolygon& shape, double x, double y);

}  // namespace geo
