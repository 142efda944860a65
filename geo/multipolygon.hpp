#pragma once
#include <vector>

#include "geo/bbox.hpp"

namespace geo {

/// A closed ring as interleaved coordinates x0, y0, x1, y1, ..., first point repeated last.
using ring = std::vector<double>;

/// A polygon: the exterior ring first, then its holes.
struct polygon {
  std::vector<ring> rings;
  bool operator==(const polygon&) const = default;
};

/// Plain coordinates of a (Multi)Polygon, for work that GEOS does not do for us (geodesic
/// areas, our own point-in-polygon index) without a GEOS call per coordinate.
using multipolygon = std::vector<polygon>;

/// True when (x, y) lies inside `shape` or on its boundary (as GEOS's covers), holes
/// excluded: even-odd crossing over all rings, and a point closer than `tolerance` (degrees) to
/// an edge counts as on it. With tolerance 0, only points exactly on an edge do, so a point on
/// an edge shared by two areas is in both.
bool covers_point(const multipolygon& shape, double x, double y, double tolerance = 0);

}  // namespace geo
