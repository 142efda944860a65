#pragma once
#include <string>
#include <string_view>

#include "server/http.hpp"

namespace server {

/// The standard reason phrase of a status ("Not Found").
std::string_view reason_phrase(int status);

/// Problem types are URNs, stable names a client can act on (docs/api.md, "Problem types"):
/// the API has no public site of its own to point a URL at.
constexpr std::string_view problem_type_prefix = "urn:sasaran:problem:";
std::string problem_type_uri(std::string_view code);

/// An application/problem+json document (RFC 9457) for a refused request: type, title, status,
/// detail, instance (the path), the request id, and the parameter at fault when there is one.
std::string problem_json(const http_error& e, std::string_view path, std::string_view request_id);

}  // namespace server
