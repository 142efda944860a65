#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace geo {

/// Surrounding spaces and tabs removed.
std::string_view trim(std::string_view text);

/// The whole (trimmed) text as a base-10 integer; nothing for "", "3.5", "12abc", "1e3".
std::optional<std::int64_t> parse_integer(std::string_view text);

/// A decimal number as registry exports write it: "106.83", or with a decimal comma
/// "106,83" (then `decimal_comma` is set). Nothing for anything else, such as "1,234.5",
/// "abc", "nan" or "inf".
struct parsed_decimal {
  double value = 0;
  bool decimal_comma = false;
};
std::optional<parsed_decimal> parse_decimal(std::string_view text);

}  // namespace geo
