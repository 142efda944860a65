#include "geo/engine/edge_tolerance.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace geo {
namespace {

double segment_distance(double x, double y, double ax, double ay, double bx, double by) {
  if (ax == bx && ay == by) return std::hypot(x - ax, y - ay);
  const double len2 = (bx - ax) * (bx - ax) + (by - ay) * (by - ay);
  const double r = ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / len2;
  if (r <= 0.0) return std::hypot(x - ax, y - ay);
  if (r >= 1.0) return std::hypot(x - bx, y - by);
  const double s = ((ay - y) * (bx - ax) - (ax - x) * (by - ay)) / len2;
  return std::fabs(s) * std::sqrt(len2);
}

}  // namespace

double edge_distance(const multipolygon& shape, double x, double y) {
  double best = std::numeric_limits<double>::infinity();
  for (const polygon& p : shape)
    for (const ring& r : p.rings)
      for (std::size_t i = 0; i + 3 < r.size(); i += 2)
        best = std::min(best, segment_distance(x, y, r[i], r[i + 1], r[i + 2], r[i + 3]));
  return best;
}

bool within_tolerance(const multipolygon& shape, double x, double y) {
  return covers_point(shape, x, y) || edge_distance(shape, x, y) <= edge_tolerance;
}

}  // namespace geo
