#include "geo/import/area_import.hpp"

#include <algorithm>
#include <cstdio>
#include <future>
#include <memory>
#include <unordered_map>

#include "geo/engine/geodesic.hpp"
#include "geo/error.hpp"
#include "geo/geos/geos_polygons.hpp"
#include "geo/import/gdal_dataset.hpp"
#include "geo/import/proj_transform.hpp"

namespace geo {
namespace {

bool fits_lon_lat(const bbox& b) {
  return b.min_x >= -180 && b.max_x <= 180 && b.min_y >= -90 && b.max_y <= 90;
}

std::string format_number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", v);
  return text;
}

// Says which bound breaks lon/lat, with the offending value, for the reject message.
std::string lon_lat_fault(const bbox& b) {
  if (b.min_y < -90) return "latitude " + format_number(b.min_y) + " is below -90";
  if (b.max_y > 90) return "latitude " + format_number(b.max_y) + " is above 90";
  if (b.min_x < -180) return "longitude " + format_number(b.min_x) + " is below -180";
  return "longitude " + format_number(b.max_x) + " is above 180";
}

// The bounds of every coordinate. GEOS bounds a polygon by its shell alone, and the hole of an
// invalid polygon may lie outside its shell (MakeValid then makes it part of the area).
bbox bounds_of_every_ring(const multipolygon& shape) {
  bbox b;
  for (const polygon& p : shape)
    for (const ring& r : p.rings)
      for (std::size_t i = 0; i + 1 < r.size(); i += 2)
        b.expand(r[i], r[i + 1]);
  return b;
}

// Attributes of a feature as "name=value; ..." for the issues table.
std::string describe_attributes(const gdal_feature& f, const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!out.empty()) out += "; ";
    out += names[i] + "=" + f.field_text(static_cast<int>(i));
  }
  return out;
}

// The feature's geometry as WKB; a geometry GDAL cannot write is a damaged source.
std::optional<std::vector<unsigned char>> feature_geometry(const gdal_feature& feature,
                                                           const gdal_layer& layer,
                                                           std::size_t row) {
  try {
    return feature.geometry_wkb();
  } catch (const input_error& e) {
    throw input_error("'" + layer.source() + "' layer '" + layer.name() + "': feature " +
                      std::to_string(row) + ": " + e.what());
  }
}

struct layer_fields {
  std::vector<std::string> names;
  std::unordered_map<std::string, int> index;
};

layer_fields resolve_fields(const gdal_layer& layer, const area_layer_spec& spec) {
  layer_fields out;
  for (int i = 0;; ++i) {
    const std::string name = layer.field_name(i);
    if (name.empty()) break;
    out.names.push_back(name);
  }
  std::vector<const code_rule*> rules = {&spec.code, &spec.name, &spec.parent};
  for (const derived_level_spec& d : spec.derive) {
    rules.push_back(&d.name);
    rules.push_back(&d.parent);
  }
  for (const code_rule* rule : rules)
    for (const std::string& field : rule->fields()) {
      const int i = layer.field_index(field);
      if (i < 0) {
        std::string has;
        for (const std::string& n : out.names)
          has += (has.empty() ? "" : ", ") + n;
        throw input_error("layer '" + spec.layer + "' (" + spec.path + "): no attribute '" + field +
                          "' (it has: " + has + ")");
      }
      out.index[field] = i;
    }
  return out;
}

// The CRS to reproject a layer from: nothing for WGS84 lon/lat (and for a source without a CRS
// whose coordinates fit lon/lat), its WKT otherwise; a refusal for a source without a CRS
// whose coordinates cannot be lon/lat.
std::optional<std::string> source_crs(const gdal_layer& layer, const area_layer_spec& spec) {
  if (layer.is_wgs84()) return std::nullopt;
  if (std::optional<std::string> wkt = layer.crs_wkt()) return wkt;
  const bbox extent = layer.extent();
  if (extent.is_empty() || fits_lon_lat(extent)) return std::nullopt;
  throw input_error("layer '" + spec.layer + "' (" + spec.path +
                    ") has no CRS and its coordinates are not longitude/latitude (" +
                    lon_lat_fault(extent) +
                    "); give the file its CRS (e.g. a .prj) or reproject it to EPSG:4326");
}

void check_geometry(area_candidate& c, const geos_context& geos, const proj_transform* transform) {
  std::optional<std::vector<unsigned char>> wkb;
  wkb.swap(c.source_wkb);
  if (!wkb) return c.verdict.note(outcome::rejected, "no_geometry", "feature has no geometry");
  geos_geometry g = geos_geometry::from_wkb(geos, *wkb);
  if (g.is_empty()) return c.verdict.note(outcome::rejected, "empty_geometry", "geometry is empty");
  const int type = g.type_id();
  if (type != GEOS_POLYGON && type != GEOS_MULTIPOLYGON)
    return c.verdict.note(outcome::rejected, "not_areal",
                          "geometry is a " + g.type_name() + ", not a Polygon or MultiPolygon");
  if (transform)
    g = g.transformed([transform](double& x, double& y) { transform->to_lon_lat(x, y); });
  const bbox box = bounds_of_every_ring(to_multipolygon(g));
  if (!fits_lon_lat(box))
    return c.verdict.note(outcome::rejected, "not_lon_lat",
                          "coordinates cannot be lon/lat: " + lon_lat_fault(box));
  if (const std::string reason = g.invalid_reason(); !reason.empty()) {
    g = g.make_valid().polygonal_part();
    if (g.is_empty())
      return c.verdict.note(outcome::rejected, "invalid_unrepairable",
                            "invalid (" + reason + ") and nothing areal remains after MakeValid");
    c.verdict.note(outcome::repaired, "invalid_geometry", "repaired with MakeValid: " + reason);
  } else if (type == GEOS_POLYGON) {
    g = g.polygonal_part();
  }
  c.shape = to_multipolygon(g);
  c.record.wkb = g.to_wkb();
  c.record.box = g.envelope();
  c.record.area_m2 = geodesic_area_m2(c.shape);
  c.geometry = std::move(g);
}

