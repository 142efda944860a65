#include "tiles/tile_source.hpp"

#include <array>

#include "tiles/tile_id.hpp"

namespace tiles {

namespace {

// RTs are small (a few hundred metres); below zoom 14 they would be specks, and the RW layer
// already shows the same coverage there. Targets are clusters below zoom 14 (target_layer).
constexpr std::array<source_spec, 4> s_sources{{
    {tile_source::kelurahan, "kelurahan", geo::admin_level::kelurahan, 0, max_zoom},
    {tile_source::rw, "rw", geo::admin_level::rw, 0, max_zoom},
    {tile_source::rt, "rt", geo::admin_level::rt, 14, max_zoom},
    {tile_source::targets, "targets", std::nullopt, 0, max_zoom},
}};

}  // namespace

std::span<const source_spec> tile_sources() {
  return s_sources;
}

const source_spec& spec_of(tile_source source) {
  return s_sources[static_cast<std::size_t>(source)];
}

std::optional<tile_source> parse_tile_source(std::string_view name) {
  for (const source_spec& spec : s_sources)
    if (spec.name == name) return spec.source;
  return std::nullopt;
}

}  // namespace tiles
