#include "geo/multipolygon.hpp"

#include <algorithm>

namespace geo {

namespace {

// Squared distance from (x, y) to the segment (ax, ay)-(bx, by).
double segment_distance2(double x, double y, double ax, double ay, double bx, double by) {
  const double dx = bx - ax, dy = by - ay;
  const double length2 = dx * dx + dy * dy;
  double t = length2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / length2 : 0;
  t = std::clamp(t, 0.0, 1.0);
  const double px = ax + t * dx - x, py = ay + t * dy - y;
  return px * px + py * py;
}

}  // namespace

bool covers_point(const multipolygon& shape, double x, double y, double tolerance) {
  const double tolerance2 = tolerance * tolerance;
  bool inside = false;
  for (const polygon& p : shape) {
    for (const ring& r : p.rings) {
      const std::size_t n = r.size() / 2;
      for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
        const double xi = r[2 * i], yi = r[2 * i + 1];
        const double xj = r[2 * j], yj = r[2 * j + 1];
        if (tolerance > 0) {
          if (segment_distance2(x, y, xi, yi, xj, yj) <= tolerance2) return true;
        } else if ((xj - xi) * (y - yi) == (x - xi) * (yj - yi) && x >= std::min(xi, xj) &&
                   x <= std::max(xi, xj) && y >= std::min(yi, yj) && y <= std::max(yi, yj)) {
          return true;
        }
        if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
      }
    }
  }
  return inside;
}

}  // namespace geo
