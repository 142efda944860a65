#include "geo/coarse_position.hpp"

#include <cmath>

namespace geo {

lon_lat coarse_position(double lon, double lat) {
  const auto centre = [](double v) {
    return (std::floor(v / coarse_cell_degrees) + 0.5) * coarse_cell_degrees;
  };
  return {centre(lon), centre(lat)};
}

}  // namespace geo
