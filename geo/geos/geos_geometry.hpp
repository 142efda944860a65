#pragma once
#include <geos_c.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "geo/bbox.hpp"
#include "geo/geos/geos_context.hpp"

namespace geo {

/// An owned GEOS geometry bound to the context that made it. Every operation that can
/// fail inside GEOS throws library_error through the context.
class geos_geometry {
 public:
  /// Takes ownership of `raw`; a null `raw` means `operation` failed and throws.
  geos_geometry(const geos_context& ctx, GEOSGeometry* raw, const char* operation);
  ~geos_geometry();
  geos_geometry(geos_geometry&& other) noexcept;
  geos_geometry& operator=(geos_geometry&& other) noexcept;
  geos_geometry(const geos_geometry&) = delete;
  geos_geometry& operator=(const geos_geometry&) = delete;

  static geos_geometry from_wkb(const geos_context& ctx, std::span<const unsigned char> wkb);

  const GEOSGeometry* get() const { return m_raw; }
  const geos_context& context() const { return *m_ctx; }
  /// Gives up ownership, for GEOS calls that take it (collections).
  GEOSGeometry* release();

  int type_id() const;
  std::string type_name() const;
  bool is_empty() const;
  /// Empty when valid, else GEOS's reason ("Self-intersection[106.8 -6.2]").
  std::string invalid_reason() const;
  bbox envelope() const;
  double planar_area() const;
  std::vector<unsigned char> to_wkb() const;
  geos_geometry clone() const;

  geos_geometry make_valid() const;
  /// The polygons of this geometry (at any depth of collections) as one MultiPolygon;
  /// points and lines are dropped.
  geos_geometry polygonal_part() const;
  geos_geometry difference(const geos_geometry& other) const;
  /// The area within `distance` (in coordinate units) of this geometry.
  geos_geometry buffer(double distance) const;
  /// Coordinates rewritten in place by `fn(x, y)`, for reprojection.
  geos_geometry transformed(const std::function<void(double& x, double& y)>& fn) const;

 private:
  void reset();

  const geos_context* m_ctx;
  GEOSGeometry* m_raw;
};

/// Union of all `parts` (consumed), e.g. to dissolve kelurahan into their kecamatan.
geos_geometry geos_union(const geos_context& ctx, std::vector<geos_geometry> parts);

/// A prepared geometry for repeated predicates against one shape.
class geos_prepared {
 public:
  explicit geos_prepared(const geos_geometry& geometry);
  ~geos_prepared();
  geos_prepared(const geos_prepared&) = delete;
  geos_prepared& operator=(const geos_prepared&) = delete;

  bool covers(const geos_geometry& other) const;

 private:
  const geos_context* m_ctx;
  const GEOSPreparedGeometry* m_raw;
};

}  // namespace geo
