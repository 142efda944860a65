#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "geo/area.hpp"
#include "geo/engine/coverage.hpp"
#include "geo/engine/engine.hpp"
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
json program_coverage_json(const geo::program_coverage& c);
/// How figures were counted, for answers that carry them: "exact", "by_cell" (the public
/// figures, counted by each target's cell) or "withheld" (privacy_rule::figures_of).
const char* figures_name(std::optional<geo::engine::precision> basis);
/// A target as the caller may see it (see target_view), with its distance when given. Written
/// straight into the response (the hot path of nearest and list queries).
void write_target(geojson_writer& out, const target_view& view,
                  std::optional<double> distance_m = std::nullopt);
json pledge_json(const geo::pledge& p);
/// A realization; who delivered it and the PIC's note only `with_text`
/// (privacy_rule::sees_delivery_text).
json realization_json(const geo::realization& r, bool with_text);

}  // namespace server
