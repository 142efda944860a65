#include "server/json_body.hpp"

#include <algorithm>

#include "server/query_params.hpp"

namespace server {
namespace {

constexpr std::size_t max_depth = 16;

// A first pass over the body that names the member at fault, which nlohmann's DOM parser does
// not: a number out of the range of a double (1e400) and nesting deeper than any body we take.
class body_checker final : public nlohmann::json::json_sax_t {
 public:
  explicit body_checker(std::size_t size) : m_size(size) {}
  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override { return value() && enter(); }
  bool end_object() override { return leave(); }
  bool start_array(std::size_t) override { return value() && enter(); }
  bool end_array() override { return leave(); }
  bool key(string_t& name) override {
    if (m_depth == 1) {
      m_member = name;
      m_awaiting_member = true;
    }
    return true;
  }
  bool parse_error(std::size_t byte, const std::string&,
                   const nlohmann::json::exception& e) override {
    const std::string member = m_member.empty() ? "body" : m_member;
    if (e.id == 406)  // out_of_range.406: number overflow
      m_fault = http_error(400, member + ": number out of range", member);
    else if (m_awaiting_member && byte <= m_size)  // e.g. NaN, Infinity, a bare word
      m_fault = http_error(400, member + ": not a JSON value (byte " + std::to_string(byte) + ")",
                           member);
    else
      m_fault = http_error(400, "body: not valid JSON (byte " + std::to_string(byte) + ")", "body");
    return false;
  }
  const std::optional<http_error>& fault() const { return m_fault; }

 private:
  bool enter() {
    if (++m_depth <= max_depth) return true;
    const std::string member = m_member.empty() ? "body" : m_member;
    m_fault = http_error(
        400, member + ": nested deeper than " + std::to_string(max_depth) + " levels", member);
    return false;
  }
  bool leave() {
    --m_depth;
    return true;
  }
  bool value() {
    m_awaiting_member = false;
    return true;
  }
  std::size_t m_size;
  std::size_t m_depth = 0;
  std::string m_member;            // the top-level member being read
  bool m_awaiting_member = false;  // its name read, its value not begun
  std::optional<http_error> m_fault;
};

}  // namespace

json_body::json_body(const request& r, std::initializer_list<std::string_view> members) {
  if (r.body.empty()) {
    m_doc = nlohmann::json::object();
    return;
  }
  body_checker checker(r.body.size());
  if (!nlohmann::json::sax_parse(r.body, &checker)) {
    if (checker.fault()) throw *checker.fault();
    throw http_error(400, "body: not valid JSON", "body");
  }
  m_doc = nlohmann::json::parse(r.body);
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

std::optional<double> json_body::number(const std::string& name) const {
  const auto it = m_doc.find(name);
  if (it == m_doc.end() || it->is_null()) return std::nullopt;
  if (!it->is_number()) throw http_error(400, name + ": expected a number", name);
  return it->get<double>();
}

std::optional<std::int64_t> json_body::integer(const std::string& name) const {
  const auto it = m_doc.find(name);
  if (it == m_doc.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer()) throw http_error(400, name + ": expected a whole number", name);
  if (it->is_number_unsigned() && it->get<std::uint64_t>() > INT64_MAX)
    throw http_error(400, name + ": too large", name);
  return it->get<std::int64_t>();
}

std::optional<std::vector<std::string>> json_body::text_list(const std::string& name) const {
  const auto it = m_doc.find(name);
  if (it == m_doc.end() || it->is_null()) return std::nullopt;
  if (!it->is_array()) throw http_error(400, name + ": expected an array of strings", name);
  std::vector<std::string> out;
  for (const auto& item : *it) {
    if (!item.is_string()) throw http_error(400, name + ": expected an array of strings", name);
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace server
