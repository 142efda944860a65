#pragma once
#include <string>
#include <string_view>

namespace server {

/// True when an Accept-Encoding header value accepts gzip (and does not give it q=0).
bool accepts_gzip(std::string_view accept_encoding);

/// The gzip member (RFC 1952) of `data`, with zlib.
std::string gzip(std::string_view data);

}  // namespace server
