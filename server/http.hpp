#pragma once
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "server/principal.hpp"

namespace server {

/// A request as handlers see it: path and query already percent-decoded, header names
/// lowercased, the caller authenticated. Independent of Pistache (server/pistache_edge).
struct request {
  std::string method;  // GET, POST, ... (HEAD arrives as GET; the edge drops the body)
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;  // in the order given
  std::unordered_map<std::string, std::string> headers;    // lowercase names
  std::string body;
  std::string request_id;
  std::string base_url;  // scheme://host[:port] the client used, for links
  principal caller;
  std::unordered_map<std::string, std::string> params;  // {name} segments of the route

  std::optional<std::string> header(const std::string& lowercase_name) const {
    const auto it = headers.find(lowercase_name);
    return it == headers.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
  const std::string& param(const std::string& name) const { return params.at(name); }
};

struct response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. Location, Link

  static response json(std::string body, int status = 200) {
    return {status, "application/json", std::move(body), {}};
  }
};

/// A request the server refuses, with the status and a message naming what was wrong (and the
/// parameter at fault, if one is). The edge writes it as application/problem+json (RFC 9457).
class http_error : public std::runtime_error {
 public:
  http_error(int status, std::string detail, std::string parameter = {})
      : std::runtime_error(detail), m_status(status), m_parameter(std::move(parameter)) {}
  int status() const { return m_status; }
  const std::string& parameter() const { return m_parameter; }
  /// More members of the problem document, e.g. {"holder", "P000045"} for a conflict.
  http_error& with(std::string name, std::string value) {
    m_extras.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  const std::vector<std::pair<std::string, std::string>>& extras() const { return m_extras; }
  /// The problem type's code: the document's type is urn:sasaran:problem:<code>.
  http_error& typed(std::string code) {
    m_type = std::move(code);
    return *this;
  }
  const std::string& type() const { return m_type; }

 private:
  int m_status;
  std::string m_parameter;
  std::string m_type;  // empty: about:blank
  std::vector<std::pair<std::string, std::string>> m_extras;
};

}  // namespace server
