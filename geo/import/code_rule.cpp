#include "geo/import/code_rule.hpp"

#include <charconv>

#include "geo/error.hpp"

namespace geo {

code_rule code_rule::parse(std::string_view spec, std::string_view strip_prefix) {
  std::vector<code_part> parts;
  if (spec.empty()) throw input_error("code rule is empty");
  for (bool last = false; !last;) {
    const std::size_t plus = spec.find('+');
    last = plus == std::string_view::npos;
    std::string_view piece = spec.substr(0, plus);
    if (!last) spec.remove_prefix(plus + 1);
    code_part part;
    part.strip_prefix = strip_prefix;
    if (const std::size_t colon = piece.find(':'); colon != std::string_view::npos) {
      const std::string_view width = piece.substr(colon + 1);
      const auto [end, ec] = std::from_chars(width.data(), width.data() + width.size(), part.pad);
      if (ec != std::errc{} || end != width.data() + width.size() || part.pad == 0)
        throw input_error("code rule '" + std::string(piece) + "': width '" + std::string(width) +
                          "' is not a positive number");
      piece = piece.substr(0, colon);
    }
    if (piece.empty()) throw input_error("code rule has an empty field name");
    part.field = piece;
    parts.push_back(std::move(part));
  }
  if (parts.empty()) throw input_error("code rule is empty");
  return code_rule(std::move(parts));
}

std::vector<std::string> code_rule::fields() const {
  std::vector<std::string> out;
  for (const code_part& p : m_parts)
    if (!p.field.empty()) out.push_back(p.field);
  return out;
}

std::string code_rule::apply(
    const std::function<std::string(const std::string&)>& field_value) const {
  std::string out;
  bool any_field_value = false;
  for (const code_part& p : m_parts) {
    if (p.field.empty()) {
      out += p.text;
      continue;
    }
    std::string value = field_value(p.field);
    if (value.empty()) continue;
    any_field_value = true;
    if (!p.strip_prefix.empty() && value.starts_with(p.strip_prefix))
      value.erase(0, p.strip_prefix.size());
    if (value.size() < p.pad) value.insert(0, p.pad - value.size(), '0');
    out += value;
  }
  return any_field_value ? out : std::string{};
}

std::string code_rule::apply_complete(
    const std::function<std::string(const std::string&)>& field_value) const {
  for (const std::string& field : fields())
    if (field_value(field).empty()) return {};
  return apply(field_value);
}

}  // namespace geo
