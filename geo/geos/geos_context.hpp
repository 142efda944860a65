#pragma once
#include <geos_c.h>

#include <string>

namespace geo {

/// One reentrant GEOS context (GEOS_init_r); use one per thread. GEOS reports failures
/// through a message handler, which this context keeps so that `fail` can raise them as
/// geo::library_error with GEOS's own words.
class geos_context {
 public:
  geos_context();
  ~geos_context();
  geos_context(const geos_context&) = delete;
  geos_context& operator=(const geos_context&) = delete;

  GEOSContextHandle_t handle() const { return m_handle; }

  /// Throws library_error "GEOS <operation> failed: <last GEOS message>".
  [[noreturn]] void fail(const char* operation) const;

 private:
  GEOSContextHandle_t m_handle;
  std::string m_last_message;
};

}  // namespace geo
