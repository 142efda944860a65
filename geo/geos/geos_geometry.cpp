#include "geo/geos/geos_geometry.hpp"

#include <memory>
#include <utility>

#include "geo/error.hpp"

namespace geo {
namespace {

struct geos_string_free {
  GEOSContextHandle_t handle;
  void operator()(void* p) const { GEOSFree_r(handle, p); }
};
using geos_string = std::unique_ptr<char, geos_string_free>;

void collect_polygons(GEOSContextHandle_t h, const GEOSGeometry* g,
                      std::vector<GEOSGeometry*>& out) {
  const int type = GEOSGeomTypeId_r(h, g);
  if (type == GEOS_POLYGON) {
    if (!GEOSisEmpty_r(h, g)) out.push_back(GEOSGeom_clone_r(h, g));
    return;
  }
  if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
    const int n = GEOSGetNumGeometries_r(h, g);
    for (int i = 0; i < n; ++i)
      collect_polygons(h, GEOSGetGeometryN_r(h, g, i), out);
  }
}

}  // namespace

geos_geometry::geos_geometry(const geos_context& ctx, GEOSGeometry* raw, const char* operation)
    : m_ctx(&ctx), m_raw(raw) {
  if (!m_raw) ctx.fail(operation);
}

geos_geometry::~geos_geometry() {
  reset();
}

geos_geometry::geos_geometry(geos_geometry&& other) noexcept
    : m_ctx(other.m_ctx), m_raw(std::exchange(other.m_raw, nullptr)) {}

geos_geometry& geos_geometry::operator=(geos_geometry&& other) noexcept {
  if (this != &other) {
    reset();
    m_ctx = other.m_ctx;
    m_raw = std::exchange(other.m_raw, nullptr);
  }
  return *this;
}

void geos_geometry::reset() {
  if (m_raw) GEOSGeom_destroy_r(m_ctx->handle(), m_raw);
  m_raw = nullptr;
}

GEOSGeometry* geos_geometry::release() {
  return std::exchange(m_raw, nullptr);
}

geos_geometry geos_geometry::from_wkb(const geos_context& ctx, std::span<const unsigned char> wkb) {
  return {ctx, GEOSGeomFromWKB_buf_r(ctx.handle(), wkb.data(), wkb.size()), "WKB reading"};
}

int geos_geometry::type_id() const {
  return GEOSGeomTypeId_r(m_ctx->handle(), m_raw);
}

std::string geos_geometry::type_name() const {
  geos_string name(GEOSGeomType_r(m_ctx->handle(), m_raw), {m_ctx->handle()});
  if (!name) m_ctx->fail("geometry type");
  return name.get();
}

bool geos_geometry::is_empty() const {
  const char r = GEOSisEmpty_r(m_ctx->handle(), m_raw);
  if (r == 2) m_ctx->fail("isEmpty");
  return r == 1;
}

std::string geos_geometry::invalid_reason() const {
  const char valid = GEOSisValid_r(m_ctx->handle(), m_raw);
  if (valid == 1) return {};
  if (valid == 2) m_ctx->fail("isValid");
  geos_string reason(GEOSisValidReason_r(m_ctx->handle(), m_raw), {m_ctx->handle()});
  if (!reason) m_ctx->fail("isValidReason");
  return reason.get();
}

bbox geos_geometry::envelope() const {
  bbox box;
  if (is_empty()) return box;
  const GEOSContextHandle_t h = m_ctx->handle();
  if (!GEOSGeom_getXMin_r(h, m_raw, &box.min_x) || !GEOSGeom_getYMin_r(h, m_raw, &box.min_y) ||
      !GEOSGeom_getXMax_r(h, m_raw, &box.max_x) || !GEOSGeom_getYMax_r(h, m_raw, &box.max_y))
    m_ctx->fail("envelope");
  return box;
}

double geos_geometry::planar_area() const {
  double area = 0;
  if (!GEOSArea_r(m_ctx->handle(), m_raw, &area)) m_ctx->fail("area");
  return area;
}

std::vector<unsigned char> geos_geometry::to_wkb() const {
  const GEOSContextHandle_t h = m_ctx->handle();
  GEOSWKBWriter* writer = GEOSWKBWriter_create_r(h);
  if (!writer) m_ctx->fail("WKB writer");
  std::size_t size = 0;
  unsigned char* bytes = GEOSWKBWriter_write_r(h, writer, m_raw, &size);
  GEOSWKBWriter_destroy_r(h, writer);
  if (!bytes) m_ctx->fail("WKB writing");
  std::vector<unsigned char> out(bytes, bytes + size);
  GEOSFree_r(h, bytes);
  return out;
}

geos_geometry geos_geometry::clone() const {
  return {*m_ctx, GEOSGeom_clone_r(m_ctx->handle(), m_raw), "clone"};
}

geos_geometry geos_geometry::make_valid() const {
  return {*m_ctx, GEOSMakeValid_r(m_ctx->handle(), m_raw), "MakeValid"};
}

geos_geometry geos_geometry::polygonal_part() const {
  std::vector<GEOSGeometry*> polygons;
  collect_polygons(m_ctx->handle(), m_raw, polygons);
  return {*m_ctx,
          GEOSGeom_createCollection_r(m_ctx->handle(), GEOS_MULTIPOLYGON, polygons.data(),
                                      static_cast<unsigned>(polygons.size())),
          "MultiPolygon building"};
}

geos_geometry geos_geometry::difference(const geos_geometry& other) const {
  return {*m_ctx, GEOSDifference_r(m_ctx->handle(), m_raw, other.m_raw), "difference"};
}

geos_geometry geos_geometry::buffer(double distance) const {
  // 2 segments per quadrant: the tolerance band only needs to be about right at corners.
  return {*m_ctx, GEOSBuffer_r(m_ctx->handle(), m_raw, distance, 2), "buffer"};
}

geos_geometry geos_geometry::transformed(
    const std::function<void(double& x, double& y)>& fn) const {
  auto callback = [](double* x, double* y, void* userdata) -> int {
    (*static_cast<const std::function<void(double&, double&)>*>(userdata))(*x, *y);
    return 1;
  };
  return {*m_ctx,
          GEOSGeom_transformXY_r(m_ctx->handle(), m_raw, callback,
                                 const_cast<std::function<void(double&, double&)>*>(&fn)),
          "coordinate transformation"};
}

geos_geometry geos_union(const geos_context& ctx, std::vector<geos_geometry> parts) {
  std::vector<GEOSGeometry*> raw;
  raw.reserve(parts.size());
  for (auto& part : parts)
    raw.push_back(part.release());
  geos_geometry collection(
      ctx,
      GEOSGeom_createCollection_r(ctx.handle(), GEOS_GEOMETRYCOLLECTION, raw.data(),
                                  static_cast<unsigned>(raw.size())),
      "collection building");
  return {ctx, GEOSUnaryUnion_r(ctx.handle(), collection.get()), "union"};
}

geos_prepared::geos_prepared(const geos_geometry& geometry)
    : m_ctx(&geometry.context()),
      m_raw(GEOSPrepare_r(geometry.context().handle(), geometry.get())) {
  if (!m_raw) m_ctx->fail("prepare");
}

geos_prepared::~geos_prepared() {
  GEOSPreparedGeom_destroy_r(m_ctx->handle(), m_raw);
}

bool geos_prepared::covers(const geos_geometry& other) const {
  const char r = GEOSPreparedCovers_r(m_ctx->handle(), m_raw, other.get());
  if (r == 2) m_ctx->fail("covers");
  return r == 1;
}

}  // namespace geo
