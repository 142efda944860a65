#include "geo/row_hash.hpp"

#include <cstring>

namespace geo {

void row_hash::mix(const unsigned char* data, std::size_t size) {
  for (std::size_t i = 0; i < size; ++i) {
    m_state ^= data[i];
    m_state *= 1099511628211ULL;
  }
  const unsigned char separator = 0x1f;
  m_state ^= separator;
  m_state *= 1099511628211ULL;
}

row_hash& row_hash::add(std::string_view text) {
  mix(reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return *this;
}

row_hash& row_hash::add(std::span<const unsigned char> bytes) {
  mix(bytes.data(), bytes.size());
  return *this;
}

row_hash& row_hash::add(std::int64_t value) {
  unsigned char bytes[sizeof value];
  std::memcpy(bytes, &value, sizeof value);
  mix(bytes, sizeof bytes);
  return *this;
}

row_hash& row_hash::add(double value) {
  unsigned char bytes[sizeof value];
  std::memcpy(bytes, &value, sizeof value);
  mix(bytes, sizeof bytes);
  return *this;
}

}  // namespace geo
