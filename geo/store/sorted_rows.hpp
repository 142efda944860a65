#pragma once
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace geo {

/// A layer's stored rows sorted by key, as an import's sync_* matches them against a file.
/// Keys (T0000001, area codes) fit a string's own buffer, so a vector of them costs no
/// allocation per row, where a hash map's nodes did: a quarter of the time a 5% update of
/// Jakarta's targets spent matching rows. Each store keeps its own `Row` (what it needs to
/// update or retire the row).
template <typename Row>
class sorted_rows {
 public:
  using entry = std::pair<std::string, Row>;
  using iterator = typename std::vector<entry>::iterator;

  explicit sorted_rows(std::vector<entry> rows) : m_rows(std::move(rows)) {
    std::sort(m_rows.begin(), m_rows.end(),
              [](const entry& a, const entry& b) { return a.first < b.first; });
  }
  iterator begin() { return m_rows.begin(); }
  iterator end() { return m_rows.end(); }
  iterator find(std::string_view key) {
    const auto it =
        std::lower_bound(m_rows.begin(), m_rows.end(), key,
                         [](const entry& e, std::string_view k) { return e.first < k; });
    return it != m_rows.end() && it->first == key ? it : m_rows.end();
  }
  template <typename Predicate>
  void erase_if(Predicate p) {
    std::erase_if(m_rows, p);
  }

 private:
  std::vector<entry> m_rows;
};

}  // namespace geo
