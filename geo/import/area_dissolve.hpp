#pragma once
#include <string>
#include <vector>

#include "geo/import/area_import.hpp"

namespace geo {

/// Derives the areas of the level above `members` (kecamatan from kelurahan, kota from
/// kecamatan) by dissolving the members that share a parent code (GEOS union). Names and the
/// next parent come from rule `derive_index` of the members' source attributes; members that
/// disagree on them flag the derived area. Rejected members are left out.
std::vector<area_candidate> dissolve_areas(const std::vector<area_candidate>& members,
                                           const derived_level_spec& spec, std::size_t derive_index,
                                           const std::string& layer, const geos_context& geos,
                                           progress& progress, const stop_token& stop);

}  // namespace geo
