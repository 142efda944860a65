#pragma once
#include <array>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "geo/engine/engine.hpp"
#include "tiles/figure_basis.hpp"
#include "tiles/mvt_writer.hpp"
#include "tiles/simplified_areas.hpp"
#include "tiles/target_layer.hpp"
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
/// unmet_priority, for all programs or the program asked, exact or counted by cell as the
/// figure_basis says, absent where it gives none. Feature ids are the numeric codes.
/// - targets: as target_layer makes it, for the viewer given.
class tile_builder {
 public:
  /// A tile and the areas it shows: those whose coverage changes (geo::engine::revision_of)
  /// change the tile. Sorted, each once.
  struct built_tile {
    std::string bytes;  // MVT 2.1, not compressed; empty when no source has a feature there
    std::vector<const geo::area*> shown;
  };

  /// The engine must outlive the builder. `figures` says which figures each area carries
  /// (the same for every caller: area layers are shared); by default exact ones. A builder
  /// for data newly loaded may take over the simplified shapes of a `previous` one (over an
  /// engine of the same areas, every zoom prepared), which may be destroyed afterwards.
  explicit tile_builder(const geo::engine& engine, figure_basis figures = nullptr,
                        const tile_builder* previous = nullptr);
  ~tile_builder();
  tile_builder(const tile_builder&) = delete;
  tile_builder& operator=(const tile_builder&) = delete;

  /// The tile, one layer per source with features, in `sources` order. `program` restricts
  /// coverage and targets to one program (parameter_error for an unknown one); `viewer` says
  /// how the caller may see targets (by default only as counts per RW).
  built_tile build_tile(const tile_id& tile, std::span<const tile_source> sources,
                        const std::optional<std::string>& program = std::nullopt,
                        const target_viewer& viewer = {}) const;
  /// build_tile's bytes alone.
  std::string build(const tile_id& tile, std::span<const tile_source> sources,
                    const std::optional<std::string>& program = std::nullopt,
                    const target_viewer& viewer = {}) const;

  /// Takes in a target the engine has just located (geo::engine::locate), for the targets
  /// layer. Not safe while another thread builds a tile.
  void add_located(const geo::target& t);

  /// Simplifies every area source for zooms `first` to `last` now rather than at the first
  /// tile of each zoom, so no map request waits for it.
  void prepare_zooms(std::uint32_t first, std::uint32_t last) const;
  /// How many zooms every area source has simplified so far (23 when all are).
  std::size_t zooms_prepared() const;

  /// The areas of a source whose box meets the tile with its buffer, by code; none for targets.
  std::vector<const geo::area*> areas_in(const tile_id& tile, tile_source source) const;

 private:
  struct source_areas;
  mvt_layer layer_for(const tile_id& tile, tile_source source,
                      const std::optional<std::string>& program,
                      std::vector<const geo::area*>& shown) const;
  std::vector<property> properties_of(const geo::area& area, tile_source source,
                                      const std::optional<std::string>& program) const;

  const geo::engine& m_engine;
  figure_basis m_figures;
  std::array<std::unique_ptr<source_areas>, 3> m_sources;  // by tile_source, areas only
  target_layer m_targets;
};

}  // namespace tiles
