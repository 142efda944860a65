// GeoJSON area import through our code (geo/area_import and what the importer runs after it):
// the input is written to GDAL's /vsimem/ and read as a kelurahan layer (HDX attributes, as
// datasets/jakarta.json names them) and as an RW layer (KODE_KEL, RW), each with its code
// rules, CRS check and reprojection, geometry checks and MakeValid repair; the kelurahan are
// dissolved into kecamatan (geo/area_dissolve), and children are checked against their
// parents (geo/area_parents). Only geo::input_error (the file or a layer cannot be read, an
// attribute is missing) and geo::library_error (PROJ refuses the file's CRS) may leave it;
// faulty features are rejected with a reason and every feature counted once.
#include <cpl_vsi.h>

#include <numeric>
#include <vector>

#include "geo/error.hpp"
#include "geo/geos/geos_context.hpp"
#include "geo/import/area_dissolve.hpp"
#include "geo/import/area_import.hpp"
#include "geo/import/area_parents.hpp"
#include "geo/import/gdal_dataset.hpp"
#include "geo/import/proj_context.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using fuzz_support::require;

const char* const path = "/vsimem/fuzz.geojson";

geo::code_rule field(const char* name, const char* strip_prefix = "", std::size_t pad = 0) {
  return geo::code_rule({geo::code_part{name, "", strip_prefix, pad}});
}

geo::area_layer_spec kelurahan_spec() {
  geo::area_layer_spec spec;
  spec.layer = "kelurahan";
  spec.path = path;
  spec.level = geo::admin_level::kelurahan;
  spec.code = field("village_code", "id");
  spec.name = field("village");
  spec.parent = field("district_code", "id");
  spec.derive = {{geo::admin_level::kecamatan, field("district"), field("regency_code", "id")}};
  return spec;
}

geo::area_layer_spec rw_spec() {
  geo::area_layer_spec spec;
  spec.layer = "rw";
  spec.path = path;
  spec.level = geo::admin_level::rw;
  spec.code =
      geo::code_rule({geo::code_part{"KODE_KEL", "", "", 0}, geo::code_part{"RW", "", "", 3}});
  spec.name = geo::code_rule({geo::code_part{"", "RW ", "", 0}, geo::code_part{"RW", "", "", 3}});
  spec.parent = field("KODE_KEL");
  return spec;
}

geo::parent_geometries by_code(const std::vector<geo::area_candidate>& areas) {
  geo::parent_geometries out;
  for (const geo::area_candidate& a : areas)
    if (a.geometry) out.emplace(a.record.code, &*a.geometry);
  return out;
}

void check_counted(const std::vector<geo::area_candidate>& candidates, const char* layer) {
  geo::layer_report report;
  geo::count_area_layer(candidates, report);
  const std::size_t counted =
      std::accumulate(report.outcomes.begin(), report.outcomes.end(), std::size_t{0});
  require(report.read == candidates.size() && counted == report.read,
          std::string(layer) + ": features and outcomes counted differ");
  for (const geo::area_candidate& c : candidates) {
    const bool rejected = c.verdict.result() == geo::outcome::rejected;
    require(rejected || (c.geometry && !c.record.code.empty() && !c.record.wkb.empty()),
            std::string(layer) + ": a kept area without code or geometry");
    if (!rejected)
      require(c.record.box.min_x >= -180 && c.record.box.max_x <= 180 &&
                  c.record.box.min_y >= -90 && c.record.box.max_y <= 90,
              std::string(layer) + ": a kept area outside lon/lat");
  }
  geo::kept_areas(candidates);
}

std::vector<geo::area_candidate> read_layer(const geo::area_layer_spec& spec,
                                            const geo::geos_context& geos,
                                            const geo::proj_context& proj) {
  geo::silent_progress progress;
  try {
    return geo::read_area_layer(spec, geos, proj, progress, {});
  } catch (const geo::input_error&) {
  } catch (const geo::library_error&) {
  }
  return {};
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  geo::gdal_initialize();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const geo::geos_context geos;
  static const geo::proj_context proj;
  static const geo::area_layer_spec kelurahan = kelurahan_spec();
  static const geo::area_layer_spec rw = rw_spec();

  // GDAL reads the buffer in place (it is not given ownership): it lives until the unlink.
  std::vector<GByte> bytes(data, data + size);
  VSIFCloseL(VSIFileFromMemBuffer(path, bytes.data(), bytes.size(), FALSE));

  geo::silent_progress progress;
  std::vector<geo::area_candidate> kelurahan_areas = read_layer(kelurahan, geos, proj);
  const std::vector<geo::area_candidate> kecamatan =
      geo::dissolve_areas(kelurahan_areas, kelurahan.derive[0], 0, "kecamatan", geos, progress, {});
  const geo::parent_geometries kecamatan_by_code = by_code(kecamatan);
  geo::reject_orphans(kelurahan_areas, geo::admin_level::kecamatan, kecamatan_by_code);
  geo::flag_outside_parents(kelurahan_areas, geo::admin_level::kecamatan, kecamatan_by_code,
                            progress, {});
  check_counted(kelurahan_areas, "kelurahan");
  check_counted(kecamatan, "kecamatan");

  std::vector<geo::area_candidate> rw_areas = read_layer(rw, geos, proj);
  const geo::parent_geometries kelurahan_by_code = by_code(kelurahan_areas);
  geo::reject_orphans(rw_areas, geo::admin_level::kelurahan, kelurahan_by_code);
  geo::flag_outside_parents(rw_areas, geo::admin_level::kelurahan, kelurahan_by_code, progress, {});
  check_counted(rw_areas, "rw");

  VSIUnlink(path);
  return 0;
}
