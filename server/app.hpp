#pragma once
#include <memory>
#include <string>

#include "server/pistache_edge.hpp"

namespace server {

struct app_options {
  std::string db;
  edge_options edge;
  std::size_t tile_cache_bytes = 256u << 20;  // 0: no tile cache
  std::string web_dir = "web/dist";           // the built web map, served at /
};

/// The whole server: the store, the engine and ledger loaded from it, every route, and the
/// HTTP edge. Loading happens in the constructor; start() begins answering.
class app {
 public:
  explicit app(const app_options& options);
  ~app();
  app(const app&) = delete;
  app& operator=(const app&) = delete;

  void start();
  std::uint16_t port() const;
  void stop();
  /// Seconds the engine and ledger took to load.
  double load_seconds() const;

  class parts;

 private:
  std::unique_ptr<parts> m_parts;
};

}  // namespace server
