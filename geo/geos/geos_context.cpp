#include "geo/geos/geos_context.hpp"

#include "geo/error.hpp"

namespace geo {
namespace {

void store_message(const char* message, void* userdata) {
  *static_cast<std::string*>(userdata) = message ? message : "";
}

}  // namespace

geos_context::geos_context() : m_handle(GEOS_init_r()) {
  if (!m_handle) throw library_error("GEOS_init_r failed: out of memory");
  GEOSContext_setErrorMessageHandler_r(m_handle, store_message, &m_last_message);
  // Notices (e.g. "Self-intersection at ...") come back through isValidReason; drop them here.
  GEOSContext_setNoticeMessageHandler_r(m_handle, nullptr, nullptr);
}

geos_context::~geos_context() {
  GEOS_finish_r(m_handle);
}

void geos_context::fail(const char* operation) const {
  throw library_error(std::string("GEOS ") + operation +
                      " failed: " + (m_last_message.empty() ? "no message" : m_last_message));
}

}  // namespace geo
