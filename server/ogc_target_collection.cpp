#include "server/ogc_target_collection.hpp"

#include <algorithm>
#include <memory>

namespace server {
namespace {

bool by_id(const geo::target* a, const geo::target* b) {
  return a->id < b->id;
}

void refuse_anonymous(const principal& caller) {
  if (privacy_rule::sees_targets(caller)) return;
  throw http_error(401,
                   "targets are shown to anonymous callers only as counts per RW, in the "
                   "coverage collection (/ogc/collections/coverage/items); send a bearer token "
                   "to see targets");
}

ogc_value text_or_null(const std::string& s) {
  return s.empty() ? ogc_value() : ogc_value(std::string_view(s));
}

ogc_value code_or_null(const geo::area* a) {
  return a ? ogc_value(std::string_view(a->code)) : ogc_value();
}

// Every target: the located ones from the index, the unlocated ones from the kota they were
// declared in, by id.
std::vector<const geo::target*> every_target(const geo::engine& engine) {
  std::vector<const geo::target*> located =
      engine.targets_in(geo::bbox{-180, -90, 180, 90}, geo::engine::precision::exact);
  std::vector<const geo::target*> unlocated;
  for (const geo::area* kota : engine.areas_at(geo::admin_level::kota))
    for (const geo::target* t : engine.targets_of(*kota, geo::engine::precision::exact))
      if (!t->lon || !t->lat) unlocated.push_back(t);
  std::sort(unlocated.begin(), unlocated.end(), by_id);
  std::vector<const geo::target*> out(located.size() + unlocated.size());
  std::merge(located.begin(), located.end(), unlocated.begin(), unlocated.end(), out.begin(),
             by_id);
  return out;
}

}  // namespace

ogc_target_collection::ogc_target_collection(const geo::engine& engine, const privacy_rule& rule)
    : m_engine(engine), m_rule(rule), m_all(every_target(engine)) {
  for (const geo::area* kota : engine.areas_at(geo::admin_level::kota))
    m_extent.expand(kota->box);
}

std::string_view ogc_target_collection::description() const {
  return "Targets (sasaran) as the caller may see them: at a coarse spot (the centre of a "
         "~100 m cell) with program, need, priority and status; at the exact position with "
         "household details for a PIC inside their areas and for admins. Needs a bearer token.";
}

std::vector<std::string_view> ogc_target_collection::queryables() const {
  return {"program", "need",    "priority",       "status",         "precision",
          "rt_code", "rw_code", "kelurahan_code", "kecamatan_code", "kota_code"};
}

std::vector<target_view> ogc_target_collection::shown(const principal& caller,
                                                      const std::optional<geo::bbox>& box) const {
  // A bbox is tested at the position the caller sees; without one, every target, but an
  // unlocated one only for those who see it exactly (it has no spot to show the others).
  return m_rule.visible(caller, [&](precision p) {
    if (box) return m_engine.targets_in(*box, p);
    if (p == precision::exact) return m_all;
    std::vector<const geo::target*> located;
    for (const geo::target* t : m_all)
      if (t->lon && t->lat) located.push_back(t);
    return located;
  });
}

ogc_feature ogc_target_collection::feature(const principal& caller, const target_view& view) const {
  const geo::target& t = *view.what;
  const bool exact = view.level == visibility::exact;
  ogc_feature f{t.id, nullptr, view.position, {}};
  f.properties.reserve(12);
  f.properties.push_back({"program", std::string_view(t.program)});
  f.properties.push_back({"need", std::string_view(t.need)});
  f.properties.push_back({"priority", std::int64_t{t.priority}});
  f.properties.push_back({"status", std::string_view(status_name(view.status))});
  f.properties.push_back({"precision", std::string_view(exact ? "exact" : "coarse")});
  if (exact) f.properties.push_back({"household_size", std::int64_t{t.household_size}});
  // The areas the rule lets the caller tie it to (its cell's, when seen coarsely), so that
  // filters on them select by what the caller sees. No RT for a coarse view.
  const geo::engine::admin_chain in = m_rule.areas_of(caller, t);
  f.properties.push_back({"rt_code", exact ? code_or_null(in.rt) : ogc_value()});
  f.properties.push_back({"rw_code", code_or_null(in.rw)});
  f.properties.push_back({"kelurahan_code", code_or_null(in.kelurahan)});
  f.properties.push_back({"kecamatan_code", code_or_null(in.kecamatan)});
  f.properties.push_back({"kota_code", code_or_null(in.kota)});
  if (exact) f.properties.push_back({"registered_at", text_or_null(t.registered_at)});
  return f;
}

ogc_selection ogc_target_collection::select(const request& r, const query_params&,
                                            const std::optional<geo::bbox>& box) const {
  refuse_anonymous(r.caller);
  auto chosen = std::make_shared<const std::vector<target_view>>(shown(r.caller, box));
  const principal caller = r.caller;
  return {chosen->size(),
          [this, chosen, caller](std::size_t i) { return feature(caller, (*chosen)[i]); }};
}

std::optional<ogc_feature> ogc_target_collection::find(const request& r, const query_params&,
                                                       const std::string& fid) const {
  refuse_anonymous(r.caller);
  const geo::target* t = m_engine.find_target(fid);
  if (!t) return std::nullopt;
  const std::optional<target_view> view = m_rule.view_of(r.caller, *t);
  if (!view || (view->level == visibility::coarse && !view->position)) return std::nullopt;
  return feature(r.caller, *view);
}

}  // namespace server
