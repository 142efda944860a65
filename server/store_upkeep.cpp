#include "server/store_upkeep.hpp"

#include <condition_variable>
#include <iostream>
#include <mutex>

#include "geo/error.hpp"
#include "geo/store/open_store.hpp"

namespace server {

store_upkeep::store_upkeep(const std::string& db, std::chrono::milliseconds period)
    : m_store(geo::open_store(db, geo::store_use::serve)),
      m_thread([store = m_store.get(), period](std::stop_token stop) {
        std::mutex mutex;
        std::condition_variable_any wake;
        std::unique_lock lock(mutex);
        while (!stop.stop_requested()) {
          wake.wait_for(lock, stop, period, [] { return false; });
          if (stop.stop_requested()) break;
          try {
            store->checkpoint();
          } catch (const geo::error& e) {
            std::cerr << "sasaran serve: " << e.what() << std::endl;
          }
        }
      }) {}

store_upkeep::~store_upkeep() {
  m_thread.request_stop();
}

}  // namespace server
