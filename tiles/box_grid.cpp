#include "tiles/box_grid.hpp"

#include <algorithm>
#include <cmath>

namespace tiles {

box_grid::box_grid(std::span<const geo::bbox> boxes) : m_boxes(boxes.begin(), boxes.end()) {
  for (const geo::bbox& b : m_boxes)
    m_extent.expand(b);
  if (m_boxes.empty()) {
    m_starts.assign(2, 0);
    return;
  }
  // About one box per cell: a tile's box then meets few cells holding few boxes each.
  const double width = std::max(m_extent.max_x - m_extent.min_x, 1e-9);
  const double height = std::max(m_extent.max_y - m_extent.min_y, 1e-9);
  const double side = std::sqrt(width * height / double(m_boxes.size()));
  m_columns = std::clamp<std::size_t>(static_cast<std::size_t>(width / side), 1, 4096);
  m_rows = std::clamp<std::size_t>(static_cast<std::size_t>(height / side), 1, 4096);
  m_cell_width = width / double(m_columns);
  m_cell_height = height / double(m_rows);

  std::vector<std::uint32_t> counts(m_columns * m_rows + 1, 0);
  const auto each_cell = [&](const geo::bbox& b, auto&& visit) {
    for (std::size_t r = row_of(b.min_y); r <= row_of(b.max_y); ++r)
      for (std::size_t c = column_of(b.min_x); c <= column_of(b.max_x); ++c)
        visit(r * m_columns + c);
  };
  for (const geo::bbox& b : m_boxes)
    each_cell(b, [&](std::size_t cell) { ++counts[cell + 1]; });
  for (std::size_t i = 1; i < counts.size(); ++i)
    counts[i] += counts[i - 1];
  m_starts = counts;
  m_items.resize(counts.back());
  for (std::uint32_t i = 0; i < m_boxes.size(); ++i)
    each_cell(m_boxes[i], [&](std::size_t cell) { m_items[counts[cell]++] = i; });
}

std::size_t box_grid::column_of(double x) const {
  const double c = std::floor((x - m_extent.min_x) / m_cell_width);
  return static_cast<std::size_t>(std::clamp(c, 0.0, double(m_columns - 1)));
}

std::size_t box_grid::row_of(double y) const {
  const double r = std::floor((y - m_extent.min_y) / m_cell_height);
  return static_cast<std::size_t>(std::clamp(r, 0.0, double(m_rows - 1)));
}

std::vector<std::uint32_t> box_grid::meeting(const geo::bbox& box) const {
  std::vector<std::uint32_t> out;
  if (m_boxes.empty() || !box.intersects(m_extent)) return out;
  const std::size_t first_row = row_of(box.min_y), last_row = row_of(box.max_y);
  const std::size_t first_column = column_of(box.min_x), last_column = column_of(box.max_x);
  for (std::size_t r = first_row; r <= last_row; ++r)
    for (std::size_t c = first_column; c <= last_column; ++c)
      for (std::uint32_t k = m_starts[r * m_columns + c]; k < m_starts[r * m_columns + c + 1];
           ++k) {
        const std::uint32_t i = m_items[k];
        const geo::bbox& b = m_boxes[i];
        // A box in several cells is reported from one: the first cell of the query it is in.
        if (row_of(std::max(b.min_y, box.min_y)) != r ||
            column_of(std::max(b.min_x, box.min_x)) != c)
          continue;
        if (b.intersects(box)) out.push_back(i);
      }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace tiles
