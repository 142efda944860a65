#include "geo/store/pg_copy.hpp"

#include <charconv>

namespace geo {

void pg_copy::next_column() {
  if (!m_first) m_data += '\t';
  m_first = false;
}

pg_copy& pg_copy::text(std::string_view value) {
  next_column();
  for (const char c : value) {
    switch (c) {
      case '\\':
        m_data += "\\\\";
        break;
      case '\t':
        m_data += "\\t";
        break;
      case '\n':
        m_data += "\\n";
        break;
      case '\r':
        m_data += "\\r";
        break;
      default:
        m_data += c;
    }
  }
  return *this;
}

pg_copy& pg_copy::text_or_null(std::string_view value) {
  return value.empty() ? null() : text(value);
}

pg_copy& pg_copy::null() {
  next_column();
  m_data += "\\N";
  return *this;
}

pg_copy& pg_copy::integer(std::int64_t value) {
  next_column();
  m_data += std::to_string(value);
  return *this;
}

pg_copy& pg_copy::integer(const std::optional<std::int64_t>& value) {
  return value ? integer(*value) : null();
}

pg_copy& pg_copy::real(double value) {
  next_column();
  char buffer[32];
  m_data.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, value).ptr);
  return *this;
}

pg_copy& pg_copy::real(const std::optional<double>& value) {
  return value ? real(*value) : null();
}

pg_copy& pg_copy::bytes(std::span<const unsigned char> value) {
  static constexpr char digits[] = "0123456789abcdef";
  next_column();
  // bytea's hex form is \x...; in COPY text its backslash is escaped.
  m_data += "\\\\x";
  for (const unsigned char b : value) {
    m_data += digits[b >> 4];
    m_data += digits[b & 15];
  }
  return *this;
}

void pg_copy::end_row() {
  m_data += '\n';
  ++m_rows;
  m_first = true;
}

}  // namespace geo
