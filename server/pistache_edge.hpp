#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "server/acceptor.hpp"
#include "server/edge.hpp"
#include "server/http_connections.hpp"
#include "server/metrics.hpp"
#include "server/router.hpp"
#include "server/work_pool.hpp"

namespace server {

struct edge_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port, see pistache_edge::port()
  std::size_t threads = 2;    // I/O threads, which also run the light routes
  connection_settings connections;
  work_pool::lane_options writes{1, 64, std::chrono::seconds(10), 0};
  work_pool::lane_options heavy{1, 8, std::chrono::seconds(1), 10};
};

/// The HTTP server on Pistache 0.0.5's event loop (its reactor, TCP transport and peers) with
/// our own accept loop, request reader and connection handling, which take the place of the
/// parts of Pistache that fail under hostile traffic (docs/architecture.md says which and
/// why). Every request has a bounded cost before a handler runs; light routes answer on the
/// I/O threads, write and heavy ones on the work pool, which sheds load with 503.
class pistache_edge {
 public:
  pistache_edge(edge_options options, metrics& counters);
  ~pistache_edge();
  pistache_edge(const pistache_edge&) = delete;
  pistache_edge& operator=(const pistache_edge&) = delete;

  /// Binds the port (a busy port is an edge_error, at once) and answers from then on:
  /// /healthz at once; /readyz and every other route 503 with Retry-After until serve().
  void start();
  /// Makes the routes live; called once the store is loaded.
  void serve(const router& routes, authenticator authenticate);
  /// The port listened on (the one picked when options.port was 0).
  std::uint16_t port() const;
  /// The most connections kept open at once (lowered to fit the descriptor limit).
  std::size_t max_connections() const;
  /// Stops accepting, lets the answers in progress go out (for up to `drain`), then stops
  /// the threads. Requests that arrive meanwhile are answered and their connection closed.
  void stop(std::chrono::milliseconds drain = std::chrono::seconds(10));

  class impl;

 private:
  std::unique_ptr<impl> m_impl;
};

}  // namespace server
