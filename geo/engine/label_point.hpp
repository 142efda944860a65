#pragma once
#include "geo/engine/coarse_position.hpp"
#include "geo/multipolygon.hpp"

namespace geo {

/// A point inside an area where a map can put its marker (a count, a label): the middle of
/// the widest stretch inside the shape along the horizontal line through the middle of its
/// largest polygon's box. Unlike a centroid it is never outside a U-shaped or holed area.
/// An empty shape gives (0, 0).
lon_lat label_point(const multipolygon& shape);

}  // namespace geo
