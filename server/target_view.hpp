#pragma once
#include <optional>
#include <string_view>

#include "geo/engine/coarse_position.hpp"
#include "geo/engine/coverage.hpp"
#include "geo/target.hpp"

namespace server {

/// How much of a target a caller may see (privacy_rule decides): nothing (anonymous callers
/// see only figures), the coarse spot with program, need and priority, or everything.
enum class visibility { hidden, coarse, exact };

/// One target as the caller may see it. Detail fields are shown only for exact visibility.
struct target_view {
  const geo::target* what = nullptr;
  visibility level = visibility::coarse;
  std::optional<geo::lon_lat> position;  // exact or coarse; none for an unlocated target
  geo::target_status status = geo::target_status::open;
};

/// "open", "pledged", "delivered".
const char* status_name(geo::target_status status);
std::optional<geo::target_status> parse_status(std::string_view word);

}  // namespace server
