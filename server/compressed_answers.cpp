#include "server/compressed_answers.hpp"

#include <cstdio>

#include "geo/fnv1a.hpp"
#include "server/etag.hpp"
#include "server/gzip.hpp"

namespace server {
namespace {

std::size_t cost(const std::string& key, const compressed_answers::answer& a) {
  return key.size() + a.body.size() + a.content_type.size() + 128;
}

}  // namespace

compressed_answers::compressed_answers(std::size_t max_bytes) : m_max_bytes(max_bytes) {}

std::shared_ptr<const compressed_answers::answer> compressed_answers::find(const std::string& key) {
  if (m_max_bytes == 0) return nullptr;
  const std::lock_guard lock(m_mutex);
  const auto it = m_by_key.find(key);
  if (it == m_by_key.end()) {
    ++m_misses;
    return nullptr;
  }
  m_order.splice(m_order.begin(), m_order, it->second);
  ++m_hits;
  return it->second->second;
}

void compressed_answers::put(const std::string& key, std::shared_ptr<const answer> a) {
  if (!a || cost(key, *a) > m_max_bytes) return;
  const std::lock_guard lock(m_mutex);
  if (const auto it = m_by_key.find(key); it != m_by_key.end()) erase(it->second);
  m_bytes += cost(key, *a);
  m_order.emplace_front(key, std::move(a));
  m_by_key[key] = m_order.begin();
  while (m_bytes > m_max_bytes)
    erase(std::prev(m_order.end()));
}

void compressed_answers::erase(lru::iterator it) {
  m_bytes -= cost(it->first, *it->second);
  m_by_key.erase(it->first);
  m_order.erase(it);
}

std::size_t compressed_answers::bytes() const {
  const std::lock_guard lock(m_mutex);
  return m_bytes;
}

std::size_t compressed_answers::size() const {
  const std::lock_guard lock(m_mutex);
  return m_by_key.size();
}

std::string key_etag(const std::string& key) {
  char tag[24];
  std::snprintf(tag, sizeof tag, "\"k%016llx\"", static_cast<unsigned long long>(geo::fnv1a(key)));
  return tag;
}

response kept_answer(compressed_answers& kept, const request& r, const std::string& key,
                     const std::function<response()>& build) {
  const std::string etag = key_etag(key);
  const bool gzip_taken = accepts_gzip(r.header("accept-encoding").value_or(""));
  // Anyone may read these answers, so shared caches may keep them too; they ask again
  // (a 304 while the data is unchanged).
  const auto headers = [&](bool gzipped) {
    std::vector<std::pair<std::string, std::string>> out = {
        {"ETag", gzipped ? gzip_etag(etag) : etag}, {"Cache-Control", "no-cache"}};
    if (gzipped) out.emplace_back("Content-Encoding", "gzip");
    return out;
  };
  if (none_match(r.header("if-none-match"), etag))
    return {304,
            "",
            "",
            {{"ETag", gzip_taken ? gzip_etag(etag) : etag}, {"Cache-Control", "no-cache"}}};
  const std::string kept_key = key + (gzip_taken ? "|gzip" : "|identity");
  if (const auto a = kept.find(kept_key))
    return {200, a->content_type, a->body, headers(a->gzipped)};
  response built = build();
  if (built.status != 200) return built;
  auto made = std::make_shared<compressed_answers::answer>();
  made->content_type = built.content_type;
  // Gzipped whatever its size, so that the form (and its ETag) follows from the request alone.
  made->gzipped = gzip_taken;
  made->body = made->gzipped ? gzip(built.body) : std::move(built.body);
  response out{200, made->content_type, made->body, headers(made->gzipped)};
  kept.put(kept_key, std::move(made));
  return out;
}

}  // namespace server
