#pragma once
#include <cstdint>
#include <vector>

#include "geo/multipolygon.hpp"
#include "tiles/tile_geometry.hpp"
#include "tiles/tile_id.hpp"

namespace tiles {

/// The polygons of `shape` (lon/lat rings) on the tile's integer grid: projected to tile
/// units, clipped to the tile plus `buffer` units on each side (MVT 2.1 leaves clipping to
/// the encoder; a buffer hides the seams), rounded, with repeated points dropped. Rings that
/// enclose no area afterwards are dropped, and a polygon whose exterior is dropped goes with
/// its holes. Exteriors wind clockwise and holes counter-clockwise on screen (y down), as
/// MVT 2.1 §4.3.4.4 requires. Clipping is Sutherland–Hodgman per ring against the box: a
/// concave ring cut by the box may keep edges along the box's border, which renders the same.
std::vector<tile_polygon> clip_to_tile(const geo::multipolygon& shape, const tile_id& tile,
                                       std::uint32_t buffer = tile_buffer);

/// The same for a shape already in Web Mercator world fractions (world_fraction), as
/// simplified_areas keeps them: no projection per tile.
std::vector<tile_polygon> clip_world_to_tile(const geo::multipolygon& world_shape,
                                             const tile_id& tile,
                                             std::uint32_t buffer = tile_buffer);

/// The same clip for a ring already in tile units (open or closed), as a separate step for
/// tests and for callers that project themselves; the result is rounded but not oriented.
tile_ring clip_ring(const std::vector<tile_pixel>& ring, double low, double high);

}  // namespace tiles
