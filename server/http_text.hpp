#pragma once
#include <string>
#include <string_view>

namespace server {

/// ASCII letters lowercased (header names, tokens; RFC 9110 compares them case-insensitively).
std::string lowercase_ascii(std::string_view s);

/// Without the optional whitespace (spaces and tabs, RFC 9110 5.6.3) around it.
std::string_view trim_ows(std::string_view s);

}  // namespace server
