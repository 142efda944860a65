#pragma once
#include <string>
#include <string_view>

#include "server/http.hpp"

namespace server {

/// The standard reason phrase of a status ("Not Found").
std::string_view reason_phrase(int status);

/// An application/problem+json document (RFC 9457) for a refused request: type, title, status,
/// detail, instance (the path), the request id, and the parameter at fault when there is one.
std::string problem_json(const http_error& e, std::string_view path, std::string_view request_id);

}  // namespace server
