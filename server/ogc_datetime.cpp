#include "server/ogc_datetime.hpp"

#include "geo/utc_time.hpp"

namespace server {
namespace {

bool instant(std::string_view s) {
  return geo::is_iso_date(s) || geo::is_rfc3339_date_time(s);
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
