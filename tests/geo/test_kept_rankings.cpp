#include "geo/engine/kept_rankings.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <tuple>

namespace {

using geo::coverage;
using geo::coverage_order;
using geo::kept_rankings;
using geo::program_coverage;

// Synthetic levels, so that lists of thousands of areas with many ties are exercised without a
// dataset: area positions are interleaved across levels (as in the engine, where levels are
// loaded one after another but positions are not codes), and the code rank of an area is its
// place in the level's list, which the test shuffles.
struct synthetic {
  std::array<std::vector<std::uint32_t>, kept_rankings::levels> by_level;
  std::vector<std::uint8_t> level_of;
  std::vector<program_coverage> figures;
};

synthetic make_areas(std::mt19937& random, std::size_t count) {
  synthetic s;
  for (std::uint32_t a = 0; a < count; ++a) {
    const auto level = static_cast<std::uint8_t>(random() % kept_rankings::levels);
    s.level_of.push_back(level);
    s.by_level[level].push_back(a);
  }
  for (auto& areas : s.by_level)
    std::shuffle(areas.begin(), areas.end(), random);
  s.figures.resize(count);
  return s;
}

// Small figures, so that ties on both counts are common and the code decides.
coverage random_coverage(std::mt19937& random) {
  coverage c;
  c.targets = static_cast<std::uint32_t>(random() % 6);
  c.pledged = c.targets ? static_cast<std::uint32_t>(random() % (c.targets + 1)) : 0;
  c.delivered = c.pledged ? static_cast<std::uint32_t>(random() % (c.pledged + 1)) : 0;
  c.unmet_priority = (c.targets - c.pledged) * (random() % 3);
  return c;
}

// The oracle: the level's areas sorted from scratch by the rule the API documents.
std::vector<std::uint32_t> sorted_from_scratch(const synthetic& s, std::size_t level,
                                               std::size_t slot, coverage_order by) {
  const std::vector<std::uint32_t>& by_code = s.by_level[level];
  std::vector<std::size_t> code_rank(s.level_of.size());
  for (std::size_t i = 0; i < by_code.size(); ++i)
    code_rank[by_code[i]] = i;
  std::vector<std::uint32_t> out = by_code;
  const auto key = [&](std::uint32_t a) {
    const coverage& c = s.figures[a][slot];
    const std::uint64_t unserved = c.targets - c.pledged;
    return by == coverage_order::unserved ? std::tuple(unserved, c.unmet_priority)
                                          : std::tuple(c.unmet_priority, unserved);
  };
  std::sort(out.begin(), out.end(), [&](std::uint32_t x, std::uint32_t y) {
    if (key(x) != key(y)) return key(x) > key(y);
    return code_rank[x] < code_rank[y];
  });
  return out;
}

geo::coverage_summary summed_from_scratch(const synthetic& s, std::size_t level, std::size_t slot) {
  geo::coverage_summary out;
  for (std::uint32_t a : s.by_level[level]) {
    const coverage& c = s.figures[a][slot];
    ++out.areas;
    if (c.targets > 0 && c.pledged == 0) ++out.without_pledge;
    out.total.targets += c.targets;
    out.total.pledged += c.pledged;
    out.total.delivered += c.delivered;
    out.total.unmet_priority += c.unmet_priority;
  }
  return out;
}

void expect_every_list_matches(const kept_rankings& kept, const std::vector<synthetic>& bases) {
  for (std::size_t basis = 0; basis < kept_rankings::bases; ++basis)
    for (std::size_t level = 0; level < kept_rankings::levels; ++level)
      for (std::size_t slot = 0; slot < kept_rankings::slots; ++slot) {
        ASSERT_EQ(kept.summary(level, basis, slot, bases[basis].figures),
                  summed_from_scratch(bases[basis], level, slot))
            << "basis " << basis << " level " << level << " slot " << slot;
        for (coverage_order by : {coverage_order::unserved, coverage_order::unmet_priority}) {
          const auto order = kept.order(level, basis, slot, by, bases[basis].figures);
          ASSERT_EQ(std::vector<std::uint32_t>(order.begin(), order.end()),
                    sorted_from_scratch(bases[basis], level, slot, by))
              << "basis " << basis << " level " << level << " slot " << slot << " order "
              << static_cast<int>(by);
        }
      }
}

TEST(KeptRankings, FollowEveryChangeOfFiguresAsASortFromScratchWould) {
  std::mt19937 random(14);
  synthetic exact = make_areas(random, 3000);
  synthetic by_cell = exact;  // same areas, other figures
  for (synthetic* s : {&exact, &by_cell})
    for (program_coverage& p : s->figures)
      for (coverage& c : p)
        c = random_coverage(random);
  std::vector<synthetic> bases{exact, by_cell};
  kept_rankings kept(exact.by_level, exact.level_of);
  expect_every_list_matches(kept, bases);  // builds every list
  for (int step = 0; step < 20000; ++step) {
    const std::size_t basis = random() % 2;
    const auto a = static_cast<std::uint32_t>(random() % bases[basis].figures.size());
    const program_coverage before = bases[basis].figures[a];
    // As a write does: all programs and one program move together, sometimes not at all.
    const std::size_t slot = 1 + random() % (kept_rankings::slots - 1);
    if (random() % 8 != 0) {
      bases[basis].figures[a][0] = random_coverage(random);
      bases[basis].figures[a][slot] = random_coverage(random);
    }
    kept.changed(a, basis, before, bases[basis].figures);
    if (step % 5000 == 4999) expect_every_list_matches(kept, bases);
  }
  expect_every_list_matches(kept, bases);
}

TEST(KeptRankings, BuildsAListFromTheFiguresOfItsFirstUseAndIgnoresChangesBefore) {
  std::mt19937 random(7);
  synthetic s = make_areas(random, 500);
  std::vector<synthetic> bases{s, s};
  kept_rankings kept(s.by_level, s.level_of);
  EXPECT_EQ(kept.bytes(), kept_rankings(s.by_level, s.level_of).bytes());
  const std::size_t empty = kept.bytes();
  for (std::uint32_t a = 0; a < 500; ++a) {
    const program_coverage before = bases[0].figures[a];
    bases[0].figures[a][0] = random_coverage(random);
    kept.changed(a, 0, before, bases[0].figures);  // no list built yet: nothing to move
  }
  expect_every_list_matches(kept, bases);
  // Every list of every level holds each area once: 4 bytes per area and list.
  EXPECT_EQ(kept.bytes() - empty,
            500u * 4u * kept_rankings::bases * kept_rankings::slots * kept_rankings::orders);
}

TEST(KeptRankings, KeepsAnEmptyLevelEmpty) {
  kept_rankings kept({}, {});
  const std::vector<program_coverage> none;
  EXPECT_TRUE(kept.order(3, 0, 0, coverage_order::unserved, none).empty());
  EXPECT_EQ(kept.summary(3, 1, 6, none), geo::coverage_summary{});
}

}  // namespace
