#pragma once
#include <string>
#include <vector>

#include "geo/collaborator.hpp"
#include "geo/import_report.hpp"
#include "geo/progress.hpp"

namespace geo {

/// Reads a collaborators CSV (id, name, kind, optional lon, lat): unknown kinds, empty ids
/// and repeated ids are rejected; unreadable or out-of-range coordinates are dropped and the
/// row flagged.
std::vector<collaborator> import_collaborators(const std::string& path, layer_report& report,
                                               progress& progress, const stop_token& stop);

}  // namespace geo
