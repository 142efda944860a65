#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include "geo/area_import.hpp"

namespace geo {

/// A child area whose part outside its parent is on average thinner than this along the
/// child's boundary (outside area / perimeter) is taken as lying inside: a boundary digitised
/// twice, or rounded to 6 decimals (0.1 m), leaves slivers like that without any intent.
inline constexpr double outside_width_tolerance_m = 1.0;

/// Checks each kept child against its parent area: a child whose parent does not exist is
/// rejected; one lying partly outside its parent is kept and flagged with the share outside.
void check_parents(std::vector<area_candidate>& children, admin_level parent_level,
                   const std::unordered_map<std::string, const geos_geometry*>& parents,
                   progress& progress, const stop_token& stop);

}  // namespace geo
