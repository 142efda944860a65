#include "server/wal_checkpointer.hpp"

#include <condition_variable>
#include <iostream>
#include <mutex>

#include "geo/error.hpp"
#include "geo/store/sqlite_db.hpp"

namespace server {

wal_checkpointer::wal_checkpointer(const std::string& db_path, std::chrono::milliseconds period)
    : m_thread([db_path, period](std::stop_token stop) {
        geo::sqlite_db db(db_path);
        std::mutex mutex;
        std::condition_variable_any wake;
        std::unique_lock lock(mutex);
        while (!stop.stop_requested()) {
          wake.wait_for(lock, stop, period, [] { return false; });
          if (stop.stop_requested()) break;
          // PASSIVE: copies what it can without waiting for, or blocking, the writer.
          if (sqlite3_wal_checkpoint_v2(db.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                        nullptr) != SQLITE_OK &&
              sqlite3_errcode(db.get()) != SQLITE_BUSY)
            std::cerr << "sasaran serve: checkpoint of " << db_path
                      << " failed: " << sqlite3_errmsg(db.get()) << std::endl;
        }
      }) {}

wal_checkpointer::~wal_checkpointer() {
  m_thread.request_stop();
}

}  // namespace server
