#pragma once
#include <string>
#include <string_view>

namespace server {

/// True when an Accept-Encoding header value accepts gzip (and does not give it q=0).
bool accepts_gzip(std::string_view accept_encoding);

/// libdeflate levels: `packed` for bytes compressed once and sent many times (tiles, kept
/// answers), `fast` for large answers compressed afresh for every request.
inline constexpr int gzip_packed = 6;
inline constexpr int gzip_fast = 1;

/// The gzip member (RFC 1952) of `data`, with libdeflate at `level` (1 to 12). The same bytes
/// and level always give the same member.
std::string gzip(std::string_view data, int level = gzip_packed);

}  // namespace server
