#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace geo {

/// One piece of a composed value: an attribute (optionally without a prefix, zero-padded to a
/// width) or literal text.
struct code_part {
  std::string field;  // empty for literal text
  std::string text;   // the literal, when field is empty
  std::string strip_prefix;
  std::size_t pad = 0;
};

/// How an area's code, name or parent code is made from a feature's attributes, e.g. the HDX
/// `village_code` "id3172060007" without "id", or an RW code as KODE_KEL + RW padded to 3.
class code_rule {
 public:
  code_rule() = default;
  explicit code_rule(std::vector<code_part> parts) : m_parts(std::move(parts)) {}

  /// Parses the command-line form "FIELD[:WIDTH]+FIELD[:WIDTH]...", with `strip_prefix`
  /// applied to every field. Throws input_error on an empty or malformed rule.
  static code_rule parse(std::string_view spec, std::string_view strip_prefix = {});

  bool empty() const { return m_parts.empty(); }
  const std::vector<code_part>& parts() const { return m_parts; }
  /// Attribute names the rule reads.
  std::vector<std::string> fields() const;
  /// The composed value, reading attributes through `field_value`. Empty when every attribute
  /// it reads is empty; an empty attribute among filled ones is left out (for names).
  std::string apply(const std::function<std::string(const std::string&)>& field_value) const;
  /// The same, but empty as soon as any attribute it reads is empty: a code missing a part
  /// (an RW without its number) is no code at all.
  std::string apply_complete(
      const std::function<std::string(const std::string&)>& field_value) const;

 private:
  std::vector<code_part> m_parts;
};

}  // namespace geo
