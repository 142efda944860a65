#include "server/json_body.hpp"

#include <algorithm>

#include "server/query_params.hpp"

namespace server {

json_body::json_body(const request& r, std::initializer_list<std::string_view> members) {
  if (r.body.empty()) {
    m_doc = nlohmann::json::object();
    return;
  }
  try {
    m_doc = nlohmann::json::parse(r.body);
  } catch (const nlohmann::json::parse_error& e) {
    throw http_error(400, "body: not valid JSON (byte " + std::to_string(e.byte) + ")", "body");
  }
  if (!m_doc.is_object()) throw http_error(400, "body: expected a JSON object", "body");
  for (const auto& [name, value] : m_doc.items())
    if (std::find(members.begin(), members.end(), name) == members.end()) {
      throw http_error(
          400, "body: unknown member '" + name + "'; expected only " + comma_list(members), name);
    }
}

std::optional<std::string> json_body::text(const std::string& name) const {
  const auto it = m_doc.find(name);
  if (it == m_doc.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) throw http_error(400, name + ": expected a string", name);
  return it->get<std::string>();
}

std::string json_body::required_text(const std::string& name) const {
  std::optional<std::string> value = text(name);
  if (!value || value->empty()) throw http_error(400, name + ": required", name);
  return *value;
}

std::optional<std::int64_t> json_body::integer(const std::string& name) const {
  const auto it = m_doc.find(name);
  if (it == m_doc.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer()) throw http_error(400, name + ": expected a whole number", name);
  if (it->is_number_unsigned() && it->get<std::uint64_t>() > INT64_MAX)
    throw http_error(400, name + ": too large", name);
  return it->get<std::int64_t>();
}

}  // namespace server
