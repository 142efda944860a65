#pragma once
#include <cstdint>
#include <vector>

namespace tiles {

/// A point on a tile's integer grid (extent 4096, y down; the buffer lies outside 0..4096).
struct tile_point {
  std::int32_t x = 0;
  std::int32_t y = 0;

  bool operator==(const tile_point&) const = default;
};

/// A ring on the tile grid, open: its first point is not repeated at the end (MVT closes
/// rings with ClosePath).
using tile_ring = std::vector<tile_point>;

/// A polygon on the tile grid: the exterior ring first, then its holes.
struct tile_polygon {
  std::vector<tile_ring> rings;
};

/// Twice the ring's area by the surveyor's formula in tile coordinates: positive for a ring
/// that is clockwise on screen (y down), which MVT 2.1 §4.3.4.4 calls an exterior ring.
std::int64_t doubled_area(const tile_ring& ring);

/// Drops repeated consecutive points, a closing point equal to the first, and points where
/// the ring turns straight back (spikes, edges doubled back over themselves, which rounding to
/// the grid makes), so no segment has zero length (MVT 2.1 §4.3.3.3: LineTo must move the
/// cursor) and no ring touches itself that way (§4.3.4.4).
void drop_repeated_points(tile_ring& ring);

/// True when a cleaned ring encloses an area: three distinct points at least and a non-zero
/// area, so no ring collapses to a line or a point.
bool encloses_area(const tile_ring& ring);

/// Reverses the ring when needed so it winds as an exterior (clockwise on screen, positive
/// area) or as a hole (counter-clockwise, negative area), MVT 2.1 §4.3.4.4.
void orient(tile_ring& ring, bool exterior);

}  // namespace tiles
