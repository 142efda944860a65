#pragma once
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "server/router.hpp"

namespace server {

/// The threads that run `write` and `heavy` routes, away from the I/O threads, each kind on
/// its own bounded queue. A full queue refuses at once (the caller answers 503 with
/// Retry-After), and a job that waited too long is shed rather than run for a client that
/// has likely given up: the server sheds load before it queues.
class work_pool {
 public:
  struct lane_options {
    std::size_t threads = 1;
    std::size_t queue = 8;                     // jobs waiting beyond the running ones
    std::chrono::milliseconds max_wait{1000};  // a job that waited longer is shed
    int nice = 0;  // niceness added to the lane's threads, so it yields the CPU to the others
  };
  /// Runs a request, or (`shed` true) only refuses it; called once, on a pool thread.
  using job = std::function<void(bool shed)>;

  work_pool(lane_options write, lane_options heavy);
  ~work_pool();
  work_pool(const work_pool&) = delete;
  work_pool& operator=(const work_pool&) = delete;

  /// Queues a job on the lane of `cost` (write or heavy); false when that lane is full.
  bool submit(route_cost cost, job j);
  /// Runs (or sheds, when too old) what is queued, then joins the threads.
  void stop();

  struct lane_counts {
    std::size_t waiting = 0;
    std::size_t running = 0;
    std::uint64_t refused = 0;  // full queue
    std::uint64_t expired = 0;  // waited past max_wait
  };
  lane_counts counts(route_cost cost) const;

 private:
  struct lane;
  void work(lane& l);
  lane& lane_of(route_cost cost) const;

  std::array<std::unique_ptr<lane>, 2> m_lanes;
};

}  // namespace server
