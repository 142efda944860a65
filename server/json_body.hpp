#pragma once
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/http.hpp"

namespace server {

/// A JSON object request body read strictly: invalid JSON, another type than an object, an
/// unknown member, a member of the wrong type or a member whose value is not JSON (NaN) is a
/// 400 naming the member and what was expected. An empty body reads as {}.
class json_body {
 public:
  json_body(const request& r, std::initializer_list<std::string_view> members);

  std::optional<std::string> text(const std::string& name) const;
  std::string required_text(const std::string& name) const;
  std::optional<std::int64_t> integer(const std::string& name) const;
  /// An array of strings; 400 for anything else.
  std::optional<std::vector<std::string>> text_list(const std::string& name) const;
  /// A JSON number (integer or not); JSON has no NaN nor infinity.
  std::optional<double> number(const std::string& name) const;

 private:
  nlohmann::json m_doc;
};

}  // namespace server
