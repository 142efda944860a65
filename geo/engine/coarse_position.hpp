#pragma once
#include <cstdint>

#include "geo/bbox.hpp"

namespace geo {

/// The size of the cells target positions are coarsened to, in degrees: 0.0009 degrees is
/// about 100 m of latitude, and of longitude near the equator (Jakarta at 6 degrees south).
inline constexpr double coarse_cell_degrees = 0.0009;

struct lon_lat {
  double lon;
  double lat;
  bool operator==(const lon_lat&) const = default;
};

/// Where a target is shown to those who may not see it exactly (DESIGN.md, privacy): the centre
/// of its ~100 m cell. The same target always lands on the same spot, so repeated queries reveal
/// nothing more than the cell; distances and orders for such callers come from this spot too.
lon_lat coarse_position(double lon, double lat);

/// A coarse cell, numbered by how many cells west-east and south-north it lies from 0,0.
struct coarse_cell {
  std::int64_t x;
  std::int64_t y;
  bool operator==(const coarse_cell&) const = default;
};
/// The cell holding a position (whose centre coarse_position gives).
coarse_cell cell_of(double lon, double lat);
/// The cell's square, edges included.
bbox bounds_of(coarse_cell cell);
/// One number per cell, for hash sets of cells.
std::uint64_t cell_key(coarse_cell cell);

}  // namespace geo
