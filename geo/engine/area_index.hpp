#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "geo/bbox.hpp"
#include "geo/multipolygon.hpp"

namespace geo {

/// Point-in-area and box lookups over many polygons (33k RTs of Jakarta): a uniform grid of
/// candidate lists over the areas' extent, then an exact even-odd test on the few candidates
/// of the point's cell, or a box test on those of the cells a box meets. The one grid of
/// area boxes: the engine answers point lookups, tiles and OGC bbox queries from it. Built
/// once, read-only afterwards, so it can be shared between threads.
class area_index {
 public:
  struct entry {
    std::string code;
    multipolygon shape;
    bbox box;
  };

  area_index() = default;
  /// Entries are tested in the order given, so a point on a shared edge always goes to the
  /// same area.
  explicit area_index(std::vector<entry> entries);

  /// The first area covering (x, y) (boundary included), or nullptr.
  const entry* find(double x, double y) const;
  /// The positions of the entries whose box meets `box` (closed boxes: touching at an edge or
  /// a corner counts), each once, ascending. An empty or inverted `box` meets none.
  std::vector<std::uint32_t> meeting(const bbox& box) const;
  /// The area with this code, or nullptr.
  const entry* by_code(const std::string& code) const;
  /// Position of an entry of this index, 0 to size() - 1, for tables kept beside it.
  std::size_t position(const entry& e) const {
    return static_cast<std::size_t>(&e - m_entries.data());
  }
  const entry& at(std::size_t position) const { return m_entries[position]; }
  /// True when the area with this code exists and covers (x, y), within `tolerance` degrees of
  /// its boundary.
  bool covers(const std::string& code, double x, double y, double tolerance = 0) const;
  std::size_t size() const { return m_entries.size(); }

 private:
  std::size_t column_of(double x) const;
  std::size_t row_of(double y) const;

  std::vector<entry> m_entries;
  std::unordered_map<std::string, std::uint32_t> m_by_code;
  bbox m_extent;
  std::size_t m_columns = 0;
  std::size_t m_rows = 0;
  double m_cell_width = 1;
  double m_cell_height = 1;
  // Compressed rows: the candidates of cell c are m_items[m_starts[c] .. m_starts[c + 1]),
  // ascending.
  std::vector<std::uint32_t> m_starts;
  std::vector<std::uint32_t> m_items;
};

}  // namespace geo
