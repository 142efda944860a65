#pragma once
#include <array>
#include <optional>
#include <string_view>

namespace geo {

/// Administrative levels below the province, largest first (DESIGN.md, domain words).
enum class admin_level { kota, kecamatan, kelurahan, rw, rt };

inline constexpr std::array<admin_level, 5> all_admin_levels = {
    admin_level::kota, admin_level::kecamatan, admin_level::kelurahan, admin_level::rw,
    admin_level::rt};

std::string_view to_string(admin_level level);
/// "kota", "kecamatan", ...; nothing for an unknown word.
std::optional<admin_level> parse_admin_level(std::string_view word);
/// The level an area of `level` nests in; nothing for kota (its parent, the province, is not
/// an area we store).
std::optional<admin_level> parent_level(admin_level level);

}  // namespace geo
