#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "geo/bbox.hpp"

namespace tiles {

/// The boxes of many areas (33k RTs) in a uniform grid over their extent, to find those a
/// tile's box meets without testing them all. Read-only after construction, so safe to share.
class box_grid {
 public:
  explicit box_grid(std::span<const geo::bbox> boxes);

  /// The positions of the boxes meeting `box` (closed boxes), ascending.
  std::vector<std::uint32_t> meeting(const geo::bbox& box) const;

 private:
  std::size_t column_of(double x) const;
  std::size_t row_of(double y) const;

  std::vector<geo::bbox> m_boxes;
  geo::bbox m_extent;
  std::size_t m_columns = 1;
  std::size_t m_rows = 1;
  double m_cell_width = 1;
  double m_cell_height = 1;
  // Compressed rows: the boxes of cell c are m_items[m_starts[c] .. m_starts[c + 1]).
  std::vector<std::uint32_t> m_starts;
  std::vector<std::uint32_t> m_items;
};

}  // namespace tiles
