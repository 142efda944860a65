#pragma once
#include <gdal.h>
#include <ogr_api.h>

#include <optional>
#include <string>

#include "geo/bbox.hpp"
#include "geo/gdal_feature.hpp"

namespace geo {

/// One layer of an open GDAL dataset; valid while its dataset lives.
class gdal_layer {
 public:
  explicit gdal_layer(OGRLayerH raw) : m_raw(raw) {}

  std::string name() const;
  /// Feature count as the driver knows it (may scan the source once).
  long long feature_count() const;
  /// The layer's CRS as WKT2, or nothing when the source carries none.
  std::optional<std::string> crs_wkt() const;
  /// True when the CRS is WGS84 longitude/latitude (EPSG:4326 or OGC:CRS84).
  bool is_wgs84() const;
  bbox extent() const;
  /// Index of an attribute, or -1 when the layer has no such field.
  int field_index(const std::string& name) const;
  /// Name of attribute `index`, or "" past the last one.
  std::string field_name(int index) const;
  /// The next feature, or nothing at the end.
  std::optional<gdal_feature> next();

 private:
  OGRLayerH m_raw;
};

/// A read-only vector dataset opened with GDALOpenEx; closed on destruction.
class gdal_dataset {
 public:
  /// Paths ending in .gz or .zip are read through GDAL's /vsigzip/ or /vsizip/.
  explicit gdal_dataset(const std::string& path);
  ~gdal_dataset();
  gdal_dataset(const gdal_dataset&) = delete;
  gdal_dataset& operator=(const gdal_dataset&) = delete;

  int layer_count() const;
  gdal_layer layer(int index) const;
  const std::string& path() const { return m_path; }

 private:
  std::string m_path;
  GDALDatasetH m_raw;
};

/// Registers GDAL's drivers (once per process). Opening a dataset does it too; calling it on
/// the main thread before starting threads that open datasets keeps GDAL's start-up locks out
/// of their way.
void gdal_initialize();

/// GDAL's own path for a file: compressed files get their virtual file system prefix.
std::string gdal_virtual_path(const std::string& path);

}  // namespace geo
