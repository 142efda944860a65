#pragma once
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
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
  /// Memory for answers kept ready to send, identity or gzipped (server/compressed_answers);
  /// 0: none kept (ETags and 304s all the same).
  std::size_t answer_cache_bytes = 64u << 20;
  std::string web_dir = "web/dist";  // the built web map, served at /
  /// The longest the server waits between two looks at the store's change feed, which it
  /// follows to take in what other servers and imports write (0: never; it then serves what
  /// it loaded and wrote itself until restarted). It usually learns of a change sooner: the
  /// store wakes it (store::wait_for_change).
  std::chrono::milliseconds follow_every{250};
};

/// The whole server: the HTTP edge, then the store, the engine and ledger loaded from it and
/// every route. start() binds the port and answers /healthz at once; load() reads the store
/// and makes the routes live (/readyz turns 200).
///
/// What is loaded from the store is one generation. A follower thread reads the store's change
/// feed (store::changes_after) in commit order and takes each change into the generation
/// serving: pledges, deliveries, locations and revoked tokens written by other servers over the
/// same store (and by this one: taking those in again changes nothing). When an import lands,
/// a new generation is loaded beside the one serving, takes in the feed from its snapshot on,
/// and takes over between two requests; requests under way finish on the old one
/// (docs/architecture.md, "Following the store"). A location changes the generation serving in
/// place (about a millisecond, while no request reads it: every request holds the generation's
/// placing lock shared, the location route and the follower take it alone). When the store
/// fails, reads go on from memory, writes answer 503, and the follower tries again, slower
/// each time, and catches up when the store is back.
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
  /// Takes in the changes of the store's feed after those `g` has, in order, until none is
  /// left or an import is met (not taken in): its seq then.
  std::optional<std::int64_t> take_in_changes(generation& g);
  /// Takes in the feed on `serving`; at an import, loads a new generation, brings it up to
  /// date and swaps it in. Returns the generation replaced, if any.
  std::shared_ptr<generation> follow(std::shared_ptr<generation> serving);
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
  std::jthread m_follower;
};

}  // namespace server
