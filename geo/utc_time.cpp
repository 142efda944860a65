#include "geo/utc_time.hpp"

#include <cstdio>

namespace geo {
namespace {

// Reads `width` digits at `at` into `value` when they are within [low, high], advancing `at`.
bool digits(std::string_view text, std::size_t& at, std::size_t width, int low, int high,
            int& value) {
  if (at + width > text.size()) return false;
  value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = text[at + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  at += width;
  return value >= low && value <= high;
}

// `c`, or its lower case where RFC 3339 §5.6 allows one ("t", "z").
bool literal(std::string_view text, std::size_t& at, char c) {
  if (at >= text.size()) return false;
  const char found = text[at];
  if (found != c && !((c == 'T' || c == 'Z') && found == c - 'A' + 'a')) return false;
  ++at;
  return true;
}

std::optional<std::chrono::year_month_day> full_date(std::string_view text, std::size_t& at) {
  int year = 0, month = 0, day = 0;
  if (!(digits(text, at, 4, 0, 9999, year) && literal(text, at, '-') &&
        digits(text, at, 2, 1, 12, month) && literal(text, at, '-') &&
        digits(text, at, 2, 1, 31, day)))
    return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;  // 31 April, 29 February of a common year
  return date;
}

}  // namespace

std::string utc_time(std::chrono::system_clock::time_point at) {
  using namespace std::chrono;
  const sys_seconds second = floor<seconds>(at);
  const sys_days day = floor<days>(second);
  const year_month_day date(day);
  const hh_mm_ss<seconds> time(second - day);
  char text[32];
  const int n = std::snprintf(
      text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(date.year()),
      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
      static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
      static_cast<int>(time.seconds().count()));
  return {text, static_cast<std::size_t>(n)};
}

std::string utc_time_now() {
  return utc_time(std::chrono::system_clock::now());
}

bool is_iso_date(std::string_view text) {
  std::size_t at = 0;
  return full_date(text, at) && at == text.size();
}

std::optional<utc_instant> parse_rfc3339_date_time(std::string_view text) {
  using namespace std::chrono;
  std::size_t at = 0;
  const std::optional<year_month_day> date = full_date(text, at);
  int hour = 0, minute = 0, second = 0;
  if (!date || !literal(text, at, 'T') || !digits(text, at, 2, 0, 23, hour) ||
      !literal(text, at, ':') || !digits(text, at, 2, 0, 59, minute) || !literal(text, at, ':') ||
      !digits(text, at, 2, 0, 60, second))
    return std::nullopt;
  microseconds fraction{0};
  if (at < text.size() && text[at] == '.') {
    const std::size_t first = ++at;
    long long scale = 100000;
    for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, scale /= 10)
      fraction += microseconds((text[at] - '0') * scale);
    if (at == first) return std::nullopt;
  }
  minutes offset{0};
  if (!literal(text, at, 'Z')) {
    if (at >= text.size() || (text[at] != '+' && text[at] != '-')) return std::nullopt;
    const bool east = text[at++] == '+';
    int offset_hours = 0, offset_minutes = 0;
    if (!digits(text, at, 2, 0, 23, offset_hours) || !literal(text, at, ':') ||
        !digits(text, at, 2, 0, 59, offset_minutes))
      return std::nullopt;
    offset = hours(offset_hours) + minutes(offset_minutes);
    if (!east) offset = -offset;
  }
  if (at != text.size()) return std::nullopt;
  // Local time minus its offset is UTC: 08:00+07:00 is 01:00Z.
  return sys_days(*date) + hours(hour) + minutes(minute) + seconds(second) + fraction - offset;
}

bool is_rfc3339_date_time(std::string_view text) {
  return parse_rfc3339_date_time(text).has_value();
}

}  // namespace geo
