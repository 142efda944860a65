#include "geo/multipolygon.hpp"

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

namespace {

// Squared distance from (x, y) to the segment (ax, ay)-(bx, by).
double segment_distance2(double x, double y, double ax, double ay, double bx, double by) {
  const double dx = bx - ax, dy = by - ay;
  const double length2 = dx * dx + dy * dy;
  double t = length2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / length2 : 0;
  t = std::clamp(t, 0.0, 1.0);
  const double px = ax + t * dx - x, py = ay + t * dy - y;
  return px * px + py * py;
}

}  // namespace

bool covers_point(const multipolygon& shape, double x, double y, double tolerance) {
  const double tolerance2 = tolerance * tolerance;
  bool inside = false;
  for (const polygon& p : shape) {
    for (const ring& r : p.rings) {
      const std::size_t n = r.size() / 2;
      for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
        const double xi = r[2 * i], yi = r[2 * i + 1];
        const double xj = r[2 * j], yj = r[2 * j + 1];
        if (tolerance > 0) {
          if (segment_distance2(x, y, xi, yi, xj, yj) <= tolerance2) return true;
        } else if ((xj - xi) * (y - yi) == (x - xi) * (yj - yi) && x >= std::min(xi, xj) &&
                   x <= std::max(xi, xj) && y >= std::min(yi, yj) && y <= std::max(yi, yj)) {
          return true;
        }
        if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
      }
    }
  }
  return inside;
}

}  // namespace geo
