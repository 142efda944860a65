#pragma once
#include <protozero/pbf_message.hpp>

#include <cstdint>
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

inline std::vector<decoded_layer> decode_tile(const std::string& bytes) {
  std::vector<decoded_layer> layers;
  protozero::pbf_reader tile(bytes);
  while (tile.next(3))
    layers.push_back(decode_layer(tile.get_message()));
  return layers;
}

}  // namespace test_support
