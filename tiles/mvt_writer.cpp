#include "tiles/mvt_writer.hpp"

#include <protozero/pbf_writer.hpp>

namespace tiles {

namespace {

// vector_tile.proto field numbers.
namespace tile_field {
constexpr protozero::pbf_tag_type layers = 3;
}
namespace layer_field {
constexpr protozero::pbf_tag_type name = 1;
constexpr protozero::pbf_tag_type features = 2;
constexpr protozero::pbf_tag_type keys = 3;
constexpr protozero::pbf_tag_type values = 4;
constexpr protozero::pbf_tag_type extent = 5;
constexpr protozero::pbf_tag_type version = 15;
}  // namespace layer_field
namespace feature_field {
constexpr protozero::pbf_tag_type id = 1;
constexpr protozero::pbf_tag_type tags = 2;
constexpr protozero::pbf_tag_type type = 3;
constexpr protozero::pbf_tag_type geometry = 4;
}  // namespace feature_field
namespace value_field {
constexpr protozero::pbf_tag_type string_value = 1;
constexpr protozero::pbf_tag_type double_value = 3;
constexpr protozero::pbf_tag_type int_value = 4;
constexpr protozero::pbf_tag_type uint_value = 5;
constexpr protozero::pbf_tag_type sint_value = 6;
constexpr protozero::pbf_tag_type bool_value = 7;
}  // namespace value_field

constexpr std::uint32_t geom_point = 1;
constexpr std::uint32_t geom_polygon = 3;
constexpr std::uint32_t move_to = 1;
constexpr std::uint32_t line_to = 2;
constexpr std::uint32_t close_path = 7;

// Writes command integers, keeping the cursor across parts of one feature: MVT 2.1 §4.3.1
// makes every parameter relative to the previous point, even across rings.
class geometry_encoder {
 public:
  void command(std::uint32_t id, std::uint32_t count) {
    m_out.push_back(command_integer(id, count));
  }
  void point(tile_point p) {
    m_out.push_back(zigzag(p.x - m_cursor.x));
    m_out.push_back(zigzag(p.y - m_cursor.y));
    m_cursor = p;
  }
  // A cleaned ring: MoveTo its first point, LineTo the others, ClosePath back to the first.
  void ring(const tile_ring& r) {
    command(move_to, 1);
    point(r.front());
    command(line_to, static_cast<std::uint32_t>(r.size() - 1));
    for (std::size_t i = 1; i < r.size(); ++i)
      point(r[i]);
    command(close_path, 1);
  }
  const std::vector<std::uint32_t>& integers() const { return m_out; }
  bool empty() const { return m_out.empty(); }

