#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "geo/engine/engine.hpp"
#include "tiles/figure_basis.hpp"
#include "tiles/mvt_writer.hpp"
#include "tiles/point_order.hpp"
#include "tiles/tile_id.hpp"

namespace tiles {

/// The zoom from which targets are single points; below it they are clusters.
inline constexpr std::uint32_t target_points_from_zoom = 14;

/// How the caller may see targets. The server decides it from the caller's role (DESIGN.md,
/// privacy); tiles/ only follows it.
struct target_viewer {
  enum class mode {
    counts_per_rw,  // no target: one marker per RW with its counts (anonymous callers)
    coarse,         // every target at its coarse spot, without household detail
    exact,          // every target at its position, with detail
    mixed,          // exactly where `exact_for` says so, coarsely elsewhere (a PIC)
  };
  mode how = mode::counts_per_rw;
  std::function<bool(const geo::target&)> exact_for = nullptr;
};

/// The `targets` layer of a tile, built from the engine's located targets and live statuses.
/// - From zoom 14, one point per target the viewer sees exactly, with kind "target", id,
///   program, need, priority, status, position "exact", household_size and rt; and for the
///   targets the viewer sees coarsely, one point per occupied cell (geo::coarse_cell, the unit
///   of disclosure) at its centre, kind "cell", a feature id stable per cell (docs/api.md), `cell`
///   "<x>,<y>" and
///   the same counts as clusters. A cell's targets are listed by GET /api/v1/targets?cell=x,y.
/// - Below, kind "cluster": the targets of each eighth of the tile's width and height merged
///   at their mean position, with count, status_open, status_pledged, status_delivered and
///   program_<name> per program (only the program asked, with ?program=).
/// - For counts_per_rw, at every zoom, kind "rw": one marker per RW inside it with the RW's
///   code and the same counts, as `figures` counts them (by cell, for anonymous callers;
///   unlocated targets in their declared RW).
/// Each target (or RW marker) lies in exactly one tile per zoom, so the counts of a zoom's
/// tiles add up to the whole. Safe from many threads.
class target_layer {
 public:
  /// The engine must outlive the layer. `figures` says which figures the RW markers show
  /// (exact or by cell; an RW without figures gets no marker).
  target_layer(const geo::engine& engine, figure_basis figures);

  /// Takes in a target the engine has just located (geo::engine::locate). Not safe while
  /// another thread builds a tile.
  void add_located(const geo::target& t);

  /// Adds the tile's features to `layer`, and to `shown` the areas whose revision changes them
  /// (the RW of each target's cell, each RW marker), unsorted and possibly repeated.
  void add_to(mvt_layer& layer, const tile_id& tile, const target_viewer& viewer,
              const std::optional<std::string>& program,
              std::vector<const geo::area*>& shown) const;

 private:
  struct selection;
  void add_targets(mvt_layer& layer, const tile_id& tile, const target_viewer& viewer,
                   const std::optional<std::string>& program,
                   std::vector<const geo::area*>& shown) const;
  void add_rw_markers(mvt_layer& layer, const tile_id& tile,
                      const std::optional<std::string>& program,
                      std::vector<const geo::area*>& shown) const;

  // The first `end` targets of `s` as points; those from `begin` on as cells.
  void add_points(mvt_layer& layer, const tile_id& tile, const selection& s,
                  std::span<const geo::target_status> statuses, std::size_t end) const;
  void add_cells(mvt_layer& layer, const tile_id& tile, const selection& s,
                 std::span<const geo::target_status> statuses,
                 const std::optional<std::string>& program, std::size_t begin) const;
  void add_clusters(mvt_layer& layer, const tile_id& tile, const selection& s,
                    std::span<const geo::target_status> statuses,
                    const std::optional<std::string>& program) const;

  const geo::engine& m_engine;
  figure_basis m_figures;
  // By item of m_exact and m_coarse (a located target):
  std::vector<const geo::target*> m_located;
  std::vector<const geo::area*> m_rw_of;     // the RW of its cell (revisions follow cells)
  std::vector<std::uint64_t> m_feature_id;   // its MVT feature id
  std::vector<std::uint8_t> m_program_slot;  // geo::program_slot of its program, 0 if none
  std::vector<std::uint32_t> m_need_number;  // its need's position in m_needs
  std::vector<std::string> m_needs;          // each need once
  bool m_ids_distinct = false;               // ids_unlike_other_values
  point_order m_exact;
  point_order m_coarse;
  std::vector<const geo::area*> m_rws;  // by item of m_rw_markers
  point_order m_rw_markers;
};

}  // namespace tiles
