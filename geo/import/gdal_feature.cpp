#include "geo/import/gdal_feature.hpp"

#include <utility>

#include "geo/error.hpp"

namespace geo {

gdal_feature::~gdal_feature() {
  if (m_raw) OGR_F_Destroy(m_raw);
}

gdal_feature::gdal_feature(gdal_feature&& other) noexcept
    : m_raw(std::exchange(other.m_raw, nullptr)) {}

gdal_feature& gdal_feature::operator=(gdal_feature&& other) noexcept {
  if (this != &other) {
    if (m_raw) OGR_F_Destroy(m_raw);
    m_raw = std::exchange(other.m_raw, nullptr);
  }
  return *this;
}

long long gdal_feature::fid() const {
  return OGR_F_GetFID(m_raw);
}

std::string gdal_feature::field_text(int index) const {
  if (index < 0 || !OGR_F_IsFieldSetAndNotNull(m_raw, index)) return {};
  return OGR_F_GetFieldAsString(m_raw, index);
}

std::optional<std::vector<unsigned char>> gdal_feature::geometry_wkb() const {
  OGRGeometryH geometry = OGR_F_GetGeometryRef(m_raw);
  if (!geometry) return std::nullopt;
  std::vector<unsigned char> wkb(static_cast<std::size_t>(OGR_G_WkbSize(geometry)));
  if (OGR_G_ExportToIsoWkb(geometry, wkbNDR, wkb.data()) != OGRERR_NONE)
    throw input_error("feature " + std::to_string(fid()) +
                      ": its geometry cannot be written as WKB");
  return wkb;
}

}  // namespace geo
