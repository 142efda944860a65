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

void drop_repeated_points(tile_ring& ring) {
  ring.erase(std::unique(ring.begin(), ring.end()), ring.end());
  while (ring.size() > 1 && ring.front() == ring.back())
    ring.pop_back();
}

bool encloses_area(const tile_ring& ring) {
  return ring.size() >= 3 && doubled_area(ring) != 0;
}

void orient(tile_ring& ring, bool exterior) {
  if ((doubled_area(ring) > 0) != exterior) std::reverse(ring.begin(), ring.end());
}

}  // namespace tiles
