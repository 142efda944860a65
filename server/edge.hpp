#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "server/http.hpp"
#include "server/metrics.hpp"
#include "server/principal.hpp"
#include "server/router.hpp"

namespace server {

struct wire_request;

/// Turns an Authorization header (or its absence) into the caller; throws http_error 401 for
/// a token that is malformed, unknown or revoked.
using authenticator = std::function<principal(const std::optional<std::string>& authorization)>;

/// One request on its way through the server, from the bytes read to the bytes written.
struct exchange {
  request r;
  bool head = false;             // HEAD: answered as GET without the body
  bool keep_alive = true;        // the connection stays open after the answer
  const handler* run = nullptr;  // the route still to run; null once `answer` is final
  route_cost cost = route_cost::light;
  std::string route = "unmatched";  // for metrics
  response answer;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

/// The rules every request meets, whatever carries it over the network (server/pistache_edge
/// does): decoding and routing, one error contract (application/problem+json, RFC 9457, with
/// a request id; internal errors logged, never shown), HEAD, OPTIONS and CORS, 405 with
/// Allow, gzip, caching headers, metrics, and readiness: until serve() only /healthz and
/// /readyz answer, everything else is 503 with Retry-After. Safe to use from many threads.
class edge {
 public:
  edge(std::string host, metrics& counters);

  /// Makes the routes live; called once, when the store is loaded.
  void serve(const router& routes, authenticator authenticate);
  bool ready() const { return m_routes.load(std::memory_order_acquire) != nullptr; }
  /// The port clients reach us on, for links when a request has no Host.
  void set_port(std::uint16_t port) { m_port = port; }

  /// Reads and routes a request; cheap and bounded. The exchange is either answered already
  /// (errors, OPTIONS, readiness) or holds the route for run().
  exchange accept(wire_request&& wire) const;
  /// Authenticates the caller and runs the route; fills `answer`.
  void run(exchange& x) const;
  /// Refuses an exchange the server has no room for now: 503 with Retry-After.
  void shed(exchange& x, std::string why) const;
  /// The answer as bytes on the wire, with the edge's headers; counts it in the metrics.
  std::string finish(exchange& x) const;
  /// The answer to bytes that never became a request (a parser fault, a timeout): a problem
  /// document, and the connection closes.
  std::string refuse_unread(const http_error& e) const;

 private:
  response refusal(const std::exception& e, const request& r) const;
  void route(exchange& x) const;
  response preflight(const router::match& found) const;

  std::string m_host;
  std::atomic<std::uint16_t> m_port{0};
  metrics& m_metrics;
  std::atomic<const router*> m_routes{nullptr};
  authenticator m_authenticate;
};

}  // namespace server
