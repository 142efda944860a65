#pragma once
#include <array>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "geo/area.hpp"
#include "geo/engine/area_index.hpp"
#include "geo/engine/coverage.hpp"
#include "geo/engine/kept_rankings.hpp"
#include "geo/engine/target_index.hpp"
#include "geo/store.hpp"
#include "geo/target.hpp"

namespace geo {

/// The spatial engine a server answers from: every area and target of a store in memory, with
/// an index of areas per level for point lookup, an index of located targets for nearest
/// search, and coverage counters per area and program kept current by set_status.
/// Safe from many threads: statuses and coverage sit behind a reader-writer lock, so a reader
/// right after set_status sees the change; everything else is read-only after loading, but for
/// locate(), which its caller runs while no one reads.
class engine {
 public:
  /// The areas containing a point, largest first; a level without an area there is null.
  struct admin_chain {
    const area* kota = nullptr;
    const area* kecamatan = nullptr;
    const area* kelurahan = nullptr;
    const area* rw = nullptr;
    const area* rt = nullptr;
    bool empty() const { return !kota && !kecamatan && !kelurahan && !rw && !rt; }
  };
  struct nearby_target {
    const target* what;
    target_status status;
    double distance_m;
  };
  /// Which target positions a query measures from: exact ones (a PIC in scope, an admin) or
  /// the coarse ones everyone else sees (coarse_position).
  enum class precision { exact, coarse };
  struct nearest_query {
    double lon = 0;
    double lat = 0;
    std::size_t k = 10;
    std::optional<std::string> program = std::nullopt;
    std::optional<target_status> status = std::nullopt;  // nothing: any status
    double max_distance_m = std::numeric_limits<double>::infinity();
    precision positions = precision::exact;
    std::function<bool(const target&)> only = nullptr;  // a further filter, e.g. a PIC's scope
  };

  using coverage_order = geo::coverage_order;
  struct coverage_query {
    admin_level level = admin_level::rw;
    std::optional<std::string> within = std::nullopt;   // an area code the results lie in
    std::optional<std::string> program = std::nullopt;  // nothing: all programs
    double max_ratio = 1.0;                             // pledged_ratio at most this
    coverage_order order = coverage_order::unserved;
    precision basis = precision::exact;  // the figures ranked (coverage_of)
  };
  struct ranked_area {
    const area* where;
    coverage of;
  };
  /// One page of a ranking, read at one moment: the areas from position `first` (the offset
  /// asked, or the count matched when that is smaller), how many areas match and their summary.
  struct ranking_page {
    std::vector<ranked_area> items;
    std::size_t first = 0;
    std::size_t number_matched = 0;
    coverage_summary summary;
  };

  /// Loads areas, targets and pledges from `s` and builds the indexes.
  explicit engine(store& s);
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  admin_chain lookup(double lon, double lat) const;
  const area* find_area(const std::string& code) const;
  /// The parent chain of an area, itself included.
  admin_chain chain_of(const area& a) const;
  /// Every area of a level, by code.
  std::vector<const area*> areas_at(admin_level level) const;
  /// The areas of a level whose box meets `box` (closed boxes: touching at an edge or a corner
  /// counts), each once, by code, found through the grid of the level's area_index rather than
  /// by testing every area. As positions in areas_at(level), for tables kept beside that list
  /// (the tiles' simplified shapes).
  std::vector<std::uint32_t> area_positions_meeting(admin_level level, const bbox& box) const;
  /// The same areas themselves, by code.
  std::vector<const area*> areas_meeting(admin_level level, const bbox& box) const;
  /// The areas one level below `a`, by code.
  std::vector<const area*> children_of(const area& a) const;
  /// Areas whose name (with its kelurahan's, for RW and RT) holds every word of `query`,
  /// ignoring case and accents: exact names first, then names starting with the query, then
  /// larger levels; at most `limit`.
  std::vector<const area*> search_areas(std::string_view query, std::optional<admin_level> level,
                                        std::size_t limit) const;
  /// The polygons of an area, lon/lat.
  const multipolygon& shape_of(const area& a) const;

  /// The k nearest targets matching the query, by geodesic distance from the exact or coarse
  /// positions, ties by target id.
  std::vector<nearby_target> nearest(const nearest_query& query) const;
  const target* find_target(const std::string& id) const;
  target_status status_of(const target& t) const;
  /// The statuses of many targets as they stood at one moment, in the same order.
  std::vector<target_status> statuses_of(std::span<const target* const> targets) const;
  /// Located targets whose exact or coarse position lies in `box`, by id.
  std::vector<const target*> targets_in(const bbox& box, precision positions) const;
  /// The targets of an area, by id. Exact: those counted in it (unlocated ones by their
  /// declared RT). Coarse: those whose spot_chain holds it, so membership reveals no more
  /// than the cell.
  std::vector<const target*> targets_of(const area& a, precision positions) const;
  /// The areas a target belongs to for those who see it coarsely: a located target's are the
  /// areas at the spot of its cell (coarse_position), or, where the spot lies in no area (a
  /// cell on the coast), those above the smallest area meeting the cell, first by code;
  /// an unlocated target's are its declared RW and those above, never an RT. A function of
  /// the cell (or the declared RW) alone, so saying it reveals nothing more.
  admin_chain spot_chain(const target& t) const;

