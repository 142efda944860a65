#include "server/ogc_datetime.hpp"

namespace server {
namespace {

// Reads `width` digits at `at` into `value` within [low, high], advancing `at`.
bool digits(std::string_view s, std::size_t& at, std::size_t width, int low, int high, int& value) {
  if (at + width > s.size()) return false;
  value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = s[at + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  at += width;
  return value >= low && value <= high;
}

bool literal(std::string_view s, std::size_t& at, char c) {
  if (at >= s.size() || (s[at] != c && !(c == 'T' && s[at] == 't') && !(c == 'Z' && s[at] == 'z')))
    return false;
  ++at;
  return true;
}

bool full_date(std::string_view s, std::size_t& at) {
  int v = 0;
  return digits(s, at, 4, 0, 9999, v) && literal(s, at, '-') && digits(s, at, 2, 1, 12, v) &&
         literal(s, at, '-') && digits(s, at, 2, 1, 31, v);
}

// RFC 3339 §5.6: partial-time time-offset.
bool full_time(std::string_view s, std::size_t& at) {
  int v = 0;
  if (!(digits(s, at, 2, 0, 23, v) && literal(s, at, ':') && digits(s, at, 2, 0, 59, v) &&
        literal(s, at, ':') && digits(s, at, 2, 0, 60, v)))
    return false;
  if (at < s.size() && s[at] == '.') {
    const std::size_t start = ++at;
    while (at < s.size() && s[at] >= '0' && s[at] <= '9')
      ++at;
    if (at == start) return false;
  }
  if (literal(s, at, 'Z')) return true;
  if (at >= s.size() || (s[at] != '+' && s[at] != '-')) return false;
  ++at;
  return digits(s, at, 2, 0, 23, v) && literal(s, at, ':') && digits(s, at, 2, 0, 59, v);
}

bool instant(std::string_view s) {
  std::size_t at = 0;
  if (!full_date(s, at)) return false;
  if (at == s.size()) return true;
  return literal(s, at, 'T') && full_time(s, at) && at == s.size();
}

bool interval_end(std::string_view s) {
  return s.empty() || s == ".." || instant(s);
}

}  // namespace

bool is_datetime_parameter(std::string_view text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return instant(text);
  const std::string_view start = text.substr(0, slash), end = text.substr(slash + 1);
  return interval_end(start) && interval_end(end) && (instant(start) || instant(end));
}

}  // namespace server
