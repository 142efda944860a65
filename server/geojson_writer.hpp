#pragma once
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "geo/bbox.hpp"
#include "geo/multipolygon.hpp"

namespace server {

/// A streaming writer of JSON (RFC 8259) and GeoJSON geometries (RFC 7946) into one string:
/// members and array elements are separated as they come, numbers are written with
/// std::to_chars in their shortest round-trip form, and text is escaped with invalid UTF-8
/// replaced by U+FFFD, never thrown on. The caller balances begin_* and end_*.
///
///   geojson_writer out;
///   out.begin_object().member("type", "Feature").key("geometry").point(106.8, -6.2);
///   out.end_object();
class geojson_writer {
 public:
  geojson_writer() = default;
  explicit geojson_writer(std::size_t reserve) { m_out.reserve(reserve); }

  geojson_writer& begin_object();
  geojson_writer& end_object();
  geojson_writer& begin_array();
  geojson_writer& end_array();
  /// A member name; the next value written is its value.
  geojson_writer& key(std::string_view name);

  geojson_writer& value(std::string_view text);
  geojson_writer& value(const char* text) { return value(std::string_view(text)); }
  /// Shortest round-trip form; NaN and infinities, which JSON cannot hold, become null.
  geojson_writer& value(double number);
  geojson_writer& value(bool flag);
  template <std::integral T>
  geojson_writer& value(T number) {
    if constexpr (std::is_signed_v<T>)
      return integer(static_cast<std::int64_t>(number));
    else
      return unsigned_integer(static_cast<std::uint64_t>(number));
  }
  geojson_writer& null();
  /// JSON text written as one value, unchecked.
  geojson_writer& raw(std::string_view json);

  template <typename T>
  geojson_writer& member(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

  /// {"type":"Point","coordinates":[lon,lat]}
  geojson_writer& point(double lon, double lat);
  /// A Polygon (RFC 7946 §3.1.6): the exterior ring counter-clockwise, holes clockwise (rings
  /// are reversed where needed), each ring closed by repeating its first position.
  geojson_writer& polygon(const geo::polygon& shape);
  /// A MultiPolygon of such polygons (an empty shape gives empty coordinates).
  geojson_writer& multipolygon(const geo::multipolygon& shape);
  /// [min_x,min_y,max_x,max_y]
  geojson_writer& bbox(const geo::bbox& box);

  const std::string& str() const { return m_out; }
  std::string take() { return std::move(m_out); }

 private:
  void separate();
  geojson_writer& integer(std::int64_t number);
  geojson_writer& unsigned_integer(std::uint64_t number);
  void append_number(double number);
  void polygon_rings(const geo::polygon& shape);
  void ring(const geo::ring& points, bool reverse);

  std::string m_out;
  bool m_comma = false;  // a value was written at this level: the next one needs a comma
};

/// Appends `text` as a JSON string with its quotes: '"', '\\' and control characters escaped,
/// each maximal ill-formed UTF-8 subpart replaced by U+FFFD (Unicode 15, §3.9).
void append_json_string(std::string& out, std::string_view text);

/// Twice the signed area of a ring of interleaved x, y (closed or not): positive when the ring
/// runs counter-clockwise in a y-up frame such as lon/lat.
double ring_signed_area2(const geo::ring& points);

}  // namespace server
