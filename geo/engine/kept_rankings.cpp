#include "geo/engine/kept_rankings.hpp"

#include <algorithm>

namespace geo {

void coverage_summary::count(const coverage& c, int sign) {
  // Wrapping like coverage::count, so that taking out what was put in restores the sums.
  const auto step = [sign](auto& counter, auto amount) {
    using type = std::remove_reference_t<decltype(counter)>;
    counter = static_cast<type>(sign > 0 ? counter + static_cast<type>(amount)
                                         : counter - static_cast<type>(amount));
  };
  step(areas, 1u);
  if (c.targets > 0 && c.pledged == 0) step(without_pledge, 1u);
  step(total.targets, c.targets);
  step(total.pledged, c.pledged);
  step(total.delivered, c.delivered);
  step(total.unmet_priority, c.unmet_priority);
}

kept_rankings::kept_rankings(std::array<std::vector<std::uint32_t>, levels> by_level,
                             std::vector<std::uint8_t> level_of)
    : m_by_level(std::move(by_level)),
      m_level_of(std::move(level_of)),
      m_code_rank(m_level_of.size(), 0),
      m_lists(std::make_unique<list[]>(levels * bases * slots * orders)),
      m_summaries(std::make_unique<kept_summary[]>(levels * bases * slots)) {
  for (const std::vector<std::uint32_t>& areas : m_by_level)
    for (std::size_t i = 0; i < areas.size(); ++i)
      m_code_rank[areas[i]] = static_cast<std::uint32_t>(i);
}

kept_rankings::rank_key kept_rankings::key(const coverage& c, std::uint32_t a,
                                           coverage_order by) const {
  return by == coverage_order::unserved ? rank_key{c.unserved(), c.unmet_priority, m_code_rank[a]}
                                        : rank_key{c.unmet_priority, c.unserved(), m_code_rank[a]};
}

std::span<const std::uint32_t> kept_rankings::order(
    std::size_t level, std::size_t basis, std::size_t slot, coverage_order by,
    const std::vector<program_coverage>& figures) const {
  list& l = m_lists[index(level, basis, slot) * orders + static_cast<std::size_t>(by)];
  if (!l.built.load(std::memory_order_acquire)) {
    const std::lock_guard lock(m_building);
    if (!l.built.load(std::memory_order_relaxed)) {
      std::vector<std::uint32_t> areas = m_by_level[level];
      std::vector<rank_key> keys(m_level_of.size());
      for (std::uint32_t a : areas)
        keys[a] = key(figures[a][slot], a, by);
      std::sort(areas.begin(), areas.end(),
                [&](std::uint32_t x, std::uint32_t y) { return keys[x].before(keys[y]); });
      l.areas = std::move(areas);
      l.built.store(true, std::memory_order_release);
    }
  }
  return l.areas;
}

const coverage_summary& kept_rankings::summary(std::size_t level, std::size_t basis,
                                               std::size_t slot,
                                               const std::vector<program_coverage>& figures) const {
  kept_summary& s = m_summaries[index(level, basis, slot)];
  if (!s.built.load(std::memory_order_acquire)) {
    const std::lock_guard lock(m_building);
    if (!s.built.load(std::memory_order_relaxed)) {
      coverage_summary of;
      for (std::uint32_t a : m_by_level[level])
        of.count(figures[a][slot], +1);
      s.of = of;
      s.built.store(true, std::memory_order_release);
    }
  }
  return s.of;
}

void kept_rankings::changed(std::uint32_t a, std::size_t basis, const program_coverage& before,
                            const std::vector<program_coverage>& figures) {
  const std::size_t level = m_level_of[a];
  for (std::size_t slot = 0; slot < slots; ++slot) {
    const coverage& was = before[slot];
    const coverage& now = figures[a][slot];
    if (was == now) continue;
    kept_summary& s = m_summaries[index(level, basis, slot)];
    if (s.built.load(std::memory_order_relaxed)) {
      s.of.count(was, -1);
      s.of.count(now, +1);
    }
    for (std::size_t o = 0; o < orders; ++o) {
      list& l = m_lists[index(level, basis, slot) * orders + o];
      if (!l.built.load(std::memory_order_relaxed)) continue;
      const auto by = static_cast<coverage_order>(o);
      const rank_key old_key = key(was, a, by), new_key = key(now, a, by);
      // Every other area still has the figures it is sorted by; `a` is found by its old key.
      const auto at = [&](std::uint32_t x) {
        return x == a ? old_key : key(figures[x][slot], x, by);
      };
      auto from =
          std::lower_bound(l.areas.begin(), l.areas.end(), old_key,
                           [&](std::uint32_t x, const rank_key& k) { return at(x).before(k); });
      if (from == l.areas.end() || *from != a)  // cannot happen while every change comes here
        from = std::find(l.areas.begin(), l.areas.end(), a);
      const auto earlier = [&](std::uint32_t x, const rank_key& k) {
        return key(figures[x][slot], x, by).before(k);
      };
      if (new_key.before(old_key)) {
        const auto to = std::lower_bound(l.areas.begin(), from, new_key, earlier);
        std::rotate(to, from, from + 1);
      } else {
        const auto to = std::lower_bound(from + 1, l.areas.end(), new_key, earlier);
        std::rotate(from, from + 1, to);
      }
    }
  }
}

std::size_t kept_rankings::bytes() const {
  std::size_t total = sizeof(*this) + m_code_rank.capacity() * sizeof(std::uint32_t) +
                      m_level_of.capacity() + levels * bases * slots * orders * sizeof(list) +
                      levels * bases * slots * sizeof(kept_summary);
  for (const std::vector<std::uint32_t>& areas : m_by_level)
    total += areas.capacity() * sizeof(std::uint32_t);
  for (std::size_t i = 0; i < levels * bases * slots * orders; ++i)
    if (m_lists[i].built.load(std::memory_order_acquire))
      total += m_lists[i].areas.capacity() * sizeof(std::uint32_t);
  return total;
}

}  // namespace geo
