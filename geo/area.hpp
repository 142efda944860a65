#pragma once
#include <string>
#include <vector>

#include "geo/admin_level.hpp"
#include "geo/bbox.hpp"

namespace geo {

/// An administrative area as stored: a kota, kecamatan, kelurahan, RW or RT.
struct area {
  admin_level level = admin_level::kelurahan;
  std::string code;  // BPS code; RW = kelurahan code + RW number, RT = RW code + RT
  std::string name;
  std::string parent_code;  // empty for kota
  // MultiPolygon, EPSG:4326 lon/lat. Empty in an engine's areas: engine::shape_of has it.
  std::vector<unsigned char> wkb;
  double area_m2 = 0;  // geodesic, WGS84
  bbox box;
  std::string layer;    // the import layer that produced it
  std::size_t row = 0;  // feature number in that layer (0 for derived areas)
};

}  // namespace geo
