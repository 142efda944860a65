#pragma once
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "geo/engine/coarse_position.hpp"
#include "geo/multipolygon.hpp"
#include "server/geojson_writer.hpp"

namespace server {

/// A property value as written: null, text, a whole number or a number.
using ogc_value = std::variant<std::monostate, std::string_view, std::int64_t, double>;

struct ogc_property {
  std::string_view name;
  ogc_value value;
};

/// One feature of an OGC API collection as the caller may see it: its id, its geometry (a
/// shape, a point, or none for null) and its properties in the order they are written. Text
/// points into the engine or the request, which outlive the feature.
struct ogc_feature {
  std::string_view id;
  const geo::multipolygon* shape = nullptr;
  std::optional<geo::lon_lat> point;
  std::vector<ogc_property> properties;

  /// True when the feature shows property `name` and its value reads as `text` (a number as
  /// it is written), so an equality filter matches only what the caller can see.
  bool shows(std::string_view name, std::string_view text) const;
};

/// Writes the feature as a GeoJSON Feature (RFC 7946 §3.2): "id" is the feature id, and the
/// geometry is a MultiPolygon, a Point or null.
void write_feature(geojson_writer& out, const ogc_feature& f);
/// The members of that Feature object, for a caller that adds more (links) before closing it.
void write_feature_members(geojson_writer& out, const ogc_feature& f);

}  // namespace server
