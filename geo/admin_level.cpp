#include "geo/admin_level.hpp"

namespace geo {

std::string_view to_string(admin_level level) {
  switch (level) {
    case admin_level::kota:
      return "kota";
    case admin_level::kecamatan:
      return "kecamatan";
    case admin_level::kelurahan:
      return "kelurahan";
    case admin_level::rw:
      return "rw";
    case admin_level::rt:
      return "rt";
  }
  return "?";
}

std::optional<admin_level> parse_admin_level(std::string_view word) {
  for (admin_level level : all_admin_levels)
    if (to_string(level) == word) return level;
  return std::nullopt;
}

std::optional<admin_level> parent_level(admin_level level) {
  if (level == admin_level::kota) return std::nullopt;
  return static_cast<admin_level>(static_cast<int>(level) - 1);
}

}  // namespace geo
