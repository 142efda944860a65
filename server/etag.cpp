#include "server/etag.hpp"

#include <cstdint>
#include <cstdio>

#include "geo/fnv1a.hpp"

namespace server {

// FNV-1a: fast and stable; a validator needs no cryptographic strength.
std::string strong_etag(std::string_view bytes) {
  const std::uint64_t h = geo::fnv1a(bytes);
  char tag[24];
  std::snprintf(tag, sizeof tag, "\"%016llx\"", static_cast<unsigned long long>(h));
  return tag;
}

std::string gzip_etag(const std::string& etag) {
  return etag.substr(0, etag.size() - 1) + "-gzip\"";
}

bool none_match(const std::optional<std::string>& if_none_match, const std::string& etag) {
  if (!if_none_match) return false;
  if (*if_none_match == "*") return true;
  return if_none_match->find(etag) != std::string::npos ||
         if_none_match->find(gzip_etag(etag)) != std::string::npos;
}

}  // namespace server
