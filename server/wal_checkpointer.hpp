#pragma once
#include <chrono>
#include <string>
#include <thread>

namespace geo {
class sqlite_db;
}

namespace server {

/// Copies the write-ahead log back into the database file on a thread of its own, every
/// `period`, so that no request pays for a checkpoint: SQLite would otherwise run one inside
/// whichever commit crosses 1,000 pages of log, adding a second fsync to that request. Give the
/// writer connection `PRAGMA wal_autocheckpoint = 0` (the app does).
class wal_checkpointer {
 public:
  wal_checkpointer(const std::string& db_path, std::chrono::milliseconds period);
  ~wal_checkpointer();
  wal_checkpointer(const wal_checkpointer&) = delete;
  wal_checkpointer& operator=(const wal_checkpointer&) = delete;

 private:
  std::jthread m_thread;
};

}  // namespace server
