#include "tiles/tile_geometry.hpp"

#include <algorithm>

namespace tiles {

std::int64_t doubled_area(const tile_ring& ring) {
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < ring.size(); ++i) {
    const tile_point& a = ring[i];
    const tile_point& b = ring[(i + 1) % ring.size()];
    sum += std::int64_t{a.x} * b.y - std::int64_t{b.x} * a.y;
  }
  return sum;
}

namespace {

// True when the ring, going a -> b -> c, turns straight back at b (a spike, or an edge doubled
// back over itself): b would make the ring touch itself.
bool turns_back(const tile_point& a, const tile_point& b, const tile_point& c) {
  const std::int64_t abx = b.x - a.x, aby = b.y - a.y, bcx = c.x - b.x, bcy = c.y - b.y;
  return abx * bcy - aby * bcx == 0 && abx * bcx + aby * bcy < 0;
}

}  // namespace

void drop_repeated_points(tile_ring& ring) {
  // One pass with the kept points as a stack, so that dropping a point lets its neighbours
  // be checked against each other: A B C B A collapses to A.
  tile_ring kept;
  kept.reserve(ring.size());
  const auto settle = [&kept] {
    while (true) {
      const std::size_t n = kept.size();
      if (n >= 2 && kept[n - 1] == kept[n - 2]) {
        kept.pop_back();
      } else if (n >= 3 && turns_back(kept[n - 3], kept[n - 2], kept[n - 1])) {
        kept.erase(kept.end() - 2);
      } else {
        return;
      }
    }
  };
  for (const tile_point& p : ring) {
    kept.push_back(p);
    settle();
  }
  // The seam where the ring closes: its last point meets its first again.
  bool changed = true;
  while (changed && kept.size() >= 2) {
    changed = false;
    if (kept.front() == kept.back()) {
      kept.pop_back();
      changed = true;
    } else if (kept.size() >= 3 && turns_back(kept[kept.size() - 2], kept.back(), kept.front())) {
      kept.pop_back();
      changed = true;
    } else if (kept.size() >= 3 && turns_back(kept.back(), kept.front(), kept[1])) {
      kept.erase(kept.begin());
      changed = true;
    }
  }
  ring = std::move(kept);
}

bool encloses_area(const tile_ring& ring) {
  return ring.size() >= 3 && doubled_area(ring) != 0;
}

void orient(tile_ring& ring, bool exterior) {
  if ((doubled_area(ring) > 0) != exterior) std::reverse(ring.begin(), ring.end());
}

}  // namespace tiles
