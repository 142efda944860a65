#pragma once
#include <proj.h>

#include <string>

#include "geo/import/proj_context.hpp"

namespace geo {

/// A coordinate transformation from any CRS PROJ understands (WKT, "EPSG:n", PROJJSON) to
/// EPSG:4326. Axis order is normalised for visualisation on both sides: input x/y as GIS
/// software stores them (GDAL's traditional order), output longitude then latitude.
class proj_transform {
 public:
  proj_transform(const proj_context& ctx, const std::string& source_crs);
  ~proj_transform();
  proj_transform(const proj_transform&) = delete;
  proj_transform& operator=(const proj_transform&) = delete;

  /// Rewrites x/y in place into lon/lat; throws library_error when PROJ cannot.
  void to_lon_lat(double& x, double& y) const;

 private:
  const proj_context* m_ctx;
  PJ* m_raw;
};

}  // namespace geo
