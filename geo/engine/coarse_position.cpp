#include "geo/engine/coarse_position.hpp"

#include <cmath>

namespace geo {

coarse_cell cell_of(double lon, double lat) {
  return {static_cast<std::int64_t>(std::floor(lon / coarse_cell_degrees)),
          static_cast<std::int64_t>(std::floor(lat / coarse_cell_degrees))};
}

bbox bounds_of(coarse_cell cell) {
  const auto x = static_cast<double>(cell.x), y = static_cast<double>(cell.y);
  return {x * coarse_cell_degrees, y * coarse_cell_degrees, (x + 1) * coarse_cell_degrees,
          (y + 1) * coarse_cell_degrees};
}

std::uint64_t cell_key(coarse_cell cell) {
  // Cells of the Earth number at most 400,000 on either axis: 32 bits each hold them.
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(cell.x)) << 32) |
         static_cast<std::uint32_t>(cell.y);
}

lon_lat coarse_position(double lon, double lat) {
  // Rounded to 1e-7 degrees (about 1 cm), so that the spot prints as 106.79985, not as the
  // binary neighbour 106.79984999999999 the product gives.
  const auto centre = [](double v) {
    return std::round((std::floor(v / coarse_cell_degrees) + 0.5) * coarse_cell_degrees * 1e7) /
           1e7;
  };
  return {centre(lon), centre(lat)};
}

}  // namespace geo
