#include "geo/import/gdal_dataset.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <ogr_srs_api.h>

#include <cstring>
#include <filesystem>
#include <mutex>

#include "geo/error.hpp"

namespace geo {
namespace {

bool ends_with(const std::string& s, const char* suffix) {
  const std::size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

void register_drivers() {
  static std::once_flag once;
  std::call_once(once, [] {
    GDALAllRegister();
    // Errors come back to us as return values; keep GDAL from printing them too.
    CPLSetErrorHandler(CPLQuietErrorHandler);
  });
}

}  // namespace

void gdal_initialize() {
  register_drivers();
}

std::string gdal_virtual_path(const std::string& path) {
  if (path.starts_with("/vsi")) return path;
  if (ends_with(path, ".zip")) return "/vsizip/" + path;
  if (ends_with(path, ".gz")) return "/vsigzip/" + path;
  return path;
}

gdal_dataset::gdal_dataset(const std::string& path) : m_path(path), m_raw(nullptr) {
  register_drivers();
  if (!path.starts_with("/vsi") && !std::filesystem::exists(path))
    throw input_error("cannot open '" + path + "' as a vector source: No such file or directory");
  CPLErrorReset();
  m_raw = GDALOpenEx(gdal_virtual_path(path).c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr,
                     nullptr, nullptr);
  if (!m_raw) {
    const char* why = CPLGetLastErrorMsg();
    throw input_error("cannot open '" + path + "' as a vector source: " +
                      (why && *why ? why : "no GDAL driver recognises it"));
  }
}

gdal_dataset::~gdal_dataset() {
  GDALClose(m_raw);
}

int gdal_dataset::layer_count() const {
  return GDALDatasetGetLayerCount(m_raw);
}

gdal_layer gdal_dataset::layer(int index) const {
  OGRLayerH raw = GDALDatasetGetLayer(m_raw, index);
  if (!raw) throw input_error("'" + m_path + "' has no layer " + std::to_string(index));
  return gdal_layer(raw, m_path);
}

gdal_layer gdal_dataset::layer(const std::string& name) const {
  const int count = layer_count();
  if (count < 1) throw input_error("'" + m_path + "' has no layer");
  std::string names;
  for (int i = 0; i < count; ++i) {
    const std::string candidate = layer(i).name();
    if (!name.empty() && candidate == name) return layer(i);
    names += (names.empty() ? "'" : ", '") + candidate + "'";
  }
  if (name.empty() && count == 1) return layer(0);
  if (name.empty())
    throw input_error("'" + m_path + "' holds " + std::to_string(count) + " layers (" + names +
                      "); name the one to read with --source-layer (\"source_layer\" in a dataset "
                      "description)");
  throw input_error("'" + m_path + "' has no layer '" + name + "' (it has: " + names + ")");
}

std::string gdal_layer::where() const {
  return "'" + m_source + "' layer '" + name() + "'";
}

std::string gdal_layer::name() const {
  return OGR_L_GetName(m_raw);
}

long long gdal_layer::feature_count() const {
  return OGR_L_GetFeatureCount(m_raw, 1);
}

std::optional<long long> gdal_layer::recorded_feature_count() const {
  const long long n = OGR_L_GetFeatureCount(m_raw, 0);
  if (n < 0) return std::nullopt;
  return n;
}

std::optional<std::string> gdal_layer::crs_wkt() const {
  OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(m_raw);
  if (!srs) return std::nullopt;
  char* wkt = nullptr;
  const char* options[] = {"FORMAT=WKT2_2019", nullptr};
  if (OSRExportToWktEx(srs, &wkt, options) != OGRERR_NONE || !wkt) {
    CPLFree(wkt);
    throw input_error("layer '" + name() + "': its CRS cannot be written as WKT");
  }
  std::string out(wkt);
  CPLFree(wkt);
  return out;
}

bool gdal_layer::is_wgs84() const {
  OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(m_raw);
  if (!srs || !OSRIsGeographic(srs)) return false;
  const char* authority = OSRGetAuthorityName(srs, nullptr);
  const char* code = OSRGetAuthorityCode(srs, nullptr);
  if (!authority || !code) return false;
  return (std::strcmp(authority, "EPSG") == 0 && std::strcmp(code, "4326") == 0) ||
         (std::strcmp(authority, "OGC") == 0 && std::strcmp(code, "CRS84") == 0);
}

bbox gdal_layer::extent() const {
  OGREnvelope e;
  if (OGR_L_GetExtent(m_raw, &e, 1) != OGRERR_NONE) return {};
  return {e.MinX, e.MinY, e.MaxX, e.MaxY};
}

int gdal_layer::field_index(const std::string& field) const {
  return OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(m_raw), field.c_str());
}

std::string gdal_layer::field_name(int index) const {
  OGRFeatureDefnH definition = OGR_L_GetLayerDefn(m_raw);
  if (index < 0 || index >= OGR_FD_GetFieldCount(definition)) return {};
  return OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(definition, index));
}

std::optional<gdal_feature> gdal_layer::next() {
  CPLErrorReset();
  OGRFeatureH raw = OGR_L_GetNextFeature(m_raw);
  if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal) {
    if (raw) OGR_F_Destroy(raw);
    throw input_error(where() + ": cannot read feature " + std::to_string(m_read + 1) + ": " +
                      CPLGetLastErrorMsg());
  }
  if (!raw) return std::nullopt;
  ++m_read;
  return gdal_feature(raw);
}

void gdal_layer::check_read_to_end() const {
  const std::optional<long long> recorded = recorded_feature_count();
  if (recorded && *recorded != m_read)
    throw input_error(where() + ": records " + std::to_string(*recorded) + " features, but " +
                      std::to_string(m_read) +
                      " were read: the source is damaged or changed while being read");
}

}  // namespace geo
