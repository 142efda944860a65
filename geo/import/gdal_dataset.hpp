#pragma once
#include <gdal.h>
#include <ogr_api.h>

#include <optional>
#include <string>
#include <utility>

#include "geo/bbox.hpp"
#include "geo/import/gdal_feature.hpp"

namespace geo {

/// One layer of an open GDAL dataset; valid while its dataset lives.
class gdal_layer {
 public:
  /// `source` names the file in error messages.
  explicit gdal_layer(OGRLayerH raw, std::string source = {})
      : m_raw(raw), m_source(std::move(source)) {}

  std::string name() const;
  /// The file the layer was opened from, as given.
  const std::string& source() const { return m_source; }
  /// Feature count as the driver knows it (may scan the source once).
  long long feature_count() const;
  /// Feature count as the source records it (a GeoPackage's gpkg_ogr_contents, a Shapefile's
  /// .shx), without reading the features; nothing when the source does not record one.
  std::optional<long long> recorded_feature_count() const;
  /// The layer's CRS as WKT2, or nothing when the source carries none.
  std::optional<std::string> crs_wkt() const;
  /// True when the CRS is WGS84 longitude/latitude (EPSG:4326 or OGC:CRS84).
  bool is_wgs84() const;
  bbox extent() const;
  /// Index of an attribute, or -1 when the layer has no such field.
  int field_index(const std::string& name) const;
  /// Name of attribute `index`, or "" past the last one.
  std::string field_name(int index) const;
  /// The next feature, or nothing at the end. A read error (a corrupt GeoPackage page, a .shp
  /// shorter than its .shx says) throws input_error naming the source, the layer and the
  /// feature number: GDAL reports it only through CPLGetLastErrorType, and a failed read taken
  /// for the end of the layer would make a damaged file look like a shorter one.
  std::optional<gdal_feature> next();
  /// Features returned by next() so far.
  long long features_read() const { return m_read; }
  /// Throws input_error when the features read differ from the recorded count, once next()
  /// has reached the end: a source that lost features is refused, not taken as it is.
  void check_read_to_end() const;

 private:
  /// "'SOURCE' layer 'NAME'", for messages.
  std::string where() const;

  OGRLayerH m_raw;
  std::string m_source;
  long long m_read = 0;
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
  /// The layer called `name`, or with an empty name the only layer. Throws input_error listing
  /// the layers for an unknown name, and for a source of several layers and no name: reading
  /// the first of them would silently leave out the others.
  gdal_layer layer(const std::string& name) const;
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
