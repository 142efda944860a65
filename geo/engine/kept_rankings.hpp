#pragma once
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "geo/engine/coverage.hpp"

namespace geo {

/// How the planners' ranking orders areas: most targets without an active pledge first, or
/// the largest sum of their priorities first; ties by the other figure, then by code.
enum class coverage_order { unserved, unmet_priority };

/// The totals of a list of areas: how many, how many have targets and none pledged, and
/// their coverage summed.
struct coverage_summary {
  std::size_t areas = 0;
  std::size_t without_pledge = 0;
  coverage total;

  /// Counts an area's figures in (+1) or out (-1).
  void count(const coverage& c, int sign);
  bool operator==(const coverage_summary&) const = default;
};

/// The areas of each level kept in ranking order, one list per figure basis (exact, by
/// cell), program slot and order, with each list's summary: a page of the ranking costs its
/// size, not a sort of the level. A list is built on first use (most are never asked for) and,
/// once built, follows every change of an area's figures by moving that one area (two binary
/// searches and a move of the entries between its old and new place).
/// Not locked itself: the engine calls the readers under its lock shared and `changed` under it
/// unique. Two readers building the same list at once are serialised here.
class kept_rankings {
 public:
  static constexpr std::size_t levels = 5;
  static constexpr std::size_t bases = 2;  // 0: exact figures, 1: by cell
  static constexpr std::size_t slots = std::tuple_size_v<program_coverage>;
  static constexpr std::size_t orders = 2;

  /// `by_level`: the area positions of each level, by code (ties in a ranking go by code);
  /// `level_of`: the level of each area position.
  kept_rankings(std::array<std::vector<std::uint32_t>, levels> by_level,
                std::vector<std::uint8_t> level_of);
  kept_rankings(const kept_rankings&) = delete;
  kept_rankings& operator=(const kept_rankings&) = delete;

  /// The area positions of a level in ranking order by `figures` (the coverages of one basis,
  /// by area position).
  std::span<const std::uint32_t> order(std::size_t level, std::size_t basis, std::size_t slot,
                                       coverage_order by,
                                       const std::vector<program_coverage>& figures) const;
  /// The summary of every area of a level.
  const coverage_summary& summary(std::size_t level, std::size_t basis, std::size_t slot,
                                  const std::vector<program_coverage>& figures) const;
  /// After the figures of area `a` on `basis` went from `before` to figures[a]: moves it in
  /// every built list it changed in and updates their summaries.
  void changed(std::uint32_t a, std::size_t basis, const program_coverage& before,
               const std::vector<program_coverage>& figures);
  /// Bytes held by the built lists and summaries.
  std::size_t bytes() const;

 private:
  struct list {
    std::atomic<bool> built{false};
    std::vector<std::uint32_t> areas;
  };
  struct kept_summary {
    std::atomic<bool> built{false};
    coverage_summary of;
  };
  static std::size_t index(std::size_t level, std::size_t basis, std::size_t slot) {
    return (level * bases + basis) * slots + slot;
  }
  // The key an area ranks by: larger first, then the smaller code rank.
  struct rank_key {
    std::uint64_t first;
    std::uint64_t second;
    std::uint32_t code_rank;
    bool before(const rank_key& o) const {
      if (first != o.first) return first > o.first;
      if (second != o.second) return second > o.second;
      return code_rank < o.code_rank;
    }
  };
  rank_key key(const coverage& c, std::uint32_t a, coverage_order by) const;

  std::array<std::vector<std::uint32_t>, levels> m_by_level;
  std::vector<std::uint8_t> m_level_of;         // by area position
  std::vector<std::uint32_t> m_code_rank;       // by area position: its place in m_by_level
  std::unique_ptr<list[]> m_lists;              // by index() * orders + order
  std::unique_ptr<kept_summary[]> m_summaries;  // by index()
  mutable std::mutex m_building;
};

}  // namespace geo
