#include "geo/engine/area_index.hpp"

#include <algorithm>
#include <cmath>

namespace geo {
namespace {

// About four cells per area keeps candidate lists short without a huge grid.
constexpr double cells_per_area = 4.0;

}  // namespace

area_index::area_index(std::vector<entry> entries) : m_entries(std::move(entries)) {
  m_by_code.reserve(m_entries.size());
  for (std::size_t i = 0; i < m_entries.size(); ++i)
    m_by_code.emplace(m_entries[i].code, static_cast<std::uint32_t>(i));
  for (const entry& e : m_entries)
    m_extent.expand(e.box);
  if (m_entries.empty() || m_extent.is_empty()) return;
  const double width = std::max(m_extent.max_x - m_extent.min_x, 1e-9);
  const double height = std::max(m_extent.max_y - m_extent.min_y, 1e-9);
  const double cells = cells_per_area * static_cast<double>(m_entries.size());
  const double side = std::sqrt(width * height / cells);
  m_columns = static_cast<std::size_t>(std::clamp(std::ceil(width / side), 1.0, 4096.0));
  m_rows = static_cast<std::size_t>(std::clamp(std::ceil(height / side), 1.0, 4096.0));
  m_cell_width = width / static_cast<double>(m_columns);
  m_cell_height = height / static_cast<double>(m_rows);

  // Counted first, then filled in entry order: each cell's candidates come out ascending.
  const auto each_cell = [&](const bbox& b, auto&& visit) {
    for (std::size_t r = row_of(b.min_y); r <= row_of(b.max_y); ++r)
      for (std::size_t c = column_of(b.min_x); c <= column_of(b.max_x); ++c)
        visit(r * m_columns + c);
  };
  std::vector<std::uint32_t> next(m_columns * m_rows + 1, 0);
  for (const entry& e : m_entries)
    if (!e.box.is_empty()) each_cell(e.box, [&](std::size_t cell) { ++next[cell + 1]; });
  for (std::size_t i = 1; i < next.size(); ++i)
    next[i] += next[i - 1];
  m_starts = next;
  m_items.resize(next.back());
  for (std::size_t i = 0; i < m_entries.size(); ++i)
    if (!m_entries[i].box.is_empty())
      each_cell(m_entries[i].box,
                [&](std::size_t cell) { m_items[next[cell]++] = static_cast<std::uint32_t>(i); });
}

std::size_t area_index::column_of(double x) const {
  const double c = std::floor((x - m_extent.min_x) / m_cell_width);
  return static_cast<std::size_t>(std::clamp(c, 0.0, static_cast<double>(m_columns - 1)));
}

std::size_t area_index::row_of(double y) const {
  const double r = std::floor((y - m_extent.min_y) / m_cell_height);
  return static_cast<std::size_t>(std::clamp(r, 0.0, static_cast<double>(m_rows - 1)));
}

const area_index::entry* area_index::find(double x, double y) const {
  if (m_items.empty() || !m_extent.contains(x, y)) return nullptr;
  const std::size_t cell = row_of(y) * m_columns + column_of(x);
  for (std::uint32_t k = m_starts[cell]; k < m_starts[cell + 1]; ++k) {
    const entry& e = m_entries[m_items[k]];
    if (e.box.contains(x, y) && covers_point(e.shape, x, y)) return &e;
  }
  return nullptr;
}

std::vector<std::uint32_t> area_index::meeting(const bbox& box) const {
  std::vector<std::uint32_t> out;
  if (m_items.empty() || box.is_empty() || !box.intersects(m_extent)) return out;
  const std::size_t first_row = row_of(box.min_y), last_row = row_of(box.max_y);
  const std::size_t first_column = column_of(box.min_x), last_column = column_of(box.max_x);
  for (std::size_t r = first_row; r <= last_row; ++r)
    for (std::size_t c = first_column; c <= last_column; ++c) {
      const std::size_t cell = r * m_columns + c;
      for (std::uint32_t k = m_starts[cell]; k < m_starts[cell + 1]; ++k) {
        const std::uint32_t i = m_items[k];
        const bbox& b = m_entries[i].box;
        if (!b.intersects(box)) continue;
        // A box in several cells is reported from one: the cell of the lower left corner of
        // its overlap with `box`, which lies in both and so is visited.
        if (row_of(std::max(b.min_y, box.min_y)) == r &&
            column_of(std::max(b.min_x, box.min_x)) == c)
          out.push_back(i);
      }
    }
  std::sort(out.begin(), out.end());
  return out;
}

const area_index::entry* area_index::by_code(const std::string& code) const {
  const auto it = m_by_code.find(code);
  return it == m_by_code.end() ? nullptr : &m_entries[it->second];
}

bool area_index::covers(const std::string& code, double x, double y, double tolerance) const {
  const entry* e = by_code(code);
  return e && x >= e->box.min_x - tolerance && x <= e->box.max_x + tolerance &&
         y >= e->box.min_y - tolerance && y <= e->box.max_y + tolerance &&
         covers_point(e->shape, x, y, tolerance);
}

}  // namespace geo
