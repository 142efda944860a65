#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace server {

/// Decodes %XX escapes (and '+' as a space in a query); a malformed escape is a 400.
std::string percent_decode(std::string_view text, bool plus_is_space);

/// Splits and decodes a query string "a=1&b=x%20y" into its parameters, in order.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);

/// Encodes a query value for links we write.
std::string percent_encode(std::string_view text);

}  // namespace server
