#pragma once
#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace geo {
class engine;
struct area;
}  // namespace geo

namespace tiles {

/// Built tiles kept in memory, least recently used dropped first beyond `max_bytes`. Each tile
/// remembers the revision of every area it shows (geo::engine::revision_of) as it was when the
/// tile was built (server/tile_routes keeps no tile built while a write happened); a tile whose
/// areas have changed since (a pledge, a cancellation, a delivery) is stale and never served:
/// find() drops it. So a write invalidates exactly the tiles showing an area it changed (targets
/// layers show the RW of each target), at every zoom, in O(1) (the engine bumps a counter), and a
/// reader right after the write gets a fresh tile.
class tile_cache {
 public:
  struct tile {
    std::string bytes;    // empty: an empty tile (204)
    std::string gzipped;  // the same, gzipped once for every client that accepts it
    std::string etag;
    std::vector<std::pair<const geo::area*, std::uint64_t>> shown;  // area, revision
    bool with_targets = false;  // has a targets layer (forget_targets)
  };

  explicit tile_cache(std::size_t max_bytes);

  /// The current tile for `key`, or null when absent or stale.
  std::shared_ptr<const tile> find(const std::string& key, const geo::engine& engine);
  void put(const std::string& key, std::shared_ptr<const tile> t);

  /// Drops every tile with a targets layer: a target located in the field may now appear in
  /// a tile that showed no target of its areas (an empty tile records no revision to miss).
  void forget_targets();

  std::size_t bytes() const;
  std::size_t size() const;
  std::uint64_t hits() const { return m_hits; }
  std::uint64_t misses() const { return m_misses; }

 private:
  using lru = std::list<std::pair<std::string, std::shared_ptr<const tile>>>;
  void erase(lru::iterator it);

  std::size_t m_max_bytes;
  mutable std::mutex m_mutex;
  lru m_order;  // most recently used first
  std::unordered_map<std::string, lru::iterator> m_by_key;
  std::size_t m_bytes = 0;
  std::atomic<std::uint64_t> m_hits{0};
  std::atomic<std::uint64_t> m_misses{0};
};

}  // namespace tiles
