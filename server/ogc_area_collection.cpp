#include "server/ogc_area_collection.hpp"

#include <memory>

#include "geo/engine/box_intersection.hpp"

namespace server {

ogc_area_collection::ogc_area_collection(const geo::engine& engine, geo::admin_level level,
                                         std::string id, std::string title, std::string description)
    : m_engine(engine),
      m_level(level),
      m_id(std::move(id)),
      m_title(std::move(title)),
      m_description(std::move(description)) {
  for (const geo::area* a : engine.areas_at(level))
    m_extent.expand(a->box);
}

std::vector<std::string_view> ogc_area_collection::queryables() const {
  std::vector<std::string_view> out = {"code", "name", "parent_code"};
  // The codes of the levels above, in the order append_parent_codes writes them.
  if (m_level >= geo::admin_level::rt) out.push_back("rw_code");
  if (m_level >= geo::admin_level::rw) out.push_back("kelurahan_code");
  out.push_back("kecamatan_code");
  out.push_back("kota_code");
  return out;
}

std::vector<const geo::area*> areas_intersecting(const geo::engine& engine, geo::admin_level level,
                                                 const std::optional<geo::bbox>& box) {
  if (!box) return engine.areas_at(level);
  std::vector<const geo::area*> out = engine.areas_meeting(level, *box);
  std::erase_if(out,
                [&](const geo::area* a) { return !geo::intersects(engine.shape_of(*a), *box); });
  return out;
}

void append_parent_codes(std::vector<ogc_property>& out, const geo::engine::admin_chain& chain,
                         geo::admin_level below) {
  const auto code = [](const geo::area* a) {
    return a ? ogc_value(std::string_view(a->code)) : ogc_value();
  };
  if (below > geo::admin_level::rw) out.push_back({"rw_code", code(chain.rw)});
  if (below > geo::admin_level::kelurahan) out.push_back({"kelurahan_code", code(chain.kelurahan)});
  if (below > geo::admin_level::kecamatan) out.push_back({"kecamatan_code", code(chain.kecamatan)});
  if (below > geo::admin_level::kota) out.push_back({"kota_code", code(chain.kota)});
}

ogc_feature ogc_area_collection::feature(const geo::area& a) const {
  ogc_feature f{a.code, &m_engine.shape_of(a), std::nullopt, {}};
  f.properties.reserve(9);
  f.properties.push_back({"code", std::string_view(a.code)});
  f.properties.push_back({"name", std::string_view(a.name)});
  f.properties.push_back({"parent_code", a.parent_code.empty()
                                             ? ogc_value()
                                             : ogc_value(std::string_view(a.parent_code))});
  append_parent_codes(f.properties, m_engine.chain_of(a), m_level);
  f.properties.push_back({"area_m2", a.area_m2});
  return f;
}

ogc_selection ogc_area_collection::select(const request&, const query_params&,
                                          const std::optional<geo::bbox>& box) const {
  auto chosen = std::make_shared<const std::vector<const geo::area*>>(
      areas_intersecting(m_engine, m_level, box));
  return {chosen->size(), [this, chosen](std::size_t i) { return feature(*(*chosen)[i]); }};
}

std::optional<ogc_feature> ogc_area_collection::find(const request&, const query_params&,
                                                     const std::string& fid) const {
  const geo::area* a = m_engine.find_area(fid);
  if (!a || a->level != m_level) return std::nullopt;
  return feature(*a);
}

}  // namespace server
