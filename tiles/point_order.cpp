#include "tiles/point_order.hpp"

#include <algorithm>
#include <cmath>

namespace tiles {
namespace {

constexpr int grid_bits = 32;

// Spreads the 32 bits of v to the even bits of a 64-bit word.
std::uint64_t spread(std::uint32_t v) {
  std::uint64_t x = v;
  x = (x | (x << 16)) & 0x0000FFFF0000FFFFULL;
  x = (x | (x << 8)) & 0x00FF00FF00FF00FFULL;
  x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FULL;
  x = (x | (x << 2)) & 0x3333333333333333ULL;
  x = (x | (x << 1)) & 0x5555555555555555ULL;
  return x;
}

std::uint64_t morton(std::uint32_t x, std::uint32_t y) {
  return spread(x) | (spread(y) << 1);
}

std::uint32_t grid_coordinate(double world_fraction) {
  const double cells = std::ldexp(world_fraction, grid_bits);
  return static_cast<std::uint32_t>(std::clamp(std::floor(cells), 0.0, 4294967295.0));
}

}  // namespace

namespace {

point_order::point on_grid(const point_order::input& i) {
  static const tile_projection world(tile_id{0, 0, 0});
  const tile_pixel p = world(i.lon, i.lat);
  const std::uint32_t x = grid_coordinate(p.x / tile_extent);
  const std::uint32_t y = grid_coordinate(p.y / tile_extent);
  return {morton(x, y), x, y, i.item};
}

bool before(const point_order::point& a, const point_order::point& b) {
  return a.key != b.key ? a.key < b.key : a.item < b.item;
}

}  // namespace

point_order::point_order(std::span<const input> inputs) {
  m_points.reserve(inputs.size());
  for (const input& i : inputs)
    m_points.push_back(on_grid(i));
  std::sort(m_points.begin(), m_points.end(), before);
}

void point_order::insert(const input& i) {
  const point p = on_grid(i);
  m_points.insert(std::upper_bound(m_points.begin(), m_points.end(), p, before), p);
}

std::span<const point_order::point> point_order::in(const tile_id& tile) const {
  // The tile's cells share the tile's Morton code as their top 2z bits.
  const int shift = 2 * (grid_bits - static_cast<int>(tile.z));
  const std::uint64_t first = shift == 64 ? 0 : morton(tile.x, tile.y) << shift;
  const std::uint64_t last = shift == 64 ? ~0ULL : first + ((1ULL << shift) - 1);
  const auto begin = std::lower_bound(m_points.begin(), m_points.end(), first,
                                      [](const point& p, std::uint64_t k) { return p.key < k; });
  const auto end = std::upper_bound(begin, m_points.end(), last,
                                    [](std::uint64_t k, const point& p) { return k < p.key; });
  return {begin, end};
}

// A tile is 2^(32 - z) grid cells wide, so a cell is 4096 / 2^(32 - z) tile units: below one
// unit up to zoom 20, several beyond.
point_order::tile_frame::tile_frame(const tile_id& tile)
    : m_origin_x(std::ldexp(double(tile.x), grid_bits - static_cast<int>(tile.z))),
      m_origin_y(std::ldexp(double(tile.y), grid_bits - static_cast<int>(tile.z))),
      m_units_per_cell(std::ldexp(double(tile_extent), static_cast<int>(tile.z) - grid_bits)) {}

std::uint64_t point_order::cell_of(const point& p, std::uint32_t cell_zoom) {
  const int shift = 2 * (grid_bits - static_cast<int>(std::min<std::uint32_t>(cell_zoom, 32)));
  return shift == 64 ? 0 : p.key >> shift;
}

}  // namespace tiles
