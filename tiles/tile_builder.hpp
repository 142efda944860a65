#pragma once
#include <array>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "geo/engine.hpp"
#include "tiles/mvt_writer.hpp"
#include "tiles/simplified_areas.hpp"
#include "tiles/tile_id.hpp"
#include "tiles/tile_source.hpp"

namespace tiles {

/// Makes vector tiles from the engine's areas and their live coverage. Area shapes are
/// simplified per zoom once (simplified_areas) and clipped per tile; coverage is read from the
/// engine at each build, so a tile built after a pledge shows it. Safe from many threads.
///
/// Layer properties (MVT values typed: strings, uint counts, double ratios):
/// - kelurahan: code, name, kecamatan, kota (names), and the coverage fields;
/// - rw: code, rw (its number), kelurahan (code), and the coverage fields;
/// - rt: code, rt (its number), rw (code), kelurahan (code), and the coverage fields.
/// Coverage fields: targets, pledged, delivered, pledged_ratio, delivered_ratio, unserved,
/// unmet_priority, for all programs or the program asked. Feature ids are the numeric codes.
class tile_builder {
 public:
  /// The engine must outlive the builder.
  explicit tile_builder(const geo::engine& engine);
  ~tile_builder();
  tile_builder(const tile_builder&) = delete;
  tile_builder& operator=(const tile_builder&) = delete;

  /// The tile's bytes (MVT 2.1, not compressed), one layer per source with features in
  /// `sources` order; the empty string when no source has a feature there. `program`
  /// restricts coverage to one program; parameter_error for an unknown one.
  std::string build(const tile_id& tile, std::span<const tile_source> sources,
                    const std::optional<std::string>& program = std::nullopt) const;

  /// The areas of a source whose box meets the tile with its buffer, by code.
  std::vector<const geo::area*> areas_in(const tile_id& tile, tile_source source) const;

 private:
  struct source_areas;
  mvt_layer layer_for(const tile_id& tile, tile_source source,
                      const std::optional<std::string>& program) const;
  std::vector<property> properties_of(const geo::area& area, tile_source source,
                                      const std::optional<std::string>& program) const;

  const geo::engine& m_engine;
  std::array<std::unique_ptr<source_areas>, 3> m_sources;  // by tile_source
};

}  // namespace tiles
