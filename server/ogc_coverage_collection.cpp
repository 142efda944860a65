#include "server/ogc_coverage_collection.hpp"

#include <algorithm>
#include <iterator>
#include <memory>

#include "geo/target.hpp"
#include "server/api_json.hpp"
#include "server/ogc_area_collection.hpp"

namespace server {

std::optional<std::string_view> program_option(const query_params& q) {
  const std::optional<std::string> program = q.program();
  if (!program) return std::nullopt;
  // The program's own entry, which outlives the request.
  return *std::find(std::begin(geo::programs), std::end(geo::programs), *program);
}

ogc_coverage_collection::ogc_coverage_collection(const geo::engine& engine,
                                                 const privacy_rule& rule)
    : m_engine(engine), m_rule(rule) {
  for (const geo::area* a : engine.areas_at(geo::admin_level::rw))
    m_extent.expand(a->box);
}

std::string_view ogc_coverage_collection::description() const {
  return "Every RW with the targets counted in it, how many carry an active pledge, how many "
         "were delivered, and the priority left unmet; for all programs, or one with "
         "?program=pangan|umkm|pendidikan|persampahan|permukiman|ketenagakerjaan";
}

std::vector<std::string_view> ogc_coverage_collection::queryables() const {
  return {"code", "name", "kelurahan_code", "kecamatan_code", "kota_code"};
}

ogc_feature ogc_coverage_collection::feature(const principal& caller, const geo::area& rw,
                                             std::optional<std::string_view> program) const {
  const auto wanted = program ? std::optional<std::string>(*program) : std::nullopt;
  // Figures of RWs are public (counted by cell); exact for admins and a PIC's own RWs.
  const precision basis = m_rule.figures_of(caller, rw).value_or(precision::coarse);
  const geo::coverage c = m_engine.coverage_of(rw.code, wanted, basis).value_or(geo::coverage{});
  ogc_feature f{rw.code, &m_engine.shape_of(rw), std::nullopt, {}};
  f.properties.reserve(14);
  f.properties.push_back({"code", std::string_view(rw.code)});
  f.properties.push_back({"name", std::string_view(rw.name)});
  append_parent_codes(f.properties, m_engine.chain_of(rw), geo::admin_level::rw);
  f.properties.push_back({"program", program ? ogc_value(*program) : ogc_value()});
  f.properties.push_back({"targets", std::int64_t{c.targets}});
  f.properties.push_back({"pledged", std::int64_t{c.pledged}});
  f.properties.push_back({"delivered", std::int64_t{c.delivered}});
  f.properties.push_back({"pledged_ratio", c.pledged_ratio()});
  f.properties.push_back({"delivered_ratio", c.delivered_ratio()});
  f.properties.push_back({"unserved", std::int64_t{c.unserved()}});
  f.properties.push_back({"unmet_priority", static_cast<std::int64_t>(c.unmet_priority)});
  f.properties.push_back({"figures", std::string_view(figures_name(basis))});
  return f;
}

ogc_selection ogc_coverage_collection::select(const request& r, const query_params& q,
                                              const std::optional<geo::bbox>& box) const {
  const std::optional<std::string_view> program = program_option(q);
  auto chosen = std::make_shared<const std::vector<const geo::area*>>(
      areas_intersecting(m_engine, geo::admin_level::rw, box));
  return {chosen->size(), [this, chosen, program, caller = r.caller](std::size_t i) {
            return feature(caller, *(*chosen)[i], program);
          }};
}

std::optional<ogc_feature> ogc_coverage_collection::find(const request& r, const query_params& q,
                                                         const std::string& fid) const {
  const std::optional<std::string_view> program = program_option(q);
  const geo::area* a = m_engine.find_area(fid);
  if (!a || a->level != geo::admin_level::rw) return std::nullopt;
  return feature(r.caller, *a, program);
}

}  // namespace server