  /// Coverage of an area for a program (nothing: all programs); nothing for an unknown code.
  /// Exact: targets counted where they are (unlocated ones where declared). Coarse: targets
  /// counted in the areas of their spot_chain, figures a pledge changes only where the cell
  /// already says the target is.
  std::optional<coverage> coverage_of(const std::string& code,
                                      const std::optional<std::string>& program = {},
                                      precision basis = precision::exact) const;
  /// Coverage of an area of this engine for a program slot (0: all programs; program_slot),
  /// without looking its code up: for tiles, which read it for thousands of areas.
  coverage coverage_of(const area& a, std::size_t slot, precision basis = precision::exact) const;
  /// Coverage of an area for all programs and each program (program_slot), read at once.
  std::optional<program_coverage> coverages_of(const std::string& code,
                                               precision basis = precision::exact) const;
  /// Areas of a level with their coverage, filtered and ranked for planners; ties by code.
  std::vector<ranked_area> coverage_ranking(const coverage_query& query) const;
  /// Up to `limit` areas of the ranking from position `offset`, with the count and summary of
  /// all that match. Read from the order kept per level, basis, program and order
  /// (kept_rankings): without `within` and `max_ratio` it costs the page; with `max_ratio`, one
  /// pass over the kept order, without sorting; with `within`, its areas of the level, sorted
  /// by themselves when they are a small part of it, else marked and taken from the kept order.
  ranking_page coverage_ranking(const coverage_query& query, std::size_t offset,
                                std::size_t limit) const;
  /// The summary of the areas the ranking `query` matches.
  coverage_summary coverage_ranking_summary(const coverage_query& query) const;
  /// Bytes held by the kept rankings (those asked for so far).
  std::size_t kept_ranking_bytes() const;
  /// How many times the targets counted in an area by their cell (spot_chain) have changed
  /// status since loading: what a cache of anything showing the area's public figures, or
  /// targets whose cell lies in it, compares to know it is still current. Exact figures
  /// are not cached, and keying on them would let a cache's timing tell where a target lies.
  std::uint64_t revision_of(const area& a) const;
  /// The revisions of many areas and the count of status changes since loading, read at one
  /// moment: a cache compares the count read before building something with this one to know
  /// that no write happened in between.
  struct revisions {
    std::vector<std::uint64_t> of;  // in the order of the areas asked
    std::uint64_t changes = 0;
  };
  revisions revisions_of(std::span<const area* const> areas) const;
  /// The count of status changes since loading, read when no write is half done.
  std::uint64_t change_count() const;
  /// True when every area still has the revision recorded with it.
  bool unchanged(std::span<const std::pair<const area*, std::uint64_t>> recorded) const;
  /// Moves a target to a new status (a pledge made, cancelled or delivered) and updates the
  /// coverage of every area it counts for.
  void set_status(const target& t, target_status status);

  /// Places an unlocated target at a point recorded in the field (geo/field_location), in
  /// RT `rt_code` and RW `rw_code` (empty: none); its kelurahan and those above stay. Every
  /// index, list and count that depends on where it is follows: nearest search, targets_in,
  /// targets_of, spot_chain and coverage; the revisions of the areas whose public figures move
  /// (its declared RW before, the areas of its cell now) are bumped. logic_error for a target
  /// located already.
  /// Unlike set_status, not safe while other threads read: targets are read without a lock
  /// (`const target&` fields). The caller makes sure no reader runs (server/app holds the
  /// generation's placing lock alone).
  void locate(const target& t, double lon, double lat, const std::string& rt_code,
              const std::string& rw_code);

  std::size_t area_count() const { return m_areas.size(); }
  std::size_t target_count() const { return m_targets.size(); }
  std::size_t located_count() const {
    const std::shared_lock lock(m_lock);  // locate() may add one meanwhile
    return m_located.size();
  }

 private:
  void count(const target& t, target_status status, int sign);
  const coverage& coverage_at(const area& a, std::size_t slot, precision basis) const;
  std::size_t position_of(const area& a) const {
    return static_cast<std::size_t>(&a - m_areas.data());
  }
  // `by_level`: areas_at of each level, by code (null: looked up when needed).
  std::array<std::uint32_t, 5> spot_areas_of(
      const target& t, const std::array<std::vector<const area*>, 5>* by_level) const;
  std::vector<const target*> by_id(std::vector<std::uint32_t> positions) const;

  std::vector<area> m_areas;
  std::unordered_map<std::string, std::size_t> m_area_by_code;
  std::unordered_map<std::string, std::vector<std::size_t>> m_children;  // by parent code
  std::vector<const area*> m_parent;                        // by area position; null for kota
  std::array<std::vector<const area*>, 5> m_area_of_entry;  // by level, then index position (code)
  std::vector<std::string> m_search_text;                   // by area position: folded name words
  std::vector<std::string> m_folded_name;  // by area position: its own name, folded
  std::array<area_index, 5> m_area_index;  // by admin_level
  std::vector<target> m_targets;           // by id (find_target searches it)
  std::vector<target_status> m_status;     // by target position
  std::vector<std::uint32_t> m_located;    // target index item -> target position
  target_index m_target_index;
  target_index m_coarse_index;  // the same targets at their coarse positions
  std::unordered_map<std::string, std::vector<std::uint32_t>> m_targets_by_area;  // positions
  // By target position: the area positions of its spot_chain by level, no_area where none.
  std::vector<std::array<std::uint32_t, 5>> m_spot_areas;
  std::vector<std::vector<std::uint32_t>> m_spot_targets;  // by area position: target positions
  mutable std::shared_mutex m_lock;                        // guards m_status and the coverages
  std::vector<program_coverage> m_coverage;                // by area position
  std::vector<program_coverage> m_spot_coverage;           // by area position
  std::vector<std::uint64_t> m_revision;                   // by area position
  std::uint64_t m_changes = 0;                             // set_status calls
  std::unique_ptr<kept_rankings> m_rankings;               // follows the coverages
};

}  // namespace geo
