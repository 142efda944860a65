#include "server/work_pool.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <stdexcept>

namespace server {

struct work_pool::lane {
  explicit lane(lane_options o) : options(o) {}
  lane_options options;
  mutable std::mutex mutex;
  std::condition_variable ready;
  std::deque<std::pair<std::chrono::steady_clock::time_point, job>> waiting;
  std::size_t running = 0;
  std::uint64_t refused = 0;
  std::uint64_t expired = 0;
  bool stopping = false;
  std::vector<std::thread> threads;
};

work_pool::work_pool(lane_options write, lane_options heavy)
    : m_lanes{std::make_unique<lane>(write), std::make_unique<lane>(heavy)} {
  for (auto& l : m_lanes)
    for (std::size_t i = 0; i < std::max<std::size_t>(1, l->options.threads); ++i)
      l->threads.emplace_back([this, &l = *l] { work(l); });
}

work_pool::~work_pool() {
  stop();
}

work_pool::lane& work_pool::lane_of(route_cost cost) const {
  if (cost == route_cost::light) throw std::logic_error("light routes run on the I/O threads");
  return *m_lanes[cost == route_cost::write ? 0 : 1];
}

bool work_pool::submit(route_cost cost, job j) {
  lane& l = lane_of(cost);
  {
    const std::lock_guard lock(l.mutex);
    if (l.stopping || l.waiting.size() >= l.options.queue) {
      ++l.refused;
      return false;
    }
    l.waiting.emplace_back(std::chrono::steady_clock::now(), std::move(j));
  }
  l.ready.notify_one();
  return true;
}

void work_pool::work(lane& l) {
  // Linux applies niceness per thread: the heavy lane's threads give way to the I/O threads.
  if (l.options.nice > 0) setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), l.options.nice);
  std::unique_lock lock(l.mutex);
  while (true) {
    l.ready.wait(lock, [&] { return l.stopping || !l.waiting.empty(); });
    if (l.waiting.empty()) return;
    auto [queued, next] = std::move(l.waiting.front());
    l.waiting.pop_front();
    const bool expired = std::chrono::steady_clock::now() - queued > l.options.max_wait;
    l.expired += expired;
    ++l.running;
    lock.unlock();
    next(expired);
    next = nullptr;  // whatever the job holds goes before the count says it is done
    lock.lock();
    --l.running;
  }
}

void work_pool::stop() {
  for (auto& l : m_lanes) {
    {
      const std::lock_guard lock(l->mutex);
      l->stopping = true;
    }
    l->ready.notify_all();
  }
  for (auto& l : m_lanes)
    for (std::thread& t : l->threads)
      if (t.joinable()) t.join();
}

work_pool::lane_counts work_pool::counts(route_cost cost) const {
  const lane& l = lane_of(cost);
  const std::lock_guard lock(l.mutex);
  return {l.waiting.size(), l.running, l.refused, l.expired};
}

}  // namespace server
