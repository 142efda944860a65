#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "server/metrics.hpp"
#include "server/principal.hpp"
#include "server/router.hpp"

namespace server {

/// The server could not start listening (busy port, bad address).
class edge_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct edge_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port, see pistache_edge::port()
  std::size_t threads = 2;
  std::size_t max_body_bytes = 1 << 20;
  std::chrono::seconds keepalive{5};
};

/// Turns an Authorization header (or its absence) into the caller; throws http_error 401 for
/// a token that is malformed, unknown or revoked.
using authenticator = std::function<principal(const std::optional<std::string>& authorization)>;

/// The one adapter between Pistache 0.0.5 and our handlers; it handles what Pistache does not
/// (STACK-NOTES.md): percent-decoding, strict limits, HEAD, OPTIONS and CORS, gzip, custom
/// response headers, problem+json for every error with a request id, metrics per route, and a
/// busy port reported as an edge_error.
class pistache_edge {
 public:
  pistache_edge(edge_options options, const router& routes, metrics& counters,
                authenticator authenticate);
  ~pistache_edge();
  pistache_edge(const pistache_edge&) = delete;
  pistache_edge& operator=(const pistache_edge&) = delete;

  /// Starts listening on worker threads; returns at once.
  void start();
  /// The port listened on (the one picked when options.port was 0).
  std::uint16_t port() const;
  /// Stops accepting and waits for the worker threads.
  void stop();

  class impl;

 private:
  std::unique_ptr<impl> m_impl;
};

}  // namespace server
