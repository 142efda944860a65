#include "geo/engine/geodesic.hpp"

#include <geodesic.h>

#include <cmath>

namespace geo {
namespace {

const geod_geodesic& wgs84() {
  static const geod_geodesic g = [] {
    geod_geodesic init{};
    geod_init(&init, 6378137.0, 1 / 298.257223563);
    return init;
  }();
  return g;
}

struct ring_measure {
  double area_m2;
  double perimeter_m;
};

ring_measure measure_ring(const ring& r) {
  // The ring's last point repeats its first; geod_polygon closes the ring itself.
  geod_polygon polygon;
  geod_polygon_init(&polygon, 0);
  for (std::size_t i = 0; i + 3 < r.size(); i += 2)
    geod_polygon_addpoint(&wgs84(), &polygon, r[i + 1], r[i]);
  double area = 0;
  double perimeter = 0;
  geod_polygon_compute(&wgs84(), &polygon, 0, 1, &area, &perimeter);
  return {std::fabs(area), perimeter};
}

}  // namespace

double geodesic_area_m2(const multipolygon& shape) {
  double total = 0;
  for (const polygon& p : shape)
    for (std::size_t i = 0; i < p.rings.size(); ++i) {
      if (p.rings[i].size() < 8) continue;
      total += (i == 0 ? 1 : -1) * measure_ring(p.rings[i]).area_m2;
    }
  return total;
}

double geodesic_distance_m(double lon1, double lat1, double lon2, double lat2) {
  double distance = 0;
  geod_inverse(&wgs84(), lat1, lon1, lat2, lon2, &distance, nullptr, nullptr);
  return distance;
}

}  // namespace geo
