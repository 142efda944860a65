#include "server/privacy_rule.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "geo/engine/box_intersection.hpp"
#include "geo/engine/coarse_position.hpp"

namespace server {

/// A PIC's scope: the codes they handle, and every cell that meets one of those areas.
struct privacy_rule::scope {
  std::unordered_set<std::string> codes;
  std::unordered_set<std::uint64_t> cells;
};

namespace {

std::string scope_key(const principal& caller) {
  std::vector<std::string> codes = caller.areas;
  std::sort(codes.begin(), codes.end());
  std::string key;
  for (const std::string& code : codes)
    key += code + ",";
  return key;
}

geo::engine::admin_chain exact_chain(const geo::engine& engine, const geo::target& t) {
  geo::engine::admin_chain chain;
  chain.kota = engine.find_area(t.kota_code);
  chain.kecamatan = engine.find_area(t.kecamatan_code);
  chain.kelurahan = engine.find_area(t.kelurahan_code);
  chain.rw = engine.find_area(t.rw_code);
  chain.rt = engine.find_area(t.rt_code);
  return chain;
}

}  // namespace

privacy_rule::privacy_rule(const geo::engine& engine) : m_engine(engine) {}

std::shared_ptr<const privacy_rule::scope> privacy_rule::scope_of(const principal& caller) const {
  const std::string key = scope_key(caller);
  {
    const std::lock_guard lock(m_mutex);
    if (const auto it = m_scopes.find(key); it != m_scopes.end()) return it->second;
  }
  // Built outside the lock (a kota takes a moment); two callers racing build the same scope.
  std::shared_ptr<const scope> made = make_scope(caller.areas);
  const std::lock_guard lock(m_mutex);
  return m_scopes.emplace(key, std::move(made)).first->second;
}

std::shared_ptr<const privacy_rule::scope> privacy_rule::make_scope(
    const std::vector<std::string>& codes) const {
  auto out = std::make_shared<scope>();
  out->codes.insert(codes.begin(), codes.end());
  for (const std::string& code : codes) {
    const geo::area* a = m_engine.find_area(code);
    if (!a) continue;
    const geo::multipolygon& shape = m_engine.shape_of(*a);
    const geo::coarse_cell low = geo::cell_of(a->box.min_x, a->box.min_y);
    const geo::coarse_cell high = geo::cell_of(a->box.max_x, a->box.max_y);
    // Only cells holding a target matter; the others are not worth a polygon test.
    std::unordered_set<std::uint64_t> occupied;
    for (const geo::target* t :
         m_engine.targets_in({geo::bounds_of(low).min_x, geo::bounds_of(low).min_y,
                              geo::bounds_of(high).max_x, geo::bounds_of(high).max_y},
                             precision::exact)) {
      const geo::coarse_cell c = geo::cell_of(*t->lon, *t->lat);
      if (occupied.insert(geo::cell_key(c)).second && geo::intersects(shape, geo::bounds_of(c)))
        out->cells.insert(geo::cell_key(c));
    }
  }
  return out;
}

void privacy_rule::forget_scopes() {
  const std::lock_guard lock(m_mutex);
  m_scopes.clear();
}

bool privacy_rule::sees_targets(const principal& caller) {
  return caller.who != geo::role::anonymous;
}

visibility privacy_rule::visibility_of(const principal& caller, const geo::target& t) const {
  return caller.who == geo::role::pic ? pic_visibility(*scope_of(caller), t)
                                      : role_visibility(caller.who);
}

visibility privacy_rule::role_visibility(geo::role who) {
  switch (who) {
    case geo::role::anonymous:
      return visibility::hidden;
    case geo::role::admin:
      return visibility::exact;
    default:
      return visibility::coarse;
  }
}

visibility privacy_rule::pic_visibility(const scope& s, const geo::target& t) {
  for (const geo::interned_text* code :
       {&t.rt_code, &t.rw_code, &t.kelurahan_code, &t.kecamatan_code, &t.kota_code})
    if (!code->empty() && s.codes.contains(*code)) return visibility::exact;
  if (t.lon && t.lat && s.cells.contains(geo::cell_key(geo::cell_of(*t.lon, *t.lat))))
    return visibility::exact;
  return visibility::coarse;
}

std::function<visibility(const geo::target&)> privacy_rule::visibility_for(
    const principal& caller) const {
  if (caller.who != geo::role::pic)
    return [v = role_visibility(caller.who)](const geo::target&) { return v; };
  return [s = scope_of(caller)](const geo::target& t) { return pic_visibility(*s, t); };
}

std::optional<target_view> privacy_rule::view_of(const principal& caller,
                                                 const geo::target& t) const {
  const visibility level = visibility_of(caller, t);
  if (level == visibility::hidden) return std::nullopt;
  return view_at(level, t);
}

target_view privacy_rule::view_at(visibility level, const geo::target& t) const {
  target_view view{&t, level, std::nullopt, m_engine.status_of(t)};
  if (t.lon && t.lat)
    view.position = level == visibility::exact ? geo::lon_lat{*t.lon, *t.lat}
                                               : geo::coarse_position(*t.lon, *t.lat);
  return view;
}

std::vector<target_view> privacy_rule::visible(
    const principal& caller,
    const std::function<std::vector<const geo::target*>(precision)>& select) const {
  std::vector<target_view> out;
  const auto level = visibility_for(caller);
  const auto keep = [&](precision p, visibility wanted) {
    for (const geo::target* t : select(p))
      if (level(*t) == wanted) out.push_back(view_at(wanted, *t));
  };
  if (caller.who == geo::role::admin || caller.who == geo::role::pic)
    keep(precision::exact, visibility::exact);
  if (sees_targets(caller) && caller.who != geo::role::admin)
    keep(precision::coarse, visibility::coarse);
  std::sort(out.begin(), out.end(),
            [](const target_view& a, const target_view& b) { return a.what->id < b.what->id; });
  return out;
}

std::vector<privacy_rule::nearby_view> privacy_rule::nearest(
    const principal& caller, geo::engine::nearest_query query) const {
  std::vector<nearby_view> out;
  const auto level = visibility_for(caller);
  const auto search = [&](precision p, visibility wanted) {
    geo::engine::nearest_query q = query;
    q.positions = p;
    if (caller.who == geo::role::pic)
      q.only = [&](const geo::target& t) { return level(t) == wanted; };
    for (const geo::engine::nearby_target& n : m_engine.nearest(q))
      out.push_back({view_at(wanted, *n.what), n.distance_m});
  };
  if (caller.who == geo::role::admin || caller.who == geo::role::pic)
    search(precision::exact, visibility::exact);
  if (sees_targets(caller) && caller.who != geo::role::admin)
    search(precision::coarse, visibility::coarse);
  std::sort(out.begin(), out.end(), [](const nearby_view& a, const nearby_view& b) {
    if (a.distance_m != b.distance_m) return a.distance_m < b.distance_m;
    return a.view.what->id < b.view.what->id;
  });
  if (out.size() > query.k) out.resize(query.k);
  return out;
}

geo::engine::admin_chain privacy_rule::areas_of(const principal& caller,
                                                const geo::target& t) const {
  switch (visibility_of(caller, t)) {
    case visibility::exact:
      return exact_chain(m_engine, t);
    case visibility::coarse:
      return m_engine.spot_chain(t);
    default:
      return {};
  }
}

bool privacy_rule::in_scope(const principal& caller, const geo::area& a) const {
  if (caller.who != geo::role::pic) return false;
  const std::shared_ptr<const scope> s = scope_of(caller);
  const geo::engine::admin_chain c = m_engine.chain_of(a);
  for (const geo::area* up : {c.kota, c.kecamatan, c.kelurahan, c.rw, c.rt})
    if (up && s->codes.contains(up->code)) return true;
  return false;
}

std::optional<precision> privacy_rule::figures_of(const principal& caller,
                                                  const geo::area& a) const {
  if (caller.who == geo::role::admin || in_scope(caller, a)) return precision::exact;
  if (a.level == geo::admin_level::rt) return std::nullopt;
  return precision::coarse;
}

std::optional<precision> privacy_rule::ranking_figures(const principal& caller,
                                                       geo::admin_level level,
                                                       const geo::area* within) const {
  if (caller.who == geo::role::admin || (within && in_scope(caller, *within)))
    return precision::exact;
  if (level == geo::admin_level::rt) return std::nullopt;
  return precision::coarse;
}

bool privacy_rule::handles(const principal& caller, const geo::target* t) const {
  if (caller.who == geo::role::admin) return true;
  return caller.who == geo::role::pic && t && visibility_of(caller, *t) == visibility::exact;
}

bool privacy_rule::may_read(const principal& caller, const geo::pledge& p) const {
  switch (caller.who) {
    case geo::role::admin:
    case geo::role::planner:
      return true;
    case geo::role::pic:
      return handles(caller, m_engine.find_target(p.target_id));
    case geo::role::collaborator:
    case geo::role::aggregator:
      return p.collaborator_id == caller.collaborator_id;
    default:
      return false;
  }
}

bool privacy_rule::sees_delivery_text(const principal& caller, const geo::pledge& p) const {
  return handles(caller, m_engine.find_target(p.target_id));
}

tiles::target_viewer privacy_rule::tile_viewer(const principal& caller) const {
  using mode = tiles::target_viewer::mode;
  switch (caller.who) {
    case geo::role::anonymous:
      return {mode::counts_per_rw};
    case geo::role::admin:
      return {mode::exact};
    case geo::role::pic:
      return {mode::mixed, [s = scope_of(caller)](const geo::target& t) {
                return pic_visibility(*s, t) == visibility::exact;
              }};
    default:
      return {mode::coarse};
  }
}

std::string privacy_rule::tile_viewer_key(const principal& caller) {
  switch (caller.who) {
    case geo::role::anonymous:
      return "counts";
    case geo::role::admin:
      return "exact";
    case geo::role::pic:
      return "pic:" + scope_key(caller);
    default:
      return "coarse";
  }
}

bool privacy_rule::may_read_metrics(const principal& caller) {
  return caller.who == geo::role::admin;
}

}  // namespace server
