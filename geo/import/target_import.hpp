#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include "geo/engine/area_index.hpp"
#include "geo/import_report.hpp"
#include "geo/progress.hpp"
#include "geo/target.hpp"

namespace geo {

/// The areas a target is checked against: RTs and kelurahan for point-in-polygon, and the
/// parent of every area code, to walk from an RT up to its kota.
struct area_lookup {
  area_index rt;
  area_index kelurahan;
  std::unordered_map<std::string, std::string> parent_of;
};

/// What the pledge import needs to know of the targets: who was accepted (with program) and
/// why the others were rejected.
struct target_registry {
  std::unordered_map<std::string, std::string> program_of;
  std::unordered_map<std::string, std::string> rejection_of;  // "row N: reason"
};

struct target_import_result {
  std::vector<target> targets;
  target_registry registry;
};

/// Reads a targets CSV (id, program, need, household_size, priority, lon, lat, kode_kel, rw,
/// rt, registered_at; any order, `,` `;` or tab) and decides each row's outcome:
/// clean, normalized (decimal comma), corrected (lon/lat swapped, accepted only when the swapped
/// point lies in the declared kelurahan), flagged (point in another RT than declared), unlocated
/// (no coordinates, declared RT known) or rejected (with the reason). Every row is counted in
/// `report`; located targets get their RT, RW, kelurahan, kecamatan and kota from their point.
/// A point within the edge tolerance (1e-6 degrees) of its declared RT counts as in it, and a
/// point in no area as in the nearest one within it; `report.within_tolerance` counts the rows
/// it placed (docs/import.md).
target_import_result import_targets(const std::string& path, const area_lookup& areas,
                                    layer_report& report, progress& progress,
                                    const stop_token& stop);

}  // namespace geo
