#pragma once
#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

namespace cli {

/// Removes a database that a command created and then failed to fill: the file, its journals
/// (-journal, -wal, -shm) and the folders made for it. A failed or interrupted import into a
/// new path then leaves nothing behind; an existing database is never touched (its own
/// transaction rolls the failed import back), nor is a PostgreSQL database (`--db
/// postgresql://...`).
class new_database_guard {
 public:
  /// Notes whether `path` exists now and makes its missing parent folders; does nothing for a
  /// PostgreSQL URL.
  explicit new_database_guard(const std::string& path);
  /// Removes what was created unless keep() was called.
  ~new_database_guard();
  new_database_guard(const new_database_guard&) = delete;
  new_database_guard& operator=(const new_database_guard&) = delete;

  /// The import landed: the database stays.
  void keep() { m_keep.store(true); }

  /// For a signal handler ending the process: unlinks the files of the guard alive at the
  /// moment (unlink(2) only, on paths prepared beforehand, as a handler may do).
  static void unlink_current() noexcept;

 private:
  void unlink_files() const noexcept;

  bool m_existed = true;
  std::atomic<bool> m_keep{false};
  std::vector<std::string> m_files;                   // the database, then its journals
  std::vector<std::filesystem::path> m_made_folders;  // outermost first
};

}  // namespace cli
