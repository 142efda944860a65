#pragma once
#include <array>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "geo/area.hpp"
#include "geo/area_index.hpp"
#include "geo/coverage.hpp"
#include "geo/store.hpp"
#include "geo/target.hpp"
#include "geo/target_index.hpp"

namespace geo {

/// The spatial engine a server answers from: every area and target of a store in memory, with
/// an index of areas per level for point lookup, an index of located targets for nearest
/// search, and coverage counters per area and program kept current by set_status.
/// Reads are safe from many threads; set_status needs the caller to exclude readers.
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
  };

  /// Loads areas, targets and pledges from `s` and builds the indexes.
  explicit engine(store& s);

  admin_chain lookup(double lon, double lat) const;
  const area* find_area(const std::string& code) const;
  /// The parent chain of an area, itself included.
  admin_chain chain_of(const area& a) const;

  /// The k nearest targets matching the query, by geodesic distance from the exact or coarse
  /// positions, ties by target id.
  std::vector<nearby_target> nearest(const nearest_query& query) const;
  const target* find_target(const std::string& id) const;
  target_status status_of(const target& t) const;

  /// Coverage of an area for a program (nothing: all programs); nothing for an unknown code.
  std::optional<coverage> coverage_of(const std::string& code,
                                      const std::optional<std::string>& program = {}) const;
  /// Moves a target to a new status (a pledge made, cancelled or delivered) and updates the
  /// coverage of every area it counts for.
  void set_status(const target& t, target_status status);

  std::size_t area_count() const { return m_areas.size(); }
  std::size_t target_count() const { return m_targets.size(); }
  std::size_t located_count() const { return m_located.size(); }

 private:
  void count(const target& t, target_status status, int sign);

  std::vector<area> m_areas;
  std::unordered_map<std::string, std::size_t> m_area_by_code;
  std::array<area_index, 5> m_area_index;  // by admin_level
  std::vector<target> m_targets;
  std::unordered_map<std::string, std::size_t> m_target_by_id;
  std::vector<target_status> m_status;   // by target position
  std::vector<std::uint32_t> m_located;  // target index item -> target position
  target_index m_target_index;
  target_index m_coarse_index;  // the same targets at their coarse positions
  std::unordered_map<std::string, program_coverage> m_coverage;  // by area code
};

}  // namespace geo
