#pragma once
#include <chrono>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>

#include "server/metrics.hpp"
#include "server/pistache_edge.hpp"
#include "server/router.hpp"

namespace server {

class token_authenticator;
class store_upkeep;

struct app_options {
  std::string db;
  edge_options edge;
  std::size_t tile_cache_bytes = 256u << 20;  // 0: no tile cache
  std::string web_dir = "web/dist";           // the built web map, served at /
  /// How often the server looks for imports into its store (0: never; it then serves what it
  /// loaded until restarted).
  std::chrono::milliseconds follow_every{250};
};

/// The whole server: the HTTP edge, then the store, the engine and ledger loaded from it and
/// every route. start() binds the port and answers /healthz at once; load() reads the store
/// and makes the routes live (/readyz turns 200).
///
/// What is loaded from the store is one generation. When an import lands in the store (its
/// data_version grows), a new generation is loaded beside the one serving, catches up with
/// the pledges written meanwhile, and takes over between two requests; requests under way
/// finish on the old one (docs/architecture.md, "Following the store"). A location recorded in
/// the field changes the generation serving in place instead (about a millisecond, while no
/// request reads it: every request holds the generation's placing lock shared, the location
/// route alone); a generation loaded meanwhile catches up with such locations too.
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
  /// The store's data_version the serving generation was loaded at.
  std::int64_t data_version() const;

  class generation;

 private:
  std::shared_ptr<generation> current() const;
  /// Loads a new generation when the store has changed and swaps it in; false when nothing
  /// changed.
  bool follow();
  void follow_loop(const std::stop_token& stop);
  void add_gauges();
  router forwarding_routes();

  app_options m_options;
  metrics m_counters;
  pistache_edge m_edge;
  mutable std::mutex m_current_lock;
  std::shared_ptr<generation> m_current;
  // Writes hold it shared while they run; a swap holds it alone, so that no write lands on a
  // generation that is no longer served.
  std::shared_mutex m_swap;
  std::unique_ptr<token_authenticator> m_authenticate;
  std::unique_ptr<store_upkeep> m_upkeep;
  router m_routes;
  std::int64_t m_failed_version = -1;  // the data version last tried and not loaded (follower)
  std::jthread m_follower;
};

}  // namespace server
