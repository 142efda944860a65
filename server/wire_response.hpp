#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace server {

/// The bytes of an HTTP/1.1 response (RFC 9112 4, 6): the status line, `headers`, Date,
/// Content-Length (the length of `body` even when `head_only`, as GET would send, RFC 9110
/// 9.3.2) and Connection, then the body unless `head_only`. 1xx, 204 and 304 carry neither
/// length nor body (RFC 9110 8.6, 15.3.5, 15.4.5).
std::string wire_response(int status,
                          const std::vector<std::pair<std::string, std::string>>& headers,
                          std::string_view body, bool head_only, bool keep_alive);

/// The current time as an IMF-fixdate (RFC 9110 5.6.7), e.g. "Sun, 06 Dec 2026 22:32:30 GMT".
std::string http_date_now();

}  // namespace server
