#include "geo/import/proj_transform.hpp"

#include <cmath>

#include "geo/error.hpp"

namespace geo {
namespace {

std::string proj_message(PJ_CONTEXT* ctx) {
  const int code = proj_context_errno(ctx);
  const char* text = proj_context_errno_string(ctx, code);
  return text ? text : "unknown PROJ error";
}

}  // namespace

proj_transform::proj_transform(const proj_context& ctx, const std::string& source_crs)
    : m_ctx(&ctx), m_raw(nullptr) {
  PJ* raw = proj_create_crs_to_crs(ctx.get(), source_crs.c_str(), "EPSG:4326", nullptr);
  if (!raw)
    throw library_error("cannot transform from this CRS to EPSG:4326: " + proj_message(ctx.get()));
  m_raw = proj_normalize_for_visualization(ctx.get(), raw);
  proj_destroy(raw);
  if (!m_raw) throw library_error("cannot normalise axis order: " + proj_message(ctx.get()));
}

proj_transform::~proj_transform() {
  proj_destroy(m_raw);
}

void proj_transform::to_lon_lat(double& x, double& y) const {
  const PJ_COORD out = proj_trans(m_raw, PJ_FWD, proj_coord(x, y, 0, 0));
  if (std::isinf(out.xy.x) || std::isinf(out.xy.y))
    throw library_error("PROJ cannot transform (" + std::to_string(x) + ", " + std::to_string(y) +
                        ") to lon/lat: " + proj_message(m_ctx->get()));
  x = out.xy.x;
  y = out.xy.y;
}

}  // namespace geo
