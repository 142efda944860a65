#pragma once
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "geo/bbox.hpp"

namespace geo {

/// Nearest-neighbour search over points in lon/lat (targets), by geodesic distance on WGS84.
/// A uniform grid of cells is searched ring by ring around the query with a local metric
/// (metres per degree at the query's latitude), which is exact enough to prune; the survivors
/// are measured with PROJ's geodesic and sorted, so results are exact in distance and order.
/// Built once, read-only afterwards: safe to query from many threads.
class target_index {
 public:
  struct entry {
    double lon;
    double lat;
    std::uint32_t item;  // the caller's handle, e.g. a position in its target table
  };
  struct hit {
    double distance_m;
    std::uint32_t item;
    bool operator==(const hit&) const = default;
  };
  /// Which items a query may return; empty accepts all.
  using filter = std::function<bool(std::uint32_t item)>;

  target_index() = default;
  explicit target_index(std::vector<entry> entries);

  std::size_t size() const { return m_entries.size(); }

  /// Adds an item (a target located after the index was built): into its cell in O(n) for
  /// the move, or by building the grid again when the point lies beyond it. Not safe while
  /// another thread queries the index.
  void insert(const entry& e);

  /// The `k` nearest accepted items within `max_distance_m`, by geodesic distance, ties by
  /// item; fewer when fewer qualify.
  std::vector<hit> nearest(double lon, double lat, std::size_t k,
                           double max_distance_m = std::numeric_limits<double>::infinity(),
                           const filter& accept = {}) const;
  /// The items whose point lies in `box` (edges included), in no particular order.
  std::vector<std::uint32_t> within(const bbox& box) const;

 private:
  struct cell_range {
    long first_column, last_column, first_row, last_row;
  };
  static bool in_cell_order(const entry& a, const entry& b);
  std::size_t cell_index(double lon, double lat) const;
  long column_of(double lon) const;
  long row_of(double lat) const;

  std::vector<entry> m_entries;         // sorted by cell
  std::vector<std::uint32_t> m_starts;  // entries of cell c: [m_starts[c], m_starts[c + 1])
  bbox m_extent;
  long m_columns = 0;
  long m_rows = 0;
  double m_cell_width = 1;   // degrees
  double m_cell_height = 1;  // degrees
};

}  // namespace geo
