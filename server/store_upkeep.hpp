#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <thread>

namespace geo {
class store;
}

namespace server {

/// Runs the store's upkeep (geo::store::checkpoint) on a thread and a connection of its own,
/// every `period`, so that no request pays for it: for SQLite, copying the write-ahead log
/// back into the database file, which SQLite would otherwise do inside whichever commit
/// crosses 1,000 pages of log, adding a second fsync to that request (the server's stores are
/// opened with store_use::serve, which leaves it to us). Failures are logged, not thrown: the
/// next round tries again.
class store_upkeep {
 public:
  /// Opens its own connection to `db` (geo::open_store); throws geo::error when it cannot.
  store_upkeep(const std::string& db, std::chrono::milliseconds period);
  ~store_upkeep();
  store_upkeep(const store_upkeep&) = delete;
  store_upkeep& operator=(const store_upkeep&) = delete;

 private:
  std::unique_ptr<geo::store> m_store;
  std::jthread m_thread;  // after m_store: stops before the store closes
};

}  // namespace server
