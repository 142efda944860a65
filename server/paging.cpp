#include "server/paging.hpp"

#include <algorithm>
#include <charconv>
#include <string>

namespace server {
namespace {

// OGC's limit: any whole number from 1 up, however large, read as at most `max`.
std::size_t limit_up_to(const query_params& q, const page_limits& limits) {
  const std::optional<std::string> text = q.text("limit");
  if (!text) return limits.default_limit;
  std::size_t value = 0;
  const char* const last = text->data() + text->size();
  const auto [end, ec] = std::from_chars(text->data(), last, value);
  if (ec == std::errc::result_out_of_range && end == last) return limits.max_limit;
  if (text->empty() || ec != std::errc() || end != last || value < 1)
    throw http_error(400,
                     "limit: expected an integer from 1 to " + std::to_string(limits.max_limit) +
                         " (larger ones are read as " + std::to_string(limits.max_limit) +
                         "), got '" + *text + "'",
                     "limit");
  return std::min(value, limits.max_limit);
}

}  // namespace

page_window read_page_window(const query_params& q, const page_limits& limits) {
  page_window w;
  w.limit = limits.larger == over_limit::read_as_max
                ? limit_up_to(q, limits)
                : q.count("limit", limits.default_limit, 1, limits.max_limit);
  w.offset = q.count("offset", 0, 0, limits.max_offset);
  return w;
}

}  // namespace server
