#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "tiles/tile_id.hpp"

namespace tiles {

/// Points (targets at their exact or coarse spots, RW count markers) in the Morton (Z) order of
/// their place on a 2^32 x 2^32 grid over the Web Mercator world, a cell of about a centimetre.
/// The points of a tile at any zoom are then one contiguous run, found by two binary searches;
/// and since a grid cell lies in exactly one tile per zoom, so does each point: no point is in
/// two tiles, so counts over tiles add up and nothing is drawn twice across a tile edge.
class point_order {
 public:
  struct input {
    double lon;
    double lat;
    std::uint32_t item;  // what the caller puts there, e.g. a position in its own list
  };
  struct point {
    std::uint64_t key;  // Morton code of (x, y)
    std::uint32_t x;    // grid column, west to east
    std::uint32_t y;    // grid row, north to south
    std::uint32_t item;
  };

  point_order() = default;
  explicit point_order(std::span<const input> inputs);

  /// Adds a point where the order wants it: O(n) for the move, no sort. Not safe while
  /// another thread reads the order.
  void insert(const input& i);

  /// The points in the tile, in Morton order.
  std::span<const point> in(const tile_id& tile) const;
  std::size_t size() const { return m_points.size(); }

  /// Where points fall in a tile's units (0..4096, y down), with the tile's constants worked
  /// out once.
  class tile_frame {
   public:
    explicit tile_frame(const tile_id& tile);
    tile_pixel operator()(const point& p) const {
      return {(p.x + 0.5 - m_origin_x) * m_units_per_cell,
              (p.y + 0.5 - m_origin_y) * m_units_per_cell};
    }

   private:
    double m_origin_x;
    double m_origin_y;
    double m_units_per_cell;
  };
  /// The square of side 2^-cell_zoom of the world the point is in, as a number unique per
  /// zoom; at tile zoom z, cell_zoom z + 3 splits each tile into 8 x 8 cells, consecutive in
  /// Morton order.
  static std::uint64_t cell_of(const point& p, std::uint32_t cell_zoom);

 private:
  std::vector<point> m_points;
};

}  // namespace tiles
