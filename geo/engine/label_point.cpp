#include "geo/engine/label_point.hpp"

#include <algorithm>

namespace geo {
namespace {

bbox box_of(const polygon& p) {
  bbox box;
  const ring& exterior = p.rings.front();
  for (std::size_t i = 0; i + 1 < exterior.size(); i += 2)
    box.expand(exterior[i], exterior[i + 1]);
  return box;
}

double box_area(const bbox& b) {
  return (b.max_x - b.min_x) * (b.max_y - b.min_y);
}

// Where the rings of the shape cross the line y = `y`, sorted; by even-odd, the stretches
// between the 1st and 2nd, 3rd and 4th, ... crossing are inside.
std::vector<double> crossings(const multipolygon& shape, double y) {
  std::vector<double> xs;
  for (const polygon& p : shape)
    for (const ring& r : p.rings)
      for (std::size_t i = 0; i + 3 < r.size(); i += 2) {
        const double x0 = r[i], y0 = r[i + 1], x1 = r[i + 2], y1 = r[i + 3];
        if ((y0 > y) != (y1 > y)) xs.push_back(x0 + (y - y0) / (y1 - y0) * (x1 - x0));
      }
  std::sort(xs.begin(), xs.end());
  return xs;
}

}  // namespace

lon_lat label_point(const multipolygon& shape) {
  const polygon* largest = nullptr;
  double largest_area = -1;
  for (const polygon& p : shape) {
    if (p.rings.empty() || p.rings.front().size() < 8) continue;
    const double a = box_area(box_of(p));
    if (a > largest_area) largest = &p, largest_area = a;
  }
  if (!largest) return {0, 0};
  const bbox box = box_of(*largest);
  const double y = (box.min_y + box.max_y) / 2;
  const std::vector<double> xs = crossings(shape, y);
  double best_x = (box.min_x + box.max_x) / 2, best_width = -1;
  for (std::size_t i = 0; i + 1 < xs.size(); i += 2)
    if (xs[i + 1] - xs[i] > best_width)
      best_width = xs[i + 1] - xs[i], best_x = (xs[i] + xs[i + 1]) / 2;
  return {best_x, y};
}

}  // namespace geo
