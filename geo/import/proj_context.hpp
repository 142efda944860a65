#pragma once
#include <proj.h>

namespace geo {

/// One PROJ context (proj_context_create); use one per thread, like GEOS contexts.
class proj_context {
 public:
  proj_context();
  ~proj_context();
  proj_context(const proj_context&) = delete;
  proj_context& operator=(const proj_context&) = delete;

  PJ_CONTEXT* get() const { return m_raw; }

 private:
  PJ_CONTEXT* m_raw;
};

}  // namespace geo
