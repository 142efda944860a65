#include "server/geojson_writer.hpp"

#include <array>
#include <charconv>
#include <cmath>

namespace server {
namespace {

constexpr std::string_view replacement_character = "\xEF\xBF\xBD";  // U+FFFD

unsigned byte_at(std::string_view s, std::size_t i) {
  return static_cast<unsigned char>(s[i]);
}

// The length of the well-formed UTF-8 sequence starting `s` (Unicode 15, table 3-7), or 0 when
// it is ill-formed; then `subpart` is the length of its maximal ill-formed subpart, which one
// U+FFFD replaces.
std::size_t well_formed_length(std::string_view s, std::size_t& subpart) {
  const unsigned lead = byte_at(s, 0);
  std::size_t need = 0;
  unsigned low = 0x80, high = 0xBF;  // allowed range of the second byte
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) {
    need = 2;
  } else if (lead == 0xE0) {
    need = 3;
    low = 0xA0;  // no overlong forms
  } else if (lead == 0xED) {
    need = 3;
    high = 0x9F;  // no surrogates
  } else if (lead >= 0xE1 && lead <= 0xEF) {
    need = 3;
  } else if (lead == 0xF0) {
    need = 4;
    low = 0x90;
  } else if (lead >= 0xF1 && lead <= 0xF3) {
    need = 4;
  } else if (lead == 0xF4) {
    need = 4;
    high = 0x8F;  // nothing past U+10FFFF
  } else {
    subpart = 1;
    return 0;
  }
  std::size_t i = 1;
  for (; i < need && i < s.size(); ++i) {
    const unsigned b = byte_at(s, i);
    if (b < low || b > high) break;
    low = 0x80;
    high = 0xBF;
  }
  if (i == need) return need;
  subpart = i;
  return 0;
}

void append_escape(std::string& out, unsigned c) {
  static constexpr char hex[] = "0123456789abcdef";
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default:
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 15];
  }
}

constexpr bool needs_escape(unsigned c) {
  return c < 0x20 || c == '"' || c == '\\';
}

// Bytes copied as they are: ASCII that needs no escape. A table, since the test runs for every
// byte of every name and string written (a visible share of a nearest-10 request's CPU).
constexpr std::array<bool, 256> plain_bytes = [] {
  std::array<bool, 256> plain{};
  for (unsigned c = 0; c < 0x80; ++c)
    plain[c] = !needs_escape(c);
  return plain;
}();

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    // Plain ASCII runs are copied at once.
    std::size_t run = i;
    while (run < text.size() && plain_bytes[byte_at(text, run)])
      ++run;
    out.append(text, i, run - i);
    i = run;
    if (i == text.size()) break;
    const unsigned c = byte_at(text, i);
    if (c < 0x80) {
      append_escape(out, c);
      ++i;
      continue;
    }
    std::size_t subpart = 0;
    const std::size_t n = well_formed_length(text.substr(i), subpart);
    if (n) {
      out.append(text, i, n);
      i += n;
    } else {
      out += replacement_character;
      i += subpart;
    }
  }
  out += '"';
}

double ring_signed_area2(const geo::ring& points) {
  const std::size_t n = points.size() / 2;
  if (n < 3) return 0;
  // Relative to the first point, so that large coordinates do not cancel each other out.
  const double x0 = points[0], y0 = points[1];
  double sum = 0;
  for (std::size_t i = 1; i + 1 < n; ++i) {
    const double xa = points[2 * i] - x0, ya = points[2 * i + 1] - y0;
    const double xb = points[2 * i + 2] - x0, yb = points[2 * i + 3] - y0;
    sum += xa * yb - xb * ya;
  }
  return sum;
}

void geojson_writer::separate() {
  if (m_comma) m_out += ',';
}

geojson_writer& geojson_writer::begin_object() {
  separate();
  m_out += '{';
  m_comma = false;
  return *this;
}

geojson_writer& geojson_writer::end_object() {
  m_out += '}';
  m_comma = true;
  return *this;
}

geojson_writer& geojson_writer::begin_array() {
  separate();
  m_out += '[';
  m_comma = false;
  return *this;
}

geojson_writer& geojson_writer::end_array() {
  m_out += ']';
  m_comma = true;
  return *this;
}

geojson_writer& geojson_writer::key(std::string_view name) {
  separate();
  append_json_string(m_out, name);
  m_out += ':';
  m_comma = false;
  return *this;
}

geojson_writer& geojson_writer::value(std::string_view text) {
  separate();
  append_json_string(m_out, text);
  m_comma = true;
  return *this;
}

void geojson_writer::append_number(double number) {
  if (!std::isfinite(number)) {
    m_out += "null";
    return;
  }
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, number).ptr;
  m_out.append(buffer, end);
}

geojson_writer& geojson_writer::value(double number) {
  separate();
  append_number(number);
  m_comma = true;
  return *this;
}

geojson_writer& geojson_writer::value(bool flag) {
  return raw(flag ? "true" : "false");
}

geojson_writer& geojson_writer::integer(std::int64_t number) {
  separate();
  char buffer[24];
  m_out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, number).ptr);
  m_comma = true;
  return *this;
}

geojson_writer& geojson_writer::unsigned_integer(std::uint64_t number) {
  separate();
  char buffer[24];
  m_out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, number).ptr);
  m_comma = true;
  return *this;
}

geojson_writer& geojson_writer::null() {
  return raw("null");
}

geojson_writer& geojson_writer::raw(std::string_view json) {
  separate();
  m_out += json;
  m_comma = true;
  return *this;
}

geojson_writer& geojson_writer::point(double lon, double lat) {
  begin_object().member("type", "Point").key("coordinates").begin_array();
  value(lon).value(lat);
  return end_array().end_object();
}

geojson_writer& geojson_writer::bbox(const geo::bbox& box) {
  begin_array().value(box.min_x).value(box.min_y).value(box.max_x).value(box.max_y);
  return end_array();
}

void geojson_writer::ring(const geo::ring& points, bool reverse) {
  const std::size_t n = points.size() / 2;
  begin_array();
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = reverse ? n - 1 - k : k;
    begin_array().value(points[2 * i]).value(points[2 * i + 1]).end_array();
  }
  // RFC 7946 §3.1.6: the first and last positions are equivalent.
  const bool open = n > 0 && (points[0] != points[2 * n - 2] || points[1] != points[2 * n - 1]);
  if (open) {
    const std::size_t first = reverse ? n - 1 : 0;
    begin_array().value(points[2 * first]).value(points[2 * first + 1]).end_array();
  }
  end_array();
}

void geojson_writer::polygon_rings(const geo::polygon& shape) {
  begin_array();
  for (std::size_t i = 0; i < shape.rings.size(); ++i) {
    // RFC 7946 §3.1.6: exterior rings counter-clockwise, holes clockwise.
    const double area = ring_signed_area2(shape.rings[i]);
    ring(shape.rings[i], i == 0 ? area < 0 : area > 0);
  }
  end_array();
}

geojson_writer& geojson_writer::polygon(const geo::polygon& shape) {
  begin_object().member("type", "Polygon").key("coordinates");
  polygon_rings(shape);
  return end_object();
}

geojson_writer& geojson_writer::multipolygon(const geo::multipolygon& shape) {
  begin_object().member("type", "MultiPolygon").key("coordinates").begin_array();
  for (const geo::polygon& p : shape)
    polygon_rings(p);
  return end_array().end_object();
}

}  // namespace server
