#include "server/query_params.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "geo/target.hpp"

namespace server {
namespace {

[[noreturn]] void refuse(std::string_view name, const std::string& expected,
                         const std::string& got) {
  throw http_error(400, std::string(name) + ": expected " + expected + ", got '" + got + "'",
                   std::string(name));
}

std::string format(double v) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr;
  return std::string(buffer, end);
}

}  // namespace

std::optional<double> parse_strict_double(std::string_view text) {
  if (text.empty() || text.front() == '+') return std::nullopt;
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

query_params::query_params(const request& r, std::initializer_list<std::string_view> known)
    : m_params(r.query) {
  check(std::vector<std::string_view>(known));
}

query_params::query_params(const request& r, const std::vector<std::string>& known)
    : m_params(r.query) {
  check(std::vector<std::string_view>(known.begin(), known.end()));
}

void query_params::check(const std::vector<std::string_view>& known) const {
  for (std::size_t i = 0; i < m_params.size(); ++i) {
    const std::string& name = m_params[i].first;
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      const std::string list = comma_list(known);
      throw http_error(400,
                       "unknown query parameter '" + name +
                           "'; this endpoint takes: " + (list.empty() ? "none" : list),
                       name);
    }
    for (std::size_t j = 0; j < i; ++j)
      if (m_params[j].first == name) throw http_error(400, name + ": given more than once", name);
  }
}

const std::string* query_params::find(std::string_view name) const {
  for (const auto& [key, value] : m_params)
    if (key == name) return &value;
  return nullptr;
}

std::optional<std::string> query_params::text(std::string_view name) const {
  const std::string* v = find(name);
  return v ? std::optional<std::string>(*v) : std::nullopt;
}

double query_params::number(std::string_view name, double min, double max) const {
  const std::string* v = find(name);
  if (!v) throw http_error(400, std::string(name) + ": required", std::string(name));
  return *optional_number(name, min, max);
}

std::optional<double> query_params::optional_number(std::string_view name, double min,
                                                    double max) const {
  const std::string* v = find(name);
  if (!v) return std::nullopt;
  const std::optional<double> value = parse_strict_double(*v);
  const std::string expected = "a number from " + format(min) + " to " + format(max);
  if (!value || *value < min || *value > max) refuse(name, expected, *v);
  return value;
}

std::size_t query_params::count(std::string_view name, std::size_t fallback, std::size_t min,
                                std::size_t max) const {
  const std::string* v = find(name);
  if (!v) return fallback;
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), value);
  if (v->empty() || ec != std::errc() || end != v->data() + v->size() || value < min || value > max)
    refuse(name, "an integer from " + std::to_string(min) + " to " + std::to_string(max), *v);
  return value;
}

std::string query_params::one_of(std::string_view name, std::string_view fallback,
                                 std::initializer_list<std::string_view> choices) const {
  const std::string* v = find(name);
  if (!v) return std::string(fallback);
  if (std::find(choices.begin(), choices.end(), *v) != choices.end()) return *v;
  refuse(name, "one of " + comma_list(choices), *v);
}

std::optional<std::string> query_params::program(std::string_view name) const {
  const std::string* v = find(name);
  if (!v) return std::nullopt;
  std::string program = geo::program_name(*v);
  if (!geo::is_program(program)) refuse(name, "one of " + comma_list(geo::programs), *v);
  return program;
}

std::optional<geo::bbox> query_params::box(std::string_view name, double max_span) const {
  const std::string* v = find(name);
  if (!v) return std::nullopt;
  double c[4];
  std::size_t n = 0, start = 0;
  for (; n < 4; ++n) {
    const std::size_t comma = v->find(',', start);
    const std::size_t end = comma == std::string::npos ? v->size() : comma;
    const auto value = parse_strict_double(std::string_view(*v).substr(start, end - start));
    if (!value) break;
    c[n] = *value;
    start = end + 1;
    if (comma == std::string::npos) {
      ++n;
      break;
    }
  }
  const std::string expected = "minLon,minLat,maxLon,maxLat in degrees";
  if (n != 4 || start <= v->size()) refuse(name, expected, *v);
  if (c[0] < -180 || c[2] > 180 || c[1] < -90 || c[3] > 90 || c[0] > c[2] || c[1] > c[3])
    refuse(name, expected + " with min <= max, lon in [-180, 180], lat in [-90, 90]", *v);
  if (c[2] - c[0] > max_span || c[3] - c[1] > max_span)
    refuse(name, "a box at most " + format(max_span) + " degrees wide and high", *v);
  return geo::bbox{c[0], c[1], c[2], c[3]};
}

}  // namespace server
