#pragma once
#include "geo/bbox.hpp"
#include "geo/multipolygon.hpp"

namespace geo {

/// True when `shape` and the closed rectangle `box` share at least one point (as GEOS's
/// intersects): an edge of the shape crosses or touches the box, or the box lies inside the
/// shape (and not inside one of its holes). Exact, unlike comparing the shape's bounding box:
/// an L-shaped area does not intersect a box in the notch of its L.
bool intersects(const multipolygon& shape, const bbox& box);

}  // namespace geo
