#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include "geo/import/area_import.hpp"

namespace geo {

/// A child area lying everywhere within this distance of its parent (in degrees: 1e-5 is about
/// 1.1 m at Jakarta's latitude) is taken as inside it: a boundary digitised twice, or rounded to
/// 6 decimals (0.1 m), leaves slivers like that without any intent.
inline constexpr double outside_tolerance_degrees = 1e-5;

using parent_geometries = std::unordered_map<std::string, const geos_geometry*>;

/// A child area's check against its parent is in two halves: a child whose parent does not
/// exist is rejected (reject_orphans); one lying partly outside its parent beyond the tolerance
/// is kept and flagged with the share of its area outside (flag_outside_parents).

/// Rejects the kept children whose parent does not exist (a lookup per child).
void reject_orphans(std::vector<area_candidate>& children, admin_level parent_level,
                    const parent_geometries& parents);

/// Flags the kept children lying partly outside their parent (GEOS work per child).
void flag_outside_parents(std::vector<area_candidate>& children, admin_level parent_level,
                          const parent_geometries& parents, progress& progress,
                          const stop_token& stop);

}  // namespace geo
