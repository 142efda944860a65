#pragma once
#include <string>
#include <string_view>

namespace server {

/// Text from a request made safe to quote in a log line: control characters, quotes,
/// backslashes and bytes outside printable ASCII become \xNN escapes (so "%0a" decoded in a
/// path cannot start a forged line), and anything past `max_bytes` is cut with "...".
std::string log_text(std::string_view text, std::size_t max_bytes = 256);

}  // namespace server
