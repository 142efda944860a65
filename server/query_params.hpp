#pragma once
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geo/bbox.hpp"
#include "server/http.hpp"

namespace server {

/// Strict reading of a request's query parameters: a parameter the route does not know, one
/// given twice, or a value that is not exactly what is expected is a 400 naming the parameter
/// and what was expected ("k: expected an integer from 1 to 100, got '8x'").
class query_params {
 public:
  query_params(const request& r, std::initializer_list<std::string_view> known);
  query_params(const request& r, const std::vector<std::string>& known);

  bool has(std::string_view name) const { return find(name) != nullptr; }
  std::optional<std::string> text(std::string_view name) const;
  /// A required decimal number within [min, max].
  double number(std::string_view name, double min, double max) const;
  std::optional<double> optional_number(std::string_view name, double min, double max) const;
  /// A whole number within [min, max], `fallback` when absent.
  std::size_t count(std::string_view name, std::size_t fallback, std::size_t min,
                    std::size_t max) const;
  /// One of `choices`, `fallback` when absent.
  std::string one_of(std::string_view name, std::string_view fallback,
                     std::initializer_list<std::string_view> choices) const;
  /// A program of geo::programs; nothing when absent.
  std::optional<std::string> program(std::string_view name = "program") const;
  /// minLon,minLat,maxLon,maxLat in degrees, at most `max_span` degrees wide and high.
  std::optional<geo::bbox> box(std::string_view name, double max_span) const;
  const std::vector<std::pair<std::string, std::string>>& all() const { return m_params; }

 private:
  void check(const std::vector<std::string_view>& known) const;
  const std::string* find(std::string_view name) const;
  std::vector<std::pair<std::string, std::string>> m_params;
};

/// "a, b, c": words for messages that list what is expected.
template <typename Words>
std::string comma_list(const Words& words) {
  std::string list;
  for (const auto& w : words)
    list += (list.empty() ? "" : ", ") + std::string(w);
  return list;
}

/// Parses a whole decimal number (no spaces, no trailing text, finite); nothing otherwise.
std::optional<double> parse_strict_double(std::string_view text);

}  // namespace server
