#include "server/problem.hpp"

#include <nlohmann/json.hpp>

namespace server {

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 417:
      return "Expectation Failed";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Error";
  }
}

std::string problem_json(const http_error& e, std::string_view path, std::string_view request_id) {
  const std::string type = e.type().empty() ? "about:blank" : "urn:sasaran:problem:" + e.type();
  nlohmann::ordered_json doc = {{"type", type},         {"title", reason_phrase(e.status())},
                                {"status", e.status()}, {"detail", e.what()},
                                {"instance", path},     {"request_id", request_id}};
  if (!e.parameter().empty()) doc["parameter"] = e.parameter();
  for (const auto& [name, value] : e.extras())
    doc[name] = value;
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace server
