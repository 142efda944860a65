#pragma once
#include <algorithm>
#include <limits>

namespace geo {

/// An axis-aligned box in lon/lat degrees (or any planar x/y).
struct bbox {
  double min_x = std::numeric_limits<double>::infinity();
  double min_y = std::numeric_limits<double>::infinity();
  double max_x = -std::numeric_limits<double>::infinity();
  double max_y = -std::numeric_limits<double>::infinity();

  bool is_empty() const { return min_x > max_x || min_y > max_y; }
  void expand(double x, double y) {
    min_x = std::min(min_x, x);
    min_y = std::min(min_y, y);
    max_x = std::max(max_x, x);
    max_y = std::max(max_y, y);
  }
  void expand(const bbox& o) {
    if (o.is_empty()) return;
    expand(o.min_x, o.min_y);
    expand(o.max_x, o.max_y);
  }
  bool contains(double x, double y) const {
    return x >= min_x && x <= max_x && y >= min_y && y <= max_y;
  }
  bool intersects(const bbox& o) const {
    return min_x <= o.max_x && o.min_x <= max_x && min_y <= o.max_y && o.min_y <= max_y;
  }
  bool operator==(const bbox&) const = default;
};

}  // namespace geo
