#pragma once
#include <protozero/pbf_message.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace test_support {

// A minimal reading of vector_tile.proto for checking our writer field by field; the
// independent check is GDAL's MVT driver (test_tile_builder.cpp).
struct decoded_feature {
  std::uint64_t id = 0;
  std::uint32_t type = 0;
  std::vector<std::uint32_t> tags;
  std::vector<std::uint32_t> geometry;
};

struct decoded_layer {
  std::uint32_t version = 0;
  std::string name;
  std::uint32_t extent = 0;
  std::vector<std::string> keys;
  std::vector<std::string> values;  // encoded Value messages
  std::vector<decoded_feature> features;
};

inline decoded_feature decode_feature(protozero::pbf_reader message) {
  decoded_feature f;
  while (message.next()) {
    switch (message.tag()) {
      case 1:
        f.id = message.get_uint64();
        break;
      case 2: {
        const auto r = message.get_packed_uint32();
        f.tags.assign(r.begin(), r.end());
        break;
      }
      case 3:
        f.type = static_cast<std::uint32_t>(message.get_enum());
        break;
      case 4: {
        const auto r = message.get_packed_uint32();
        f.geometry.assign(r.begin(), r.end());
        break;
      }
      default:
        message.skip();
    }
  }
  return f;
}

inline decoded_layer decode_layer(protozero::pbf_reader message) {
  decoded_layer layer;
  while (message.next()) {
    switch (message.tag()) {
      case 15:
        layer.version = message.get_uint32();
        break;
      case 1:
        layer.name = message.get_string();
        break;
      case 2:
        layer.features.push_back(decode_feature(message.get_message()));
        break;
      case 3:
        layer.keys.push_back(message.get_string());
        break;
      case 4:
        layer.values.push_back(message.get_string());
        break;
      case 5:
        layer.extent = message.get_uint32();
        break;
      default:
        message.skip();
    }
  }
  return layer;
}

// A Value message as text: strings as they are, numbers in decimal, booleans as true/false.
inline std::string value_text(const std::string& encoded) {
  protozero::pbf_reader value(encoded);
  while (value.next()) {
    switch (value.tag()) {
      case 1:
        return value.get_string();
      case 3:
        return std::to_string(value.get_double());
      case 4:
        return std::to_string(value.get_int64());
      case 5:
        return std::to_string(value.get_uint64());
      case 6:
        return std::to_string(value.get_sint64());
      case 7:
        return value.get_bool() ? "true" : "false";
      default:
        value.skip();
    }
  }
  return "";
}

// A feature's properties by key, values as text.
inline std::map<std::string, std::string> properties_of(const decoded_layer& layer,
                                                        const decoded_feature& f) {
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i + 1 < f.tags.size(); i += 2)
    out[layer.keys.at(f.tags[i])] = value_text(layer.values.at(f.tags[i + 1]));
  return out;
}

// The point of a one-point Point feature (MoveTo(1) x y), or nothing for any other geometry.
inline std::optional<std::pair<std::int64_t, std::int64_t>> single_point(const decoded_feature& f) {
  if (f.type != 1 || f.geometry.size() != 3 || f.geometry[0] != 9) return std::nullopt;
  const auto param = [](std::uint32_t v) {
    return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
  };
  return std::pair{param(f.geometry[1]), param(f.geometry[2])};
}

inline std::vector<decoded_layer> decode_tile(const std::string& bytes) {
  std::vector<decoded_layer> layers;
  protozero::pbf_reader tile(bytes);
  while (tile.next(3))
    layers.push_back(decode_layer(tile.get_message()));
  return layers;
}

// What is wrong with a Polygon feature's geometry per MVT 2.1 §4.3 (empty when nothing):
// MoveTo(1), LineTo(2 or more) without zero-length segments, ClosePath(1); every ring with an
// area, the first one exterior (positive area in tile coordinates); every point within the
// tile plus `buffer`.
inline std::string polygon_geometry_problem(const std::vector<std::uint32_t>& g,
                                            std::int64_t buffer = 64) {
  std::int64_t x = 0, y = 0;
  std::vector<std::pair<std::int64_t, std::int64_t>> ring;
  bool first_ring = true;
  auto param = [](std::uint32_t v) {
    return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
  };
  for (std::size_t i = 0; i < g.size();) {
    const std::uint32_t id = g[i] & 7, count = g[i] >> 3;
    ++i;
    if (id == 1 || id == 2) {
      if (id == 1 && (count != 1 || !ring.empty())) return "MoveTo not starting a ring";
      if (id == 2 && (count < 2 || ring.size() != 1)) return "LineTo with fewer than 2 points";
      if (i + 2 * count > g.size()) return "parameters missing";
      for (std::uint32_t k = 0; k < count; ++k, i += 2) {
        const std::int64_t dx = param(g[i]), dy = param(g[i + 1]);
        if (id == 2 && dx == 0 && dy == 0) return "zero-length segment";
        x += dx, y += dy;
        if (x < -buffer || y < -buffer || x > 4096 + buffer || y > 4096 + buffer)
          return "point outside tile and buffer";
        ring.emplace_back(x, y);
      }
    } else if (id == 7) {
      if (count != 1 || ring.size() < 3) return "ClosePath after fewer than 3 points";
      std::int64_t area2 = 0;
      for (std::size_t k = 0; k < ring.size(); ++k) {
        const auto& [ax, ay] = ring[k];
        const auto& [bx, by] = ring[(k + 1) % ring.size()];
        area2 += ax * by - bx * ay;
      }
      if (area2 == 0) return "ring without area";
      if (first_ring && area2 < 0) return "first ring is not an exterior (clockwise)";
      first_ring = false;
      ring.clear();
    } else {
      return "unknown command " + std::to_string(id);
    }
  }
  return ring.empty() ? "" : "ring not closed";
}

}  // namespace test_support
