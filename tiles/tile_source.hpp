#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "geo/admin_level.hpp"

namespace tiles {

/// The layers a map can ask for; a tile holds one layer per source asked.
enum class tile_source { kelurahan, rw, rt, targets };

/// What a source shows and at which zooms (TileJSON's vector_layers come from here).
struct source_spec {
  tile_source source;
  std::string_view name;                  // the layer's name and the URL's word
  std::optional<geo::admin_level> level;  // the areas shown; nothing for targets
  std::uint32_t min_zoom;
  std::uint32_t max_zoom;
};

/// Every source, in the order of their layers in a composite tile.
std::span<const source_spec> tile_sources();
const source_spec& spec_of(tile_source source);
/// The source named `name` in a URL; nothing for an unknown one.
std::optional<tile_source> parse_tile_source(std::string_view name);

}  // namespace tiles
