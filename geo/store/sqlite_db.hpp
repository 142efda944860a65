#pragma once
#include <sqlite3.h>

#include <string>

namespace geo {

class sqlite_statement;

/// An SQLite connection with SpatiaLite initialised on it (its own cache per connection,
/// as SpatiaLite 5 wants for thread safety). Closed before the cache is freed.
class sqlite_db {
 public:
  /// Opens or creates `path`; throws store_error naming the path on failure.
  explicit sqlite_db(const std::string& path);
  ~sqlite_db();
  sqlite_db(const sqlite_db&) = delete;
  sqlite_db& operator=(const sqlite_db&) = delete;

  /// Runs one or more statements without results.
  void exec(const std::string& sql);
  sqlite_statement prepare(const std::string& sql);
  sqlite3* get() const { return m_db; }
  const std::string& path() const { return m_path; }
  long long changes() const { return sqlite3_changes64(m_db); }

  /// Throws store_error "<what> in '<path>': <sqlite message>".
  [[noreturn]] void fail(const std::string& what) const;

 private:
  std::string m_path;
  sqlite3* m_db = nullptr;
  void* m_spatialite_cache = nullptr;
};

}  // namespace geo
