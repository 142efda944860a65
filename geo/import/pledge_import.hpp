#pragma once
#include <string>
#include <unordered_set>
#include <vector>

#include "geo/import/target_import.hpp"
#include "geo/import_report.hpp"
#include "geo/pledge.hpp"
#include "geo/progress.hpp"

namespace geo {

/// Reads a pledges CSV (id, collaborator_id, target_id, program, form, amount_idr, quantity,
/// status, pledged_at). Rejected with the reason: repeated ids, unknown collaborators, unknown
/// or rejected targets, a program other than the target's, unknown form or status, a missing
/// amount (uang) or quantity (barang), a bad date, and double help: an active (committed or
/// delivered) pledge for a target and program that an earlier active pledge already holds.
std::vector<pledge> import_pledges(const std::string& path,
                                   const std::unordered_set<std::string>& collaborators,
                                   const target_registry& targets, layer_report& report,
                                   progress& progress, const stop_token& stop);

}  // namespace geo
