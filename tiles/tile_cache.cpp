#include "tiles/tile_cache.hpp"

#include "geo/engine/engine.hpp"

namespace tiles {
namespace {

std::size_t cost(const std::string& key, const tile_cache::tile& t) {
  return key.size() + t.bytes.size() + t.gzipped.size() + t.etag.size() + t.shown.size() * 16 + 128;
}

bool current(const tile_cache::tile& t, const geo::engine& engine) {
  return engine.unchanged(t.shown);
}

}  // namespace

tile_cache::tile_cache(std::size_t max_bytes) : m_max_bytes(max_bytes) {}

std::shared_ptr<const tile_cache::tile> tile_cache::find(const std::string& key,
                                                         const geo::engine& engine) {
  std::shared_ptr<const tile> found;
  {
    const std::lock_guard lock(m_mutex);
    const auto it = m_by_key.find(key);
    if (it == m_by_key.end()) {
      ++m_misses;
      return nullptr;
    }
    m_order.splice(m_order.begin(), m_order, it->second);
    found = it->second->second;
  }
  if (current(*found, engine)) {
    ++m_hits;
    return found;
  }
  ++m_misses;
  const std::lock_guard lock(m_mutex);
  if (const auto it = m_by_key.find(key); it != m_by_key.end() && it->second->second == found)
    erase(it->second);
  return nullptr;
}

void tile_cache::put(const std::string& key, std::shared_ptr<const tile> t) {
  if (m_max_bytes == 0) return;
  const std::lock_guard lock(m_mutex);
  if (const auto it = m_by_key.find(key); it != m_by_key.end()) erase(it->second);
  m_bytes += cost(key, *t);
  m_order.emplace_front(key, std::move(t));
  m_by_key[key] = m_order.begin();
  while (m_bytes > m_max_bytes && !m_order.empty())
    erase(std::prev(m_order.end()));
}

void tile_cache::erase(lru::iterator it) {
  m_bytes -= cost(it->first, *it->second);
  m_by_key.erase(it->first);
  m_order.erase(it);
}

void tile_cache::forget_targets() {
  const std::lock_guard lock(m_mutex);
  for (auto it = m_order.begin(); it != m_order.end();) {
    const auto next = std::next(it);
    if (it->second->with_targets) erase(it);
    it = next;
  }
}

std::size_t tile_cache::bytes() const {
  const std::lock_guard lock(m_mutex);
  return m_bytes;
}

std::size_t tile_cache::size() const {
  const std::lock_guard lock(m_mutex);
  return m_by_key.size();
}

}  // namespace tiles
