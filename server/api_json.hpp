#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "geo/area.hpp"
#include "geo/coverage.hpp"
#include "geo/engine.hpp"
#include "geo/pledge.hpp"
#include "geo/realization.hpp"
#include "server/geojson_writer.hpp"
#include "server/target_view.hpp"

namespace server {

using json = nlohmann::ordered_json;

/// Serialises without throwing on invalid UTF-8 (replaced), compact.
std::string dump(const json& doc);

json bbox_json(const geo::bbox& box);
/// code, name, level.
json area_ref_json(const geo::area& a);
/// The chain above an area, largest first (kota ... parent), as area_ref_json.
json parents_json(const geo::engine& engine, const geo::area& a);
/// targets, pledged, delivered, ratios, unserved, unmet_priority.
json coverage_json(const geo::coverage& c);
/// Coverage for all programs and per program.
json program_coverage_json(const geo::engine& engine, const std::string& code);
/// A target as the caller may see it (see target_view), with its distance when given. Written
/// straight into the response (the hot path of nearest and list queries).
void write_target(geojson_writer& out, const target_view& view,
                  std::optional<double> distance_m = std::nullopt);
json pledge_json(const geo::pledge& p);
json realization_json(const geo::realization& r);

}  // namespace server
