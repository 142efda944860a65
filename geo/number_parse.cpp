#include "geo/number_parse.hpp"

#include <charconv>
#include <cmath>
#include <string>

namespace geo {

std::string_view trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const std::size_t last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
  text = trim(text);
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (!text.empty() && text.front() == '-') return std::nullopt;
  }
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<parsed_decimal> parse_decimal(std::string_view text) {
  text = trim(text);
  parsed_decimal out;
  std::string buffer;
  const std::size_t comma = text.find(',');
  if (comma != std::string_view::npos) {
    if (text.find(',', comma + 1) != std::string_view::npos ||
        text.find('.') != std::string_view::npos)
      return std::nullopt;
    buffer.assign(text);
    buffer[comma] = '.';
    text = buffer;
    out.decimal_comma = true;
  }
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (!text.empty() && text.front() == '-') return std::nullopt;
  }
  // from_chars also reads "inf", "nan" and exponents; a coordinate is none of these.
  if (text.empty() || text.find_first_not_of("-.0123456789") != std::string_view::npos)
    return std::nullopt;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out.value);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(out.value))
    return std::nullopt;
  return out;
}

}  // namespace geo
