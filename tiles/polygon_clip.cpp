#include "tiles/polygon_clip.hpp"

#include <algorithm>
#include <cmath>

namespace tiles {

namespace {

// One side of the clip box: which coordinate it bounds, where, and which side is kept.
struct clip_edge {
  bool vertical;  // bounds x (true) or y (false)
  double at;
  bool keep_above;  // keeps coordinates >= at (true) or <= at (false)

  bool inside(const tile_pixel& p) const {
    const double v = vertical ? p.x : p.y;
    return keep_above ? v >= at : v <= at;
  }
  tile_pixel crossing(const tile_pixel& a, const tile_pixel& b) const {
    if (vertical) {
      const double t = (at - a.x) / (b.x - a.x);
      return {at, a.y + t * (b.y - a.y)};
    }
    const double t = (at - a.y) / (b.y - a.y);
    return {a.x + t * (b.x - a.x), at};
  }
};

// Sutherland–Hodgman: keeps the part of a closed ring (given open) on the inner side of one
// edge, adding the points where it crosses the edge.
std::vector<tile_pixel> clip_against(const std::vector<tile_pixel>& ring, const clip_edge& edge) {
  std::vector<tile_pixel> out;
  out.reserve(ring.size() + 4);
  for (std::size_t i = 0; i < ring.size(); ++i) {
    const tile_pixel& current = ring[i];
    const tile_pixel& previous = ring[(i + ring.size() - 1) % ring.size()];
    const bool current_in = edge.inside(current);
    if (current_in != edge.inside(previous)) out.push_back(edge.crossing(previous, current));
    if (current_in) out.push_back(current);
  }
  return out;
}

struct pixel_box {
  double min_x = INFINITY, min_y = INFINITY, max_x = -INFINITY, max_y = -INFINITY;
};

pixel_box box_of(const std::vector<tile_pixel>& ring) {
  pixel_box b;
  for (const tile_pixel& p : ring) {
    b.min_x = std::min(b.min_x, p.x);
    b.min_y = std::min(b.min_y, p.y);
    b.max_x = std::max(b.max_x, p.x);
    b.max_y = std::max(b.max_y, p.y);
  }
  return b;
}

tile_ring rounded(const std::vector<tile_pixel>& ring) {
  tile_ring out;
  out.reserve(ring.size());
  for (const tile_pixel& p : ring)
    out.push_back(
        {static_cast<std::int32_t>(std::lround(p.x)), static_cast<std::int32_t>(std::lround(p.y))});
  drop_repeated_points(out);
  return out;
}

template <typename Project>
std::vector<tile_pixel> projected(const geo::ring& ring, const Project& project) {
  std::vector<tile_pixel> out;
  out.reserve(ring.size() / 2);
  for (std::size_t i = 0; i + 1 < ring.size(); i += 2)
    out.push_back(project(ring[i], ring[i + 1]));
  return out;
}

template <typename Project>
std::vector<tile_polygon> clip_projected(const geo::multipolygon& shape, const Project& project,
                                         std::uint32_t buffer) {
  const double low = -double(buffer);
  const double high = double(tile_extent) + buffer;
  std::vector<tile_polygon> out;
  for (const geo::polygon& polygon : shape) {
    tile_polygon clipped;
    for (std::size_t i = 0; i < polygon.rings.size(); ++i) {
      tile_ring ring = clip_ring(projected(polygon.rings[i], project), low, high);
      if (!encloses_area(ring)) {
        if (i == 0) break;  // no exterior left: its holes go with it
        continue;
      }
      orient(ring, i == 0);
      clipped.rings.push_back(std::move(ring));
    }
    if (!clipped.rings.empty()) out.push_back(std::move(clipped));
  }
  return out;
}

}  // namespace

tile_ring clip_ring(const std::vector<tile_pixel>& ring, double low, double high) {
  const pixel_box b = box_of(ring);
  if (b.max_x < low || b.min_x > high || b.max_y < low || b.min_y > high) return {};
  if (b.min_x >= low && b.max_x <= high && b.min_y >= low && b.max_y <= high)
    return rounded(ring);  // wholly inside: most rings of a tile at high zoom
  std::vector<tile_pixel> clipped = ring;
  for (const clip_edge& edge : {clip_edge{true, low, true}, clip_edge{true, high, false},
                                clip_edge{false, low, true}, clip_edge{false, high, false}}) {
    clipped = clip_against(clipped, edge);
    if (clipped.empty()) return {};
  }
  return rounded(clipped);
}

std::vector<tile_polygon> clip_to_tile(const geo::multipolygon& shape, const tile_id& tile,
                                       std::uint32_t buffer) {
  return clip_projected(shape, tile_projection(tile), buffer);
}

std::vector<tile_polygon> clip_world_to_tile(const geo::multipolygon& world_shape,
                                             const tile_id& tile, std::uint32_t buffer) {
  const double scale = std::ldexp(double(tile_extent), static_cast<int>(tile.z));
  const double origin_x = double(tile.x) * tile_extent;
  const double origin_y = double(tile.y) * tile_extent;
  return clip_projected(
      world_shape,
      [&](double x, double y) {
        return tile_pixel{x * scale - origin_x, y * scale - origin_y};
      },
      buffer);
}

}  // namespace tiles
