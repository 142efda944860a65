#include "geo/import/area_dissolve.hpp"

#include <map>

#include "geo/engine/geodesic.hpp"
#include "geo/geos/geos_polygons.hpp"

namespace geo {

std::vector<area_candidate> dissolve_areas(const std::vector<area_candidate>& members,
                                           const derived_level_spec& spec, std::size_t derive_index,
                                           const std::string& layer, const geos_context& geos,
                                           progress& progress, const stop_token& stop) {
  std::map<std::string, std::vector<const area_candidate*>> groups;
  for (const area_candidate& m : members)
    if (m.geometry && !m.record.parent_code.empty()) groups[m.record.parent_code].push_back(&m);

  std::vector<area_candidate> out;
  progress.start("dissolving " + layer, groups.size(), progress::unit::items);
  for (const auto& [code, group] : groups) {
    stop.check("dissolving " + layer + " " + code);
    const area_candidate& first = *group.front();
    area_candidate d;
    d.row = out.size() + 1;
    d.key = code;
    d.raw = "dissolved from " + std::to_string(group.size()) + " " +
            std::string(to_string(first.record.level));
    d.record.level = spec.level;
    d.record.code = code;
    d.record.layer = layer;
    d.record.row = d.row;
    std::tie(d.record.name, d.record.parent_code) = first.derived_name_parent.at(derive_index);
    d.derived_name_parent = first.derived_name_parent;
    std::vector<geos_geometry> parts;
    for (const area_candidate* m : group) {
      if (m->derived_name_parent.at(derive_index) != first.derived_name_parent.at(derive_index))
        d.verdict.note(outcome::flagged, "inconsistent_attributes",
                       std::string(to_string(m->record.level)) + " " + m->record.code +
                           " gives name/parent '" + m->derived_name_parent[derive_index].first +
                           "'/'" + m->derived_name_parent[derive_index].second + "', " +
                           first.record.code + " gives '" + d.record.name + "'/'" +
                           d.record.parent_code + "'");
      parts.push_back(m->geometry->clone());
    }
    geos_geometry merged = geos_union(geos, std::move(parts)).polygonal_part();
    d.shape = to_multipolygon(merged);
    d.record.wkb = merged.to_wkb();
    d.record.box = merged.envelope();
    d.record.area_m2 = geodesic_area_m2(d.shape);
    d.geometry = std::move(merged);
    out.push_back(std::move(d));
    progress.advance(out.size());
  }
  progress.finish();
  return out;
}

}  // namespace geo
