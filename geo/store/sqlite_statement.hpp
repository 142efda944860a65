#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace geo {

class sqlite_db;

/// A prepared statement; parameters are 1-based as in SQLite, columns 0-based.
class sqlite_statement {
 public:
  sqlite_statement(const sqlite_db& db, const std::string& sql);
  ~sqlite_statement();
  sqlite_statement(sqlite_statement&& other) noexcept;
  sqlite_statement& operator=(sqlite_statement&&) = delete;
  sqlite_statement(const sqlite_statement&) = delete;
  sqlite_statement& operator=(const sqlite_statement&) = delete;

  sqlite_statement& bind(int index, std::int64_t value);
  sqlite_statement& bind(int index, int value) { return bind(index, std::int64_t{value}); }
  sqlite_statement& bind(int index, double value);
  sqlite_statement& bind(int index, std::string_view text);
  sqlite_statement& bind(int index, std::span<const unsigned char> blob);
  sqlite_statement& bind_null(int index);
  /// Binds without copying: `text` or `blob` must stay alive until the statement is reset.
  /// For bulk writes, where copying every field doubles the cost.
  sqlite_statement& bind_view(int index, std::string_view text);
  sqlite_statement& bind_view(int index, std::span<const unsigned char> blob);
  template <typename T>
  sqlite_statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  /// Steps once: true when a row is available, false when done.
  bool step();
  /// Steps to completion of a statement that returns no rows, then resets it.
  void run();
  void reset();

  int column_count() const { return sqlite3_column_count(m_stmt); }
  bool is_null(int column) const;
  std::int64_t column_int(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;
  std::span<const unsigned char> column_blob(int column) const;

 private:
  const sqlite_db* m_db;
  sqlite3_stmt* m_stmt;
};

}  // namespace geo
