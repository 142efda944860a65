#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace geo {

/// Rows for COPY ... FROM STDIN in its text format (PostgreSQL, "COPY", File Formats: text):
/// columns separated by tabs, rows by newlines, NULL as \N, and backslash, tab, newline and
/// carriage return escaped with a backslash. Bulk writes send one buffer instead of a
/// statement per row.
class pg_copy {
 public:
  pg_copy& text(std::string_view value);
  /// NULL for an empty text.
  pg_copy& text_or_null(std::string_view value);
  pg_copy& null();
  pg_copy& integer(std::int64_t value);
  pg_copy& integer(const std::optional<std::int64_t>& value);
  /// The shortest text that reads back as the same double.
  pg_copy& real(double value);
  pg_copy& real(const std::optional<double>& value);
  /// A bytea column, in hex (\x...).
  pg_copy& bytes(std::span<const unsigned char> value);
  void end_row();

  const std::string& data() const { return m_data; }
  std::size_t rows() const { return m_rows; }
  void clear() {
    m_data.clear();
    m_rows = 0;
    m_first = true;
  }

 private:
  void next_column();

  std::string m_data;
  std::size_t m_rows = 0;
  bool m_first = true;
};

}  // namespace geo
