#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "server/http.hpp"

namespace server {

/// Answers kept ready to send, each in the encoding a client asked for (identity or gzipped),
/// least recently used dropped first beyond `max_bytes` (0: nothing is kept). The key names
/// everything the bytes depend on; a key whose data can change must name its revision (the
/// import a generation was loaded from: server/app keeps one cache per generation as well, so
/// an old generation's answers go with it). Safe to use from many threads.
class compressed_answers {
 public:
  struct answer {
    std::string body;  // as sent: gzipped when `gzipped`
    std::string content_type;
    bool gzipped = false;
  };

  explicit compressed_answers(std::size_t max_bytes);

  /// The answer kept under `key`, or null.
  std::shared_ptr<const answer> find(const std::string& key);
  /// Keeps `a` under `key` (replacing what was there), unless it alone is over the bound.
  void put(const std::string& key, std::shared_ptr<const answer> a);

  std::size_t max_bytes() const { return m_max_bytes; }
  std::size_t bytes() const;
  std::size_t size() const;
  std::uint64_t hits() const { return m_hits; }
  std::uint64_t misses() const { return m_misses; }

 private:
  using lru = std::list<std::pair<std::string, std::shared_ptr<const answer>>>;
  void erase(lru::iterator it);

  const std::size_t m_max_bytes;
  mutable std::mutex m_mutex;
  lru m_order;  // most recently used first
  std::unordered_map<std::string, lru::iterator> m_by_key;
  std::size_t m_bytes = 0;
  std::atomic<std::uint64_t> m_hits{0};
  std::atomic<std::uint64_t> m_misses{0};
};

/// The answer to GET `r` whose bytes depend only on `key` (which names the data's revision and
/// the canonical request: base URL, path, decoded query) and the encoding asked for. Its strong
/// ETag is derived from `key`, so If-None-Match gets a 304 before anything is built; otherwise
/// it comes from `kept`, or `build` makes it (an exception passes through: errors are never
/// kept), it is gzipped when the client takes gzip and it is worth it, and kept. `build` must
/// give the same bytes for the same key: no clock, no caller.
response kept_answer(compressed_answers& kept, const request& r, const std::string& key,
                     const std::function<response()>& build);

/// The strong ETag kept_answer gives the identity form of the answer under `key`.
std::string key_etag(const std::string& key);

}  // namespace server
