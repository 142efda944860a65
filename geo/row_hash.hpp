#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "geo/fnv1a.hpp"

namespace geo {

/// FNV-1a (geo/fnv1a.hpp) over a record's fields, so a re-import can tell a changed row from an
/// unchanged one without reading it back. Fields are separated so that "ab","c" and "a","bc"
/// differ.
class row_hash {
 public:
  row_hash& add(std::string_view text);
  row_hash& add(std::span<const unsigned char> bytes);
  row_hash& add(std::int64_t value);
  row_hash& add(double value);
  template <typename T>
  row_hash& add(const std::optional<T>& value) {
    return value ? add(*value) : add(std::string_view("\x01null"));
  }
  std::int64_t value() const { return static_cast<std::int64_t>(m_state); }

 private:
  void mix(std::span<const unsigned char> bytes);  // then a separator
  std::uint64_t m_state = fnv1a_offset_basis;
};

}  // namespace geo
