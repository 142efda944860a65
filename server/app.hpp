#pragma once
#include <chrono>
#include <memory>
#include <string>

#include "server/metrics.hpp"
#include "server/pistache_edge.hpp"

namespace server {

struct app_options {
  std::string db;
  edge_options edge;
  std::size_t tile_cache_bytes = 256u << 20;  // 0: no tile cache
  std::string web_dir = "web/dist";           // the built web map, served at /
};

/// The whole server: the HTTP edge, then the store, the engine and ledger loaded from it and
/// every route. start() binds the port and answers /healthz at once; load() reads the store
/// and makes the routes live (/readyz turns 200).
class app {
 public:
  explicit app(app_options options);
  ~app();
  app(const app&) = delete;
  app& operator=(const app&) = delete;

  /// Binds the port (a busy port is an edge_error) and starts answering.
  void start();
  /// Loads the store and serves every route; throws geo::error when the store is unusable.
  void load();
  std::uint16_t port() const;
  /// Stops accepting and lets answers in progress go out (for up to `drain`).
  void stop(std::chrono::milliseconds drain = std::chrono::seconds(10));
  /// Seconds the engine and ledger took to load.
  double load_seconds() const;

  class parts;

 private:
  app_options m_options;
  metrics m_counters;
  pistache_edge m_edge;
  std::unique_ptr<parts> m_parts;
};

}  // namespace server
