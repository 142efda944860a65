#pragma once
#include <ogr_api.h>

#include <optional>
#include <string>
#include <vector>

namespace geo {

/// An owned OGR feature (OGR_F_Destroy on destruction).
class gdal_feature {
 public:
  explicit gdal_feature(OGRFeatureH raw) : m_raw(raw) {}
  ~gdal_feature();
  gdal_feature(gdal_feature&& other) noexcept;
  gdal_feature& operator=(gdal_feature&& other) noexcept;
  gdal_feature(const gdal_feature&) = delete;
  gdal_feature& operator=(const gdal_feature&) = delete;

  long long fid() const;
  /// The attribute as text; empty when unset or null.
  std::string field_text(int index) const;
  /// The geometry as ISO WKB, or nothing when the feature has no geometry; input_error when
  /// GDAL cannot write it.
  std::optional<std::vector<unsigned char>> geometry_wkb() const;

 private:
  OGRFeatureH m_raw;
};

}  // namespace geo
