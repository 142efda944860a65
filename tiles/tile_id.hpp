#pragma once
#include <cstdint>
#include <string>

#include "geo/bbox.hpp"

namespace tiles {

/// MVT 2.1 §4.3: the tile's own coordinate space; 4096 is what every client expects.
inline constexpr std::uint32_t tile_extent = 4096;
/// Geometry kept beyond each tile edge, in tile units, so strokes do not end at the seams.
inline constexpr std::uint32_t tile_buffer = 64;
inline constexpr std::uint32_t max_zoom = 22;

/// A position in tile units (extent 4096, y down), before rounding to the integer grid.
struct tile_pixel {
  double x = 0;
  double y = 0;
};

/// A tile in the XYZ scheme (y = 0 at the north edge), as the map's URLs name it.
struct tile_id {
  std::uint32_t z = 0;
  std::uint32_t x = 0;
  std::uint32_t y = 0;

  bool operator==(const tile_id&) const = default;
};

/// The tile z/x/y, checked: z in 0..22 and x, y below 2^z; tile_error names the value out of
/// range otherwise. Signed inputs so a caller's "-1" is reported rather than wrapped.
tile_id make_tile_id(std::int64_t z, std::int64_t x, std::int64_t y);

/// "z/x/y", for messages and logs.
std::string to_string(const tile_id& tile);

/// The tile's edges in Web Mercator metres (EPSG:3857).
geo::bbox mercator_bounds(const tile_id& tile);
/// The tile's edges in lon/lat degrees (EPSG:4326).
geo::bbox lon_lat_bounds(const tile_id& tile);

/// Where (lon, lat) falls in the tile's units: (0, 0) is its north-west corner and
/// (4096, 4096) its south-east one; points outside the tile give values outside that range.
/// Latitudes beyond Web Mercator's ±85.0511° are clamped to its edge.
tile_pixel to_tile_pixel(const tile_id& tile, double lon, double lat);

/// Where (lon, lat) lies in the Web Mercator world as fractions of its width and height, from
/// its north-west corner (0, 0) to its south-east one (1, 1).
tile_pixel world_fraction(double lon, double lat);

/// Converts lon/lat to a tile's units with the tile's constants computed once, for loops over
/// many points of one tile.
class tile_projection {
 public:
  explicit tile_projection(const tile_id& tile);
  tile_pixel operator()(double lon, double lat) const;

 private:
  double m_scale;  // tile units per unit of world fraction
  double m_origin_x;
  double m_origin_y;
};

}  // namespace tiles
