#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "tiles/tile_geometry.hpp"
#include "tiles/tile_id.hpp"

namespace tiles {

/// A feature property's value, typed as one of MVT 2.1's Value fields (vector_tile.proto
/// §Value): made through the named constructors so an integer never becomes a double by
/// accident, nor a string a bool.
class property_value {
 public:
  static property_value string(std::string text);
  static property_value real(double number);              // double_value
  static property_value integer(std::int64_t number);     // int_value
  static property_value count(std::uint64_t number);      // uint_value
  static property_value signed_int(std::int64_t number);  // sint_value (zigzag)
  static property_value boolean(bool flag);

  /// The encoded Value message: what the layer writes, and its key for de-duplication (so
  /// 1 as int, as uint and as double stay three values, as their types differ).
  const std::string& encoded() const { return m_encoded; }

 private:
  explicit property_value(std::string encoded) : m_encoded(std::move(encoded)) {}
  std::string m_encoded;
};

/// One property of a feature.
struct property {
  std::string key;
  property_value value;
};

/// One layer of a vector tile being written (MVT 2.1 §4.1): version 2, its name, its extent,
/// its features, and the keys and values its features' tags point at, each written once.
class mvt_layer {
 public:
  explicit mvt_layer(std::string name, std::uint32_t extent = tile_extent);

  /// Adds a Point feature: one point, or a multipoint when several (MVT 2.1 §4.3.4.2).
  void add_points(std::uint64_t id, std::span<const tile_point> points,
                  std::span<const property> properties);
  /// Adds a Polygon feature from polygons of exterior and holes (MVT 2.1 §4.3.4.4). Rings are
  /// cleaned (repeated points dropped) and wound as the spec asks; a ring enclosing no area
  /// is dropped, with the holes of a dropped exterior. Writes nothing and returns false when
  /// no polygon is left.
  bool add_polygons(std::uint64_t id, std::span<const tile_polygon> polygons,
                    std::span<const property> properties);

  /// The index of a key or a value in the layer's tables, added when new: for many features
  /// whose tags are worked out once (add_tagged_point).
  std::uint32_t key_index(const std::string& key);
  std::uint32_t value_index(const property_value& value);
  /// Adds a value the caller knows differs from every other value of the layer (a target's
  /// id, unique and unlike any other property), skipping the look-up.
  std::uint32_t add_distinct_value(const property_value& value);
  /// Adds a Point feature of one point whose tags are already indices (key, value, ...).
  void add_tagged_point(std::uint64_t id, tile_point point, std::span<const std::uint32_t> tags);

  const std::string& name() const { return m_name; }
  std::size_t feature_count() const { return m_feature_count; }
  bool empty() const { return m_feature_count == 0; }

  /// The encoded Layer message.
  std::string encoded() const;

 private:
  std::vector<std::uint32_t> tags_of(std::span<const property> properties);
  std::uint32_t index_of(const std::string& item, std::vector<std::string>& items,
                         std::unordered_map<std::string, std::uint32_t>& index);
  void add_feature(std::uint64_t id, std::uint32_t type, std::span<const std::uint32_t> tags,
                   std::span<const std::uint32_t> geometry);

  std::string m_name;
  std::uint32_t m_extent;
  std::string m_features;  // encoded Feature fields (tag 2), in the order added
  std::size_t m_feature_count = 0;
  std::vector<std::string> m_keys;
  std::unordered_map<std::string, std::uint32_t> m_key_index;
  std::vector<std::string> m_values;  // encoded Value messages
  std::unordered_map<std::string, std::uint32_t> m_value_index;
};

/// The Tile message holding the layers with features, in order; empty layers are left out,
/// and a tile with no feature at all is the empty string.
std::string encode_tile(std::span<const mvt_layer> layers);

/// MVT 2.1 §4.3.2: parameter integers are zigzag-encoded so small negatives stay small.
constexpr std::uint32_t zigzag(std::int32_t n) {
  return (static_cast<std::uint32_t>(n) << 1) ^ static_cast<std::uint32_t>(n >> 31);
}

/// MVT 2.1 §4.3.1: a command integer, the command id in the low 3 bits and the count above.
constexpr std::uint32_t command_integer(std::uint32_t id, std::uint32_t count) {
  return (id & 0x7u) | (count << 3);
}

}  // namespace tiles
