#include "server/pistache_edge.hpp"

#include <pistache/peer.h>
#include <pistache/reactor.h>
#include <sys/resource.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "server/pistache_transport.hpp"
#include "server/problem.hpp"
#include "server/wire_response.hpp"

namespace server {
namespace {

using namespace Pistache;

// Descriptors kept back from connections: the store, the web files, logs, epoll and timers.
constexpr rlim_t reserved_descriptors = 128;

// The soft descriptor limit raised to the hard one; connections are capped below it, so
// accept() never fails for want of descriptors in normal running.
rlim_t raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
    ::getrlimit(RLIMIT_NOFILE, &limit);
  }
  return limit.rlim_cur;
}

std::string too_many_connections() {
  const http_error e(503, "too many connections; retry in a moment");
  const std::string body = problem_json(e, "", "");
  return wire_response(503, {{"Content-Type", "application/problem+json"}, {"Retry-After", "1"}},
                       body, false, false);
}

}  // namespace

class pistache_edge::impl {
 public:
  impl(edge_options o, metrics& counters)
      : options(std::move(o)),
        answers(options.host, counters),
        pool(options.writes, options.heavy),
        hub(std::make_shared<connection_hub>(options.connections, answers, pool)) {}

  void accept(int fd, const sockaddr_storage& address) {
    const std::size_t cap = hub->settings.max_connections;
    const std::size_t open = ++hub->open;
    if (open > cap + cap / 8 + 16) {
      // Past the cap and what eviction frees in time: say so and close.
      [[maybe_unused]] const auto n =
          ::send(fd, refusal.data(), refusal.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      ::close(fd);
      --hub->open;
      ++refused;
      return;
    }
    if (open > cap) hub->evict_wanted = open - cap;
    std::shared_ptr<Tcp::Peer> peer;
    try {
      peer = Tcp::Peer::Create(
          fd,
          Address::fromUnix(reinterpret_cast<sockaddr*>(const_cast<sockaddr_storage*>(&address))));
    } catch (const std::exception&) {
      ::close(fd);  // not an IP socket
      --hub->open;
      return;
    }
    transports[next++ % transports.size()]->handleNewPeer(peer);
  }

  edge_options options;
  edge answers;
  work_pool pool;
  std::shared_ptr<connection_hub> hub;
  std::unique_ptr<acceptor> listener;
  std::shared_ptr<Aio::Reactor> reactor;
  std::vector<std::shared_ptr<pistache_transport>> transports;
  std::string refusal = too_many_connections();
  std::size_t next = 0;
  std::atomic<std::uint64_t> refused{0};
  bool stopped = false;
};

pistache_edge::pistache_edge(edge_options options, metrics& counters)
    : m_impl(std::make_unique<impl>(std::move(options), counters)) {
  impl& m = *m_impl;
  counters.gauge("sasaran_http_connections", "Connections open.",
                 [&m] { return double(m.hub->open.load()); });
  counters.gauge("sasaran_http_connections_refused",
                 "Connections refused (over the cap) since start.",
                 [&m] { return double(m.refused.load()); });
  counters.gauge("sasaran_http_connections_evicted",
                 "Idle connections closed to make room for new ones since start.",
                 [&m] { return double(m.hub->evicted.load()); });
  counters.gauge("sasaran_http_buffered_bytes",
                 "Request bodies being read and answers waiting for their client, in bytes.",
                 [&m] { return double(m.hub->buffered.load()); });
  counters.gauge("sasaran_http_timeouts", "Requests that did not arrive in time (408) since start.",
                 [&m] { return double(m.hub->timeouts.load()); });
  counters.gauge("sasaran_http_slow_readers_dropped",
                 "Connections closed for not reading their answer since start.",
                 [&m] { return double(m.hub->dropped.load()); });
  for (const auto& lane_of_cost :
       {std::pair{route_cost::write, "write"}, {route_cost::heavy, "heavy"}}) {
    const route_cost cost = lane_of_cost.first;
    const std::string lane = lane_of_cost.second;
    counters.gauge("sasaran_work_" + lane + "_waiting",
                   "Requests waiting in the " + lane + " lane.",
                   [&m, cost] { return double(m.pool.counts(cost).waiting); });
    counters.gauge(
        "sasaran_work_" + lane + "_shed",
        "Requests of the " + lane + " lane refused with 503 since start (full or waited too long).",
        [&m, cost] {
          const auto c = m.pool.counts(cost);
          return double(c.refused + c.expired);
        });
  }
}

pistache_edge::~pistache_edge() {
  stop(std::chrono::milliseconds(0));
}

void pistache_edge::start() {
  impl& m = *m_impl;
  const rlim_t descriptors = raise_descriptor_limit();
  std::size_t& cap = m.hub->settings.max_connections;
  if (descriptors > reserved_descriptors * 2)
    cap = std::min<std::size_t>(cap, (descriptors - reserved_descriptors) / 9 * 8 - 16);
  m.listener = std::make_unique<acceptor>(m.options.host, m.options.port);
  m.answers.set_port(m.listener->port());
  m.reactor = Aio::Reactor::create();
  m.hub->io_threads = std::max<std::size_t>(1, m.options.threads);
  m.reactor->init(Aio::AsyncContext(m.hub->io_threads, "sasaran-io"));
  const auto key = m.reactor->addHandler(
      std::make_shared<pistache_transport>(std::make_shared<http_connections>(m.hub)));
  for (const auto& h : m.reactor->handlers(key))
    m.transports.push_back(std::static_pointer_cast<pistache_transport>(h));
  m.reactor->run();
  m.listener->start([&m](int fd, const sockaddr_storage& a) { m.accept(fd, a); }, m.refusal);
}

void pistache_edge::serve(const router& routes, authenticator authenticate) {
  m_impl->answers.serve(routes, std::move(authenticate));
}

std::uint16_t pistache_edge::port() const {
  return m_impl->listener ? m_impl->listener->port() : 0;
}

std::size_t pistache_edge::max_connections() const {
  return m_impl->hub->settings.max_connections;
}

void pistache_edge::stop(std::chrono::milliseconds drain) {
  impl& m = *m_impl;
  if (m.stopped || !m.listener) return;
  m.stopped = true;
  m.listener->stop();
  m.hub->draining = true;
  const auto until = std::chrono::steady_clock::now() + drain;
  while (m.hub->unanswered.load() > 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  m.pool.stop();
  m.reactor->shutdown();
  m.reactor.reset();  // joins the I/O threads
  for (const auto& t : m.transports)
    t->connections().close_all();
  m.transports.clear();
}

}  // namespace server
