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

  std::vector<std::vector<std::uint32_t>> cells_items(m_columns * m_rows);
  for (std::size_t i = 0; i < m_entries.size(); ++i) {
    const bbox& b = m_entries[i].box;
    if (b.is_empty()) continue;
    const std::size_t first = cell_of(b.min_x, b.min_y);
    const std::size_t last = cell_of(b.max_x, b.max_y);
    for (std::size_t row = first / m_columns; row <= last / m_columns; ++row)
      for (std::size_t col = first % m_columns; col <= last % m_columns; ++col)
        cells_items[row * m_columns + col].push_back(static_cast<std::uint32_t>(i));
  }
  m_starts.reserve(cells_items.size() + 1);
  m_starts.push_back(0);
  for (const auto& items : cells_items) {
    m_items.insert(m_items.end(), items.begin(), items.end());
    m_starts.push_back(static_cast<std::uint32_t>(m_items.size()));
  }
}

std::size_t area_index::cell_of(double x, double y) const {
  const auto clamp_index = [](double v, std::size_t n) {
    return static_cast<std::size_t>(std::clamp(v, 0.0, static_cast<double>(n - 1)));
  };
  const std::size_t col = clamp_index((x - m_extent.min_x) / m_cell_width, m_columns);
  const std::size_t row = clamp_index((y - m_extent.min_y) / m_cell_height, m_rows);
  return row * m_columns + col;
}

const area_index::entry* area_index::find(double x, double y) const {
  if (m_entries.empty() || !m_extent.contains(x, y)) return nullptr;
  const std::size_t cell = cell_of(x, y);
  for (std::uint32_t k = m_starts[cell]; k < m_starts[cell + 1]; ++k) {
    const entry& e = m_entries[m_items[k]];
    if (e.box.contains(x, y) && covers_point(e.shape, x, y)) return &e;
  }
  return nullptr;
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