 private:
  std::vector<std::uint32_t> m_out;
  tile_point m_cursor;
};

template <typename Write>
std::string encoded_value(Write write) {
  std::string out;
  protozero::pbf_writer value(out);
  write(value);
  return out;
}

// A ring ready for writing, or nothing when it encloses no area.
bool prepare_ring(tile_ring& ring, bool exterior) {
  drop_repeated_points(ring);
  if (!encloses_area(ring)) return false;
  orient(ring, exterior);
  return true;
}

}  // namespace

property_value property_value::string(std::string text) {
  return property_value(encoded_value(
      [&](protozero::pbf_writer& w) { w.add_string(value_field::string_value, text); }));
}
property_value property_value::real(double number) {
  return property_value(encoded_value(
      [&](protozero::pbf_writer& w) { w.add_double(value_field::double_value, number); }));
}
property_value property_value::integer(std::int64_t number) {
  return property_value(encoded_value(
      [&](protozero::pbf_writer& w) { w.add_int64(value_field::int_value, number); }));
}
property_value property_value::count(std::uint64_t number) {
  return property_value(encoded_value(
      [&](protozero::pbf_writer& w) { w.add_uint64(value_field::uint_value, number); }));
}
property_value property_value::signed_int(std::int64_t number) {
  return property_value(encoded_value(
      [&](protozero::pbf_writer& w) { w.add_sint64(value_field::sint_value, number); }));
}
property_value property_value::boolean(bool flag) {
  return property_value(
      encoded_value([&](protozero::pbf_writer& w) { w.add_bool(value_field::bool_value, flag); }));
}

mvt_layer::mvt_layer(std::string name, std::uint32_t extent)
    : m_name(std::move(name)), m_extent(extent) {}

void mvt_layer::add_points(std::uint64_t id, std::span<const tile_point> points,
                           std::span<const property> properties) {
  if (points.empty()) return;
  geometry_encoder geometry;
  geometry.command(move_to, static_cast<std::uint32_t>(points.size()));
  for (const tile_point& p : points)
    geometry.point(p);
  add_feature(id, geom_point, tags_of(properties), geometry.integers());
}

bool mvt_layer::add_polygons(std::uint64_t id, std::span<const tile_polygon> polygons,
                             std::span<const property> properties) {
  geometry_encoder geometry;
  for (const tile_polygon& polygon : polygons) {
    if (polygon.rings.empty()) continue;
    tile_ring exterior = polygon.rings.front();
    if (!prepare_ring(exterior, true)) continue;  // its holes go with it
    geometry.ring(exterior);
    for (std::size_t i = 1; i < polygon.rings.size(); ++i) {
      tile_ring hole = polygon.rings[i];
      if (prepare_ring(hole, false)) geometry.ring(hole);
    }
  }
  if (geometry.empty()) return false;
  add_feature(id, geom_polygon, tags_of(properties), geometry.integers());
  return true;
}

std::uint32_t mvt_layer::key_index(const std::string& key) {
  return index_of(key, m_keys, m_key_index);
}

std::uint32_t mvt_layer::value_index(const property_value& value) {
  return index_of(value.encoded(), m_values, m_value_index);
}

std::uint32_t mvt_layer::add_distinct_value(const property_value& value) {
  m_values.push_back(value.encoded());
  return static_cast<std::uint32_t>(m_values.size() - 1);
}

void mvt_layer::add_tagged_point(std::uint64_t id, tile_point point,
                                 std::span<const std::uint32_t> tags) {
  const std::uint32_t geometry[] = {command_integer(move_to, 1), zigzag(point.x), zigzag(point.y)};
  add_feature(id, geom_point, tags, geometry);
}

std::vector<std::uint32_t> mvt_layer::tags_of(std::span<const property> properties) {
  std::vector<std::uint32_t> tags;
  tags.reserve(properties.size() * 2);
  for (const property& p : properties) {
    tags.push_back(index_of(p.key, m_keys, m_key_index));
    tags.push_back(index_of(p.value.encoded(), m_values, m_value_index));
  }
  return tags;
}

std::uint32_t mvt_layer::index_of(const std::string& item, std::vector<std::string>& items,
                                  std::unordered_map<std::string, std::uint32_t>& index) {
  const auto [at, added] = index.try_emplace(item, static_cast<std::uint32_t>(items.size()));
  if (added) items.push_back(item);
  return at->second;
}

// Writes the Feature message straight into the layer with its sizes worked out first, not
// through nested protozero writers, which reserve room for each length and shift the bytes
// back afterwards: a z14 targets layer holds thousands of small features.
void mvt_layer::add_feature(std::uint64_t id, std::uint32_t type,
                            std::span<const std::uint32_t> tags,
                            std::span<const std::uint32_t> geometry) {
  const auto packed_size = [](std::span<const std::uint32_t> values) {
    std::size_t n = 0;
    for (const std::uint32_t v : values)
      n += static_cast<std::size_t>(protozero::length_of_varint(v));
    return n;
  };
  const auto varint_size = [](std::uint64_t v) {
    return static_cast<std::size_t>(protozero::length_of_varint(v));
  };
  const std::size_t tags_size = packed_size(tags);
  const std::size_t geometry_size = packed_size(geometry);
  std::size_t size =
      1 + varint_size(id) + 1 + varint_size(type) + 1 + varint_size(geometry_size) + geometry_size;
  if (!tags.empty()) size += 1 + varint_size(tags_size) + tags_size;

  const std::size_t start = m_features.size();
  m_features.resize(start + 1 + varint_size(size) + size);
  char* at = m_features.data() + start;
  const auto key = [&at](protozero::pbf_tag_type field, int wire_type) {
    *at++ = static_cast<char>((field << 3) | static_cast<std::uint32_t>(wire_type));
  };
  const auto varint = [&at](std::uint64_t v) { at += protozero::add_varint_to_buffer(at, v); };
  constexpr int wire_varint = 0;
  constexpr int wire_length = 2;
  key(layer_field::features, wire_length);
  varint(size);
  key(feature_field::id, wire_varint);
  varint(id);
  if (!tags.empty()) {
    key(feature_field::tags, wire_length);
    varint(tags_size);
    for (const std::uint32_t t : tags)
      varint(t);
  }
  key(feature_field::type, wire_varint);
  varint(type);
  key(feature_field::geometry, wire_length);
  varint(geometry_size);
  for (const std::uint32_t g : geometry)
    varint(g);
  ++m_feature_count;
}

std::string mvt_layer::encoded() const {
  std::string out;
  {
    protozero::pbf_writer head(out);
    head.add_uint32(layer_field::version, 2);
    head.add_string(layer_field::name, m_name);
  }
  out += m_features;
  protozero::pbf_writer tail(out);
  for (const std::string& key : m_keys)
    tail.add_string(layer_field::keys, key);
  for (const std::string& value : m_values)
    tail.add_message(layer_field::values, value);
  tail.add_uint32(layer_field::extent, m_extent);
  return out;
}

std::string encode_tile(std::span<const mvt_layer> layers) {
  std::string out;
  protozero::pbf_writer tile(out);
  for (const mvt_layer& layer : layers)
    if (!layer.empty()) tile.add_message(tile_field::layers, layer.encoded());
  return out;
}

}  // namespace tiles
