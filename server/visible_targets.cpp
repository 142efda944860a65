#include "server/visible_targets.hpp"

#include <algorithm>

namespace server {
namespace {

bool may_see_exact(const principal& caller) {
  return caller.who == geo::role::admin || caller.who == geo::role::pic;
}

bool may_see_coarse(const principal& caller) {
  return sees_targets(caller) && caller.who != geo::role::admin;
}

}  // namespace

std::vector<target_view> visible_targets(
    const principal& caller, const geo::engine& engine,
    const std::function<std::vector<const geo::target*>(precision)>& select) {
  std::vector<target_view> out;
  const auto keep = [&](precision p, visibility wanted) {
    for (const geo::target* t : select(p))
      if (visibility_of(caller, *t) == wanted) out.push_back(*view_of(caller, engine, *t));
  };
  if (may_see_exact(caller)) keep(precision::exact, visibility::exact);
  if (may_see_coarse(caller)) keep(precision::coarse, visibility::coarse);
  std::sort(out.begin(), out.end(),
            [](const target_view& a, const target_view& b) { return a.what->id < b.what->id; });
  return out;
}

std::vector<nearby_view> visible_nearest(const principal& caller, const geo::engine& engine,
                                         geo::engine::nearest_query query) {
  std::vector<nearby_view> out;
  const auto search = [&](precision p, visibility wanted) {
    geo::engine::nearest_query q = query;
    q.positions = p;
    if (caller.who == geo::role::pic)
      q.only = [&](const geo::target& t) { return visibility_of(caller, t) == wanted; };
    for (const geo::engine::nearby_target& n : engine.nearest(q))
      out.push_back({*view_of(caller, engine, *n.what), n.distance_m});
  };
  if (may_see_exact(caller)) search(precision::exact, visibility::exact);
  if (may_see_coarse(caller)) search(precision::coarse, visibility::coarse);
  std::sort(out.begin(), out.end(), [](const nearby_view& a, const nearby_view& b) {
    if (a.distance_m != b.distance_m) return a.distance_m < b.distance_m;
    return a.view.what->id < b.view.what->id;
  });
  if (out.size() > query.k) out.resize(query.k);
  return out;
}

}  // namespace server
