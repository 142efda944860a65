#include "server/ogc_feature.hpp"

#include <charconv>

namespace server {
namespace {

bool reads_as(const ogc_value& v, std::string_view text) {
  char buffer[32];
  if (const auto* s = std::get_if<std::string_view>(&v)) return *s == text;
  if (const auto* i = std::get_if<std::int64_t>(&v))
    return std::string_view(buffer, std::to_chars(buffer, buffer + sizeof buffer, *i).ptr) == text;
  if (const auto* d = std::get_if<double>(&v))
    return std::string_view(buffer, std::to_chars(buffer, buffer + sizeof buffer, *d).ptr) == text;
  return false;
}

void write_value(geojson_writer& out, const ogc_value& v) {
  if (const auto* s = std::get_if<std::string_view>(&v))
    out.value(*s);
  else if (const auto* i = std::get_if<std::int64_t>(&v))
    out.value(*i);
  else if (const auto* d = std::get_if<double>(&v))
    out.value(*d);
  else
    out.null();
}

}  // namespace

bool ogc_feature::shows(std::string_view name, std::string_view text) const {
  for (const ogc_property& p : properties)
    if (p.name == name) return reads_as(p.value, text);
  return false;
}

void write_feature(geojson_writer& out, const ogc_feature& f) {
  out.begin_object();
  write_feature_members(out, f);
  out.end_object();
}

void write_feature_members(geojson_writer& out, const ogc_feature& f) {
  out.member("type", "Feature").member("id", f.id).key("geometry");
  if (f.shape)
    out.multipolygon(*f.shape);
  else if (f.point)
    out.point(f.point->lon, f.point->lat);
  else
    out.null();
  out.key("properties").begin_object();
  for (const ogc_property& p : f.properties) {
    out.key(p.name);
    write_value(out, p.value);
  }
  out.end_object();
}

}  // namespace server
