#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace server {

/// A strong validator (RFC 9110 §8.8.3) of the exact bytes: the same bytes always give the
/// same quoted tag.
std::string strong_etag(std::string_view bytes);

/// The tag of the gzipped form of a body tagged `etag`: the same with -gzip inside the quotes.
std::string gzip_etag(const std::string& etag);

/// True when If-None-Match lists `etag` or its gzip form (a client that got the gzipped body
/// revalidates with that one), or is "*" (RFC 9110 §13.1.2).
bool none_match(const std::optional<std::string>& if_none_match, const std::string& etag);

}  // namespace server
