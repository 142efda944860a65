#include "server/ogc_target_collection.hpp"

#include <algorithm>
#include <memory>

namespace server {
namespace {

bool by_id(const geo::target* a, const geo::target* b) {
  return a->id < b->id;
}

void refuse_anonymous(const principal& caller) {
  if (sees_targets(caller)) return;
  throw http_error(401,
                   "targets are shown to anonymous callers only as counts per RW, in the "
                   "coverage collection (/ogc/collections/coverage/items); send a bearer token "
                   "to see targets");
}

ogc_value text_or_null(const std::string& s) {
  return s.empty() ? ogc_value() : ogc_value(std::string_view(s));
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

ogc_target_collection::ogc_target_collection(const geo::engine& engine)
    : m_engine(engine), m_all(every_target(engine)) {
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

std::vector<const geo::target*> ogc_target_collection::shown(
    const principal& caller, const std::optional<geo::bbox>& box) const {
  if (box) return shown_in(caller, *box);
  std::vector<const geo::target*> out;
  for (const geo::target* t : m_all) {
    const visibility v = visibility_of(caller, *t);
    if (v == visibility::exact || (v == visibility::coarse && t->lon && t->lat)) out.push_back(t);
  }
  return out;
}

std::vector<const geo::target*> ogc_target_collection::shown_in(const principal& caller,
                                                                const geo::bbox& box) const {
  // Each target is tested at the position the caller sees: exact ones in the exact index,
  // coarse ones in the coarse index. Only admins and PICs see any target exactly; everyone but
  // admins sees some coarsely.
  const auto keep = [&](geo::engine::precision p, visibility v) {
    std::vector<const geo::target*> found;
    for (const geo::target* t : m_engine.targets_in(box, p))
      if (visibility_of(caller, *t) == v) found.push_back(t);
    return found;
  };
  const bool some_exact = caller.who == geo::role::admin || caller.who == geo::role::pic;
  const bool some_coarse = caller.who != geo::role::admin;
  const std::vector<const geo::target*> exact =
      some_exact ? keep(geo::engine::precision::exact, visibility::exact)
                 : std::vector<const geo::target*>{};
  const std::vector<const geo::target*> coarse =
      some_coarse ? keep(geo::engine::precision::coarse, visibility::coarse)
                  : std::vector<const geo::target*>{};
  std::vector<const geo::target*> out(exact.size() + coarse.size());
  std::merge(exact.begin(), exact.end(), coarse.begin(), coarse.end(), out.begin(), by_id);
  return out;
}

ogc_feature ogc_target_collection::feature(const target_view& view) const {
  const geo::target& t = *view.what;
  const bool exact = view.level == visibility::exact;
  ogc_feature f{t.id, nullptr, view.position, {}};
  f.properties.reserve(12);
  f.properties.push_back({"program", std::string_view(t.program)});
  f.properties.push_back({"need", std::string_view(t.need)});
  f.properties.push_back({"priority", std::int64_t{t.priority}});
  f.properties.push_back({"status", std::string_view(status_name(view.status))});
  f.properties.push_back({"precision", std::string_view(exact ? "exact" : "coarse")});
  if (!exact) return f;
  f.properties.push_back({"household_size", std::int64_t{t.household_size}});
  f.properties.push_back({"rt_code", text_or_null(t.rt_code)});
  f.properties.push_back({"rw_code", text_or_null(t.rw_code)});
  f.properties.push_back({"kelurahan_code", text_or_null(t.kelurahan_code)});
  f.properties.push_back({"kecamatan_code", text_or_null(t.kecamatan_code)});
  f.properties.push_back({"kota_code", text_or_null(t.kota_code)});
  f.properties.push_back({"registered_at", text_or_null(t.registered_at)});
  return f;
}

ogc_selection ogc_target_collection::select(const request& r, const query_params&,
                                            const std::optional<geo::bbox>& box) const {
  refuse_anonymous(r.caller);
  auto chosen = std::make_shared<const std::vector<const geo::target*>>(shown(r.caller, box));
  const principal caller = r.caller;
  return {chosen->size(), [this, chosen, caller](std::size_t i) {
            return feature(*view_of(caller, m_engine, *(*chosen)[i]));
          }};
}

std::optional<ogc_feature> ogc_target_collection::find(const request& r, const query_params&,
                                                       const std::string& fid) const {
  refuse_anonymous(r.caller);
  const geo::target* t = m_engine.find_target(fid);
  if (!t) return std::nullopt;
  const std::optional<target_view> view = view_of(r.caller, m_engine, *t);
  if (!view || (view->level == visibility::coarse && !view->position)) return std::nullopt;
  return feature(*view);
}

}  // namespace server
