#pragma once
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "geo/admin_level.hpp"
#include "geo/area.hpp"
#include "geo/geos/geos_geometry.hpp"
#include "geo/import/code_rule.hpp"
#include "geo/import/thread_context.hpp"
#include "geo/import_report.hpp"
#include "geo/multipolygon.hpp"
#include "geo/progress.hpp"

namespace geo {

class proj_context;

/// How a higher level (kecamatan, kota) is named and nested when it is derived by dissolving
/// the kelurahan of this layer; its code is the kelurahan's parent code.
struct derived_level_spec {
  admin_level level = admin_level::kecamatan;
  code_rule name;
  code_rule parent;
};

/// One layer of areas to import: which file, which level, which attributes make what.
struct area_layer_spec {
  std::string layer;  // name in reports and in the store, e.g. "rw"
  std::string path;   // any GDAL vector source; .gz and .zip read through /vsigzip/, /vsizip/
  std::string source_layer;  // the layer of a multi-layer source to read; "" for a single one
  admin_level level = admin_level::kelurahan;
  code_rule code;
  code_rule name;
  code_rule parent;
  std::vector<derived_level_spec> derive;  // kecamatan first, then kota
};

/// An area read from a source, with the geometry kept for GEOS work during the import.
struct area_candidate {
  std::size_t row = 0;
  std::string key;
  std::string raw;
  row_verdict verdict;
  area record;
  std::optional<geos_geometry> geometry;  // absent when rejected
  /// The source geometry as WKB between reading and checking; nothing for a null geometry.
  std::optional<std::vector<unsigned char>> source_wkb;
  multipolygon shape;
  /// Values of the derived levels' rules on this feature, in the order of `derive`.
  std::vector<std::pair<std::string, std::string>> derived_name_parent;
};

/// Reads every feature of the layer: codes and names by the rules, geometry reprojected to
/// lon/lat, invalid polygons repaired, faulty features rejected with a reason. Parents are
/// checked later (reject_orphans, flag_outside_parents), so nothing is counted in a report yet.
/// A source that cannot be read to its end (a GDAL read error, fewer features than it records)
/// throws input_error naming the file, the layer and the feature: nothing of it is imported.
std::vector<area_candidate> read_area_layer(const area_layer_spec& spec, const geos_context& geos,
                                            const proj_context& proj, progress& progress,
                                            const stop_token& stop);

/// The same, with the geometry checks shared out: the features are read on this thread with
/// `contexts[0]`, then their geometries checked in equal parts, one thread per context.
std::vector<area_candidate> read_area_layer(const area_layer_spec& spec,
                                            std::span<thread_context* const> contexts,
                                            progress& progress, const stop_token& stop);

/// The areas that were not rejected.
std::vector<area> kept_areas(const std::vector<area_candidate>& candidates);
/// Counts every candidate in `report`, once its verdict is final.
void count_area_layer(const std::vector<area_candidate>& candidates, layer_report& report);

}  // namespace geo
