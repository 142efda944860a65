#include "geo/engine/box_intersection.hpp"

namespace geo {
namespace {

// Liang-Barsky: one of the four constraints a point of the segment p(t) = a + t * d must meet
// to lie in the box, narrowing [t0, t1]; false when no t is left.
bool clip(double p, double q, double& t0, double& t1) {
  if (p == 0) return q >= 0;
  const double r = q / p;
  if (p < 0) {
    if (r > t1) return false;
    if (r > t0) t0 = r;
  } else {
    if (r < t0) return false;
    if (r < t1) t1 = r;
  }
  return true;
}

// True when the segment (ax, ay)-(bx, by) has a point in the closed box.
bool segment_meets_box(double ax, double ay, double bx, double by, const bbox& box) {
  const double dx = bx - ax, dy = by - ay;
  double t0 = 0, t1 = 1;
  return clip(-dx, ax - box.min_x, t0, t1) && clip(dx, box.max_x - ax, t0, t1) &&
         clip(-dy, ay - box.min_y, t0, t1) && clip(dy, box.max_y - ay, t0, t1);
}

bool any_edge_meets_box(const ring& r, const bbox& box) {
  const std::size_t n = r.size() / 2;
  if (n == 1) return box.contains(r[0], r[1]);
  for (std::size_t i = 0, j = n - 1; i < n; j = i++)
    if (segment_meets_box(r[2 * j], r[2 * j + 1], r[2 * i], r[2 * i + 1], box)) return true;
  return false;
}

}  // namespace

bool intersects(const multipolygon& shape, const bbox& box) {
  if (box.is_empty()) return false;
  for (const polygon& p : shape)
    for (const ring& r : p.rings)
      if (any_edge_meets_box(r, box)) return true;
  // No edge reaches the box: it lies wholly inside the shape or wholly outside it (a hole
  // counts as outside), so one of its points tells which.
  return covers_point(shape, box.min_x, box.min_y);
}

}  // namespace geo
