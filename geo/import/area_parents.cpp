#include "geo/import/area_parents.hpp"

#include <cstdio>
#include <memory>

namespace geo {
namespace {

std::string percent(double share) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g%%", share * 100);
  return text;
}

}  // namespace

void reject_orphans(std::vector<area_candidate>& children, admin_level parent_level,
                    const parent_geometries& parents) {
  for (area_candidate& child : children) {
    if (!child.geometry) continue;
    const std::string& code = child.record.parent_code;
    if (!code.empty() && parents.contains(code)) continue;
    child.verdict.note(
        outcome::rejected, "unknown_parent",
        "parent " + std::string(to_string(parent_level)) + " '" + code + "' does not exist");
    child.geometry.reset();
  }
}

void flag_outside_parents(std::vector<area_candidate>& children, admin_level parent_level,
                          const parent_geometries& parents, progress& progress,
                          const stop_token& stop) {
  struct prepared_parent {
    geos_prepared exact;
    geos_geometry band;  // the parent grown by the tolerance
    geos_prepared within_tolerance;
    explicit prepared_parent(const geos_geometry& g)
        : exact(g), band(g.buffer(outside_tolerance_degrees)), within_tolerance(band) {}
  };
  std::unordered_map<std::string, std::unique_ptr<prepared_parent>> prepared;
  progress.start(
      "parents of " + std::string(to_string(children.empty() ? admin_level::rt
                                                             : children.front().record.level)),
      children.size(), progress::unit::items);
  std::size_t done = 0;
  for (area_candidate& child : children) {
    if (++done % 1024 == 0) {
      stop.check("parent checks at feature " + std::to_string(child.row));
      progress.advance(done);
    }
    if (!child.geometry) continue;
    const std::string& code = child.record.parent_code;
    const auto parent = parents.find(code);
    if (parent == parents.end()) continue;
    auto& parent_prepared = prepared[code];
    if (!parent_prepared) parent_prepared = std::make_unique<prepared_parent>(*parent->second);
    if (parent_prepared->exact.covers(*child.geometry) ||
        parent_prepared->within_tolerance.covers(*child.geometry))
      continue;
    const double outside =
        child.geometry->difference(*parent->second).planar_area() / child.geometry->planar_area();
    child.verdict.note(outcome::flagged, "outside_parent",
                       percent(outside) + " of its area lies outside its parent " +
                           std::string(to_string(parent_level)) + " " + code);
  }
  progress.advance(done);
  progress.finish();
}

}  // namespace geo
