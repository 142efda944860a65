#include "geo/row_hash.hpp"

#include <cstring>

namespace geo {

void row_hash::mix(std::span<const unsigned char> bytes) {
  static constexpr unsigned char separator[] = {0x1f};
  m_state = fnv1a(separator, fnv1a(bytes, m_state));
}

row_hash& row_hash::add(std::string_view text) {
  mix({reinterpret_cast<const unsigned char*>(text.data()), text.size()});
  return *this;
}

row_hash& row_hash::add(std::span<const unsigned char> bytes) {
  mix(bytes);
  return *this;
}

row_hash& row_hash::add(std::int64_t value) {
  unsigned char bytes[sizeof value];
  std::memcpy(bytes, &value, sizeof value);
  mix(bytes);
  return *this;
}

row_hash& row_hash::add(double value) {
  unsigned char bytes[sizeof value];
  std::memcpy(bytes, &value, sizeof value);
  mix(bytes);
  return *this;
}

}  // namespace geo
