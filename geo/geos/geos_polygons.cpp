#include "geo/geos/geos_polygons.hpp"

#include <algorithm>

namespace geo {
namespace {

ring ring_coordinates(const geos_context& ctx, const GEOSGeometry* line) {
  const GEOSContextHandle_t h = ctx.handle();
  const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, line);
  if (!seq) ctx.fail("ring coordinates");
  unsigned size = 0;
  if (!GEOSCoordSeq_getSize_r(h, seq, &size)) ctx.fail("ring size");
  ring out(2 * static_cast<std::size_t>(size));
  if (size > 0 && !GEOSCoordSeq_copyToBuffer_r(h, seq, out.data(), 0, 0)) ctx.fail("ring copy");
  return out;
}

polygon polygon_rings(const geos_context& ctx, const GEOSGeometry* poly) {
  const GEOSContextHandle_t h = ctx.handle();
  polygon out;
  if (GEOSisEmpty_r(h, poly)) return out;
  out.rings.push_back(ring_coordinates(ctx, GEOSGetExteriorRing_r(h, poly)));
  const int holes = GEOSGetNumInteriorRings_r(h, poly);
  for (int i = 0; i < holes; ++i)
    out.rings.push_back(ring_coordinates(ctx, GEOSGetInteriorRingN_r(h, poly, i)));
  return out;
}

}  // namespace

multipolygon to_multipolygon(const geos_geometry& geometry) {
  const geos_context& ctx = geometry.context();
  multipolygon out;
  const int type = geometry.type_id();
  if (type == GEOS_POLYGON) {
    out.push_back(polygon_rings(ctx, geometry.get()));
  } else if (type == GEOS_MULTIPOLYGON) {
    const int n = GEOSGetNumGeometries_r(ctx.handle(), geometry.get());
    for (int i = 0; i < n; ++i)
      out.push_back(polygon_rings(ctx, GEOSGetGeometryN_r(ctx.handle(), geometry.get(), i)));
  }
  std::erase_if(out, [](const polygon& p) { return p.rings.empty(); });
  return out;
}

}  // namespace geo
