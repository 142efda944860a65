#include "geo/import/proj_context.hpp"

#include "geo/error.hpp"

namespace geo {

proj_context::proj_context() : m_raw(proj_context_create()) {
  if (!m_raw) throw library_error("proj_context_create failed");
  // PROJ would print its errors on stderr; we report them through exceptions instead.
  proj_log_level(m_raw, PJ_LOG_NONE);
}

proj_context::~proj_context() {
  proj_context_destroy(m_raw);
}

}  // namespace geo
