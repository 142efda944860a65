#pragma once
#include <optional>
#include <string>

#include "geo/coarse_position.hpp"
#include "geo/engine.hpp"
#include "geo/target.hpp"
#include "server/principal.hpp"

namespace server {

/// How much of a target a caller may see (DESIGN.md, privacy): nothing (anonymous callers
/// see targets only as counts per RW), the coarse spot with program, need and priority, or
/// everything (a PIC inside their scope, an admin).
enum class visibility { hidden, coarse, exact };

visibility visibility_of(const principal& caller, const geo::target& t);

/// True when the caller may see targets at all (as counts only, otherwise).
bool sees_targets(const principal& caller);

/// True when a PIC's scope holds the area with this code or one of its parents.
bool in_scope(const principal& caller, const geo::engine& engine, const std::string& area_code);

/// One target as the caller may see it. Detail fields are set only for exact visibility.
struct target_view {
  const geo::target* what = nullptr;
  visibility level = visibility::coarse;
  std::optional<geo::lon_lat> position;  // exact or coarse; none for an unlocated target
  geo::target_status status = geo::target_status::open;
};

/// The view of `t` for `caller`; nothing when the caller may not see it at all.
std::optional<target_view> view_of(const principal& caller, const geo::engine& engine,
                                   const geo::target& t);

/// "open", "pledged", "delivered".
const char* status_name(geo::target_status status);
std::optional<geo::target_status> parse_status(std::string_view word);

}  // namespace server
