#include "tiles/tile_id.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "tiles/error.hpp"

namespace tiles {

namespace {

// Half the Web Mercator world's width in metres (EPSG:3857: pi * 6378137).
constexpr double half_world_m = 20037508.342789244;
// Web Mercator's latitude limit, where the square world ends.
constexpr double max_latitude = 85.0511287798066;

double world_x(double lon) {
  return (lon + 180.0) / 360.0;
}

// Fraction of the world from its north edge (0) to its south edge (1).
double world_y(double lat) {
  const double phi = std::clamp(lat, -max_latitude, max_latitude) * std::numbers::pi / 180.0;
  return (1.0 - std::log(std::tan(phi) + 1.0 / std::cos(phi)) / std::numbers::pi) / 2.0;
}

double latitude_of(double world_fraction_y) {
  const double n = std::numbers::pi * (1.0 - 2.0 * world_fraction_y);
  return std::atan(std::sinh(n)) * 180.0 / std::numbers::pi;
}

void check_range(const char* what, std::int64_t value, std::int64_t end, std::int64_t z) {
  if (value >= 0 && value < end) return;
  throw tile_error(std::string(what) + " " + std::to_string(value) + " is out of range 0.." +
                   std::to_string(end - 1) + " for zoom " + std::to_string(z));
}

}  // namespace

tile_id make_tile_id(std::int64_t z, std::int64_t x, std::int64_t y) {
  if (z < 0 || z > max_zoom)
    throw tile_error("zoom " + std::to_string(z) + " is out of range 0.." +
                     std::to_string(max_zoom));
  const std::int64_t count = std::int64_t{1} << z;
  check_range("x", x, count, z);
  check_range("y", y, count, z);
  return {static_cast<std::uint32_t>(z), static_cast<std::uint32_t>(x),
          static_cast<std::uint32_t>(y)};
}

std::string to_string(const tile_id& tile) {
  return std::to_string(tile.z) + "/" + std::to_string(tile.x) + "/" + std::to_string(tile.y);
}

geo::bbox mercator_bounds(const tile_id& tile) {
  const double size = 2.0 * half_world_m / std::ldexp(1.0, static_cast<int>(tile.z));
  return {.min_x = -half_world_m + tile.x * size,
          .min_y = half_world_m - (tile.y + 1.0) * size,
          .max_x = -half_world_m + (tile.x + 1.0) * size,
          .max_y = half_world_m - tile.y * size};
}

geo::bbox lon_lat_bounds(const tile_id& tile) {
  const double count = std::ldexp(1.0, static_cast<int>(tile.z));
  return {.min_x = tile.x / count * 360.0 - 180.0,
          .min_y = latitude_of((tile.y + 1.0) / count),
          .max_x = (tile.x + 1.0) / count * 360.0 - 180.0,
          .max_y = latitude_of(tile.y / count)};
}

tile_projection::tile_projection(const tile_id& tile)
    : m_scale(std::ldexp(double(tile_extent), static_cast<int>(tile.z))),
      m_origin_x(double(tile.x) * tile_extent),
      m_origin_y(double(tile.y) * tile_extent) {}

tile_pixel tile_projection::operator()(double lon, double lat) const {
  return {world_x(lon) * m_scale - m_origin_x, world_y(lat) * m_scale - m_origin_y};
}

tile_pixel world_fraction(double lon, double lat) {
  return {world_x(lon), world_y(lat)};
}

tile_pixel to_tile_pixel(const tile_id& tile, double lon, double lat) {
  return tile_projection(tile)(lon, lat);
}

}  // namespace tiles
