#pragma once
#include <functional>
#include <vector>

#include "geo/engine.hpp"
#include "server/principal.hpp"
#include "server/target_view.hpp"

namespace server {

using precision = geo::engine::precision;

/// Targets selected by position, as a caller may see them: `select(precision)` picks targets
/// by exact or by coarse positions; a target is kept from the exact pick only when the caller
/// sees it exactly, and from the coarse pick only when the caller sees it coarsely, so a
/// selection never reveals more than each target's visible position. By target id.
std::vector<target_view> visible_targets(
    const principal& caller, const geo::engine& engine,
    const std::function<std::vector<const geo::target*>(precision)>& select);

/// The k nearest targets the caller may see, measured from the positions the caller sees
/// (exact or coarse per target); by distance, then id.
struct nearby_view {
  target_view view;
  double distance_m;
};
std::vector<nearby_view> visible_nearest(const principal& caller, const geo::engine& engine,
                                         geo::engine::nearest_query query);

}  // namespace server
