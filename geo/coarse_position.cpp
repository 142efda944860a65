#include "geo/coarse_position.hpp"

#include <cmath>

namespace geo {

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