// Checks the geometries of candidates [begin, end) with one thread's contexts.
void check_geometries(std::span<area_candidate> candidates, const std::optional<std::string>& crs,
                      const geos_context& geos, const proj_context& proj, const stop_token& stop) {
  const std::unique_ptr<proj_transform> transform =
      crs ? std::make_unique<proj_transform>(proj, *crs) : nullptr;
  std::size_t done = 0;
  for (area_candidate& c : candidates) {
    if (++done % 1024 == 0) stop.check("geometry checks at feature " + std::to_string(c.row));
    if (c.verdict.result() == outcome::rejected) continue;
    try {
      check_geometry(c, geos, transform.get());
    } catch (const library_error& e) {
      c.geometry.reset();
      c.verdict.note(outcome::rejected, "bad_geometry", e.what());
    }
  }
}

// Reads the features with their attributes and source geometry (GDAL's part of the work).
std::vector<area_candidate> read_features(const area_layer_spec& spec, gdal_layer& layer,
                                          progress& progress, const stop_token& stop) {
  const layer_fields fields = resolve_fields(layer, spec);
  std::vector<area_candidate> out;
  std::unordered_map<std::string, std::size_t> first_row_of_code;
  progress.start("reading " + spec.layer, static_cast<std::size_t>(layer.feature_count()),
                 progress::unit::items);
  std::size_t row = 0;
  while (std::optional<gdal_feature> feature = layer.next()) {
    ++row;
    if (row % 1024 == 0) {
      stop.check("layer " + spec.layer + " at feature " + std::to_string(row));
      progress.advance(row);
    }
    const auto value = [&](const std::string& field) {
      return feature->field_text(fields.index.at(field));
    };
    area_candidate c;
    c.row = row;
    c.raw = describe_attributes(*feature, fields.names);
    c.record.level = spec.level;
    c.record.layer = spec.layer;
    c.record.row = row;
    c.record.code = spec.code.apply_complete(value);
    c.record.name = spec.name.apply(value);
    c.record.parent_code = spec.parent.apply_complete(value);
    c.key = c.record.code;
    for (const derived_level_spec& d : spec.derive)
      c.derived_name_parent.emplace_back(d.name.apply(value), d.parent.apply_complete(value));
    if (c.record.code.empty()) {
      std::vector<std::string> empty;
      for (const std::string& field : spec.code.fields())
        if (value(field).empty()) empty.push_back(field);
      std::string names;
      for (const std::string& field : empty)
        names += (names.empty() ? "" : ", ") + field;
      c.verdict.note(outcome::rejected, "no_code",
                     empty.size() == 1 ? "no code: attribute " + names + " is empty"
                                       : "no code: attributes " + names + " are empty");
    } else if (auto [it, fresh] = first_row_of_code.emplace(c.record.code, row); !fresh) {
      c.verdict.note(outcome::rejected, "duplicate",
                     "duplicate of feature " + std::to_string(it->second));
    } else {
      c.source_wkb = feature_geometry(*feature, layer, row);
    }
    out.push_back(std::move(c));
  }
  layer.check_read_to_end();
  progress.advance(row);
  progress.finish();
  return out;
}

}  // namespace

std::vector<area_candidate> read_area_layer(const area_layer_spec& spec,
                                            std::span<thread_context* const> contexts,
                                            progress& progress, const stop_token& stop) {
  gdal_dataset dataset(spec.path);
  gdal_layer layer = dataset.layer(spec.source_layer);
  const std::optional<std::string> crs = source_crs(layer, spec);
  std::vector<area_candidate> out = read_features(spec, layer, progress, stop);
  // GEOS's part of the work, in equal parts on as many threads as contexts were given.
  const std::size_t parts = std::max<std::size_t>(1, contexts.size());
  const std::size_t part_size = (out.size() + parts - 1) / parts;
  std::vector<std::future<void>> helpers;
  for (std::size_t k = 1; k < parts && k * part_size < out.size(); ++k) {
    const std::span<area_candidate> part =
        std::span(out).subspan(k * part_size, std::min(part_size, out.size() - k * part_size));
    helpers.push_back(std::async(std::launch::async, [&, part, k] {
      check_geometries(part, crs, contexts[k]->geos, contexts[k]->proj, stop);
    }));
  }
  check_geometries(std::span(out).first(std::min(part_size, out.size())), crs, contexts[0]->geos,
                   contexts[0]->proj, stop);
  for (std::future<void>& h : helpers)
    h.get();
  return out;
}

std::vector<area_candidate> read_area_layer(const area_layer_spec& spec, const geos_context& geos,
                                            const proj_context& proj, progress& progress,
                                            const stop_token& stop) {
  gdal_dataset dataset(spec.path);
  gdal_layer layer = dataset.layer(spec.source_layer);
  const std::optional<std::string> crs = source_crs(layer, spec);
  std::vector<area_candidate> out = read_features(spec, layer, progress, stop);
  check_geometries(out, crs, geos, proj, stop);
  return out;
}

std::vector<area> kept_areas(const std::vector<area_candidate>& candidates) {
  std::vector<area> kept;
  for (const area_candidate& c : candidates)
    if (c.verdict.result() != outcome::rejected) kept.push_back(c.record);
  return kept;
}

void count_area_layer(const std::vector<area_candidate>& candidates, layer_report& report) {
  for (const area_candidate& c : candidates)
    report.add(c.row, c.key, c.verdict, c.raw);
}

}  // namespace geo
