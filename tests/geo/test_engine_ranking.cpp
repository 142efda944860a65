#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <random>
#include <thread>
#include <tuple>

#include "geo/engine/engine.hpp"
#include "geo/import/dataset_description.hpp"
#include "geo/import/importer.hpp"
#include "geo/store/spatialite_store.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using geo::engine;
using geo::target_status;

// The engine's rankings against a recount from the targets and the statuses the test itself
// gave them, after random writes: every level, basis, program, order, `within` and
// `max_ratio`, and pages cut at every edge. The tiny dataset (test_engine.cpp says what it
// holds): few areas, but every write moves areas of every level on both bases.
class EngineRanking : public ::testing::Test {
 protected:
  EngineRanking() : m_store(m_dir / "sasaran.db") {
    geo::silent_progress progress;
    geo::importer importer(m_store, progress);
    importer.import_dataset(geo::load_dataset_description(
        std::string(SASARAN_TEST_DATA) + "/dataset-tiny.json", SASARAN_TEST_DATA));
    m_engine.emplace(m_store);
    for (const geo::area* a : all_areas())
      for (const geo::target* t : m_engine->targets_of(*a, engine::precision::exact))
        m_status.emplace(t, m_engine->status_of(*t));
  }

  std::vector<const geo::area*> all_areas() const {
    std::vector<const geo::area*> out;
    for (geo::admin_level level : geo::all_admin_levels)
      for (const geo::area* a : m_engine->areas_at(level))
        out.push_back(a);
    return out;
  }

  // The figures of an area recounted: exact ones from the codes a target holds, by cell from
  // its spot_chain; program slot 0 is all programs.
  geo::coverage recount(const geo::area& a, std::size_t slot, engine::precision basis) const {
    geo::coverage c;
    for (const auto& [t, status] : m_status) {
      if (slot != 0 && t->program != geo::programs[slot - 1]) continue;
      bool counted = false;
      if (basis == engine::precision::exact) {
        for (const geo::interned_text* code :
             {&t->rt_code, &t->rw_code, &t->kelurahan_code, &t->kecamatan_code, &t->kota_code})
          counted = counted || *code == a.code;
      } else {
        const engine::admin_chain chain = m_engine->spot_chain(*t);
        for (const geo::area* up :
             {chain.kota, chain.kecamatan, chain.kelurahan, chain.rw, chain.rt})
          counted = counted || up == &a;
      }
      if (!counted) continue;
      ++c.targets;
      if (status != target_status::open) ++c.pledged;
      if (status == target_status::delivered) ++c.delivered;
      if (status == target_status::open)
        c.unmet_priority += static_cast<std::uint64_t>(t->priority);
    }
    return c;
  }

  bool inside(const geo::area& a, const geo::area& within) const {
    for (const geo::area* at = &a; at; at = m_engine->find_area(at->parent_code))
      if (at == &within) return true;
    return false;
  }

  // The whole ranking recounted and sorted from scratch.
  std::vector<engine::ranked_area> oracle(const engine::coverage_query& q) const {
    const std::size_t slot = q.program ? *geo::program_slot(*q.program) : 0;
    std::vector<engine::ranked_area> out;
    for (const geo::area* a : m_engine->areas_at(q.level)) {
      if (q.within && !inside(*a, *m_engine->find_area(*q.within))) continue;
      const geo::coverage c = recount(*a, slot, q.basis);
      const double ratio = c.targets ? double(c.pledged) / c.targets : 0.0;
      if (ratio <= q.max_ratio) out.push_back({a, c});
    }
    const auto key = [&](const engine::ranked_area& r) {
      const std::uint64_t unserved = r.of.targets - r.of.pledged;
      return q.order == engine::coverage_order::unserved
                 ? std::tuple(unserved, r.of.unmet_priority)
                 : std::tuple(r.of.unmet_priority, unserved);
    };
    std::sort(out.begin(), out.end(), [&](const auto& x, const auto& y) {
      if (key(x) != key(y)) return key(x) > key(y);
      return x.where->code < y.where->code;
    });
    return out;
  }

  void expect_every_ranking_matches() const {
    std::vector<std::optional<std::string>> withins{std::nullopt};
    for (const geo::area* a : all_areas())
      withins.push_back(a->code);
    std::vector<std::optional<std::string>> programs{std::nullopt};
    for (std::string_view p : geo::programs)
      programs.emplace_back(std::string(p));
    for (geo::admin_level level : geo::all_admin_levels)
      for (engine::precision basis : {engine::precision::exact, engine::precision::coarse})
        for (const auto& program : programs)
          for (auto order :
               {engine::coverage_order::unserved, engine::coverage_order::unmet_priority})
            for (const auto& within : withins)
              for (double max_ratio : {1.0, 0.5, 0.0}) {
                const engine::coverage_query q{.level = level,
                                               .within = within,
                                               .program = program,
                                               .max_ratio = max_ratio,
                                               .order = order,
                                               .basis = basis};
                expect_pages_match(q, oracle(q));
              }
  }

  void expect_pages_match(const engine::coverage_query& q,
                          const std::vector<engine::ranked_area>& all) const {
    geo::coverage_summary summary;
    for (const auto& r : all) {
      ++summary.areas;
      if (r.of.targets > 0 && r.of.pledged == 0) ++summary.without_pledge;
      summary.total.targets += r.of.targets;
      summary.total.pledged += r.of.pledged;
      summary.total.delivered += r.of.delivered;
      summary.total.unmet_priority += r.of.unmet_priority;
    }
    const std::string what = "level " + std::string(geo::to_string(q.level)) + " within " +
                             q.within.value_or("-") + " program " + q.program.value_or("-") +
                             " max_ratio " + std::to_string(q.max_ratio) + " basis " +
                             std::to_string(static_cast<int>(q.basis)) + " order " +
                             std::to_string(static_cast<int>(q.order));
    EXPECT_EQ(m_engine->coverage_ranking_summary(q), summary) << what;
    for (std::size_t offset : {std::size_t{0}, std::size_t{1}, std::size_t{3}, all.size(),
                               all.size() + 1, std::size_t{100'000'000}})
      for (std::size_t limit : {std::size_t{1}, std::size_t{2}, std::size_t{10'000}}) {
        const engine::ranking_page page = m_engine->coverage_ranking(q, offset, limit);
        ASSERT_EQ(page.number_matched, all.size()) << what;
        EXPECT_EQ(page.summary, summary) << what;
        const std::size_t first = std::min(offset, all.size());
        ASSERT_EQ(page.first, first) << what;
        const std::size_t end = std::min(all.size(), first + limit);
        ASSERT_EQ(page.items.size(), end - first) << what << " offset " << offset;
        for (std::size_t i = first; i < end; ++i) {
          EXPECT_EQ(page.items[i - first].where, all[i].where) << what << " at " << i;
          EXPECT_EQ(page.items[i - first].of, all[i].of) << what << " at " << i;
        }
      }
  }

  void set(const geo::target& t, target_status status) {
    m_engine->set_status(t, status);
    m_status[&t] = status;
  }

  test_support::temp_dir m_dir;
  geo::spatialite_store m_store;
  std::optional<engine> m_engine;
  std::map<const geo::target*, target_status> m_status;  // what the test set, by target
};

TEST_F(EngineRanking, MatchesARecountAfterRandomPledgesCancellationsDeliveriesAndALocation) {
  ASSERT_EQ(m_status.size(), 6u);
  expect_every_ranking_matches();  // builds the lists asked for
  std::mt19937 random(14);
  std::vector<const geo::target*> targets;
  for (const auto& [t, status] : m_status)
    targets.push_back(t);
  for (int step = 0; step < 60; ++step) {
    const geo::target& t = *targets[random() % targets.size()];
    set(t, static_cast<target_status>(random() % 3));
    if (step == 30) {
      // T06, unlocated and declared in RT 002002, is found in the field in RT 001001.
      const geo::target& found = *m_engine->find_target("T06");
      m_engine->locate(found, 106.805, -6.195, "3171010001001001", "3171010001001");
    }
    if (step % 10 == 9) expect_every_ranking_matches();
  }
  EXPECT_FALSE(::testing::Test::HasFailure());
}

TEST_F(EngineRanking, ReadsNoTornOrUnsortedPageWhileAWriterMovesStatuses) {
  const engine::coverage_query q{.level = geo::admin_level::rt};
  m_engine->coverage_ranking(q, 0, 10);  // built before the writer starts or not: both work
  std::vector<const geo::target*> targets;
  for (const auto& [t, status] : m_status)
    targets.push_back(t);
  std::atomic<bool> done = false;
  std::atomic<int> reads = 0;
  // Writes until the readers have read many pages, whichever thread the system runs first.
  std::thread writer([&] {
    std::mt19937 random(3);
    while (reads < 4000)
      m_engine->set_status(*targets[random() % targets.size()],
                           static_cast<target_status>(random() % 3));
    done = true;
  });
  std::atomic<int> bad = 0;
  const auto read = [&](engine::coverage_order order) {
    while (!done) {
      const engine::ranking_page page =
          m_engine->coverage_ranking({.level = geo::admin_level::rt, .order = order}, 0, 10'000);
      geo::coverage_summary summed;
      for (std::size_t i = 0; i < page.items.size(); ++i) {
        const geo::coverage& c = page.items[i].of;
        summed.count(c, +1);
        if (i == 0) continue;
        const geo::coverage& p = page.items[i - 1].of;
        const auto key = [&](const geo::coverage& x) {
          const std::uint64_t unserved = x.unserved();
          return order == engine::coverage_order::unserved ? std::pair(unserved, x.unmet_priority)
                                                           : std::pair(x.unmet_priority, unserved);
        };
        const bool sorted = key(p) > key(c) || (key(p) == key(c) && page.items[i - 1].where->code <
                                                                        page.items[i].where->code);
        if (!sorted) ++bad;
      }
      // Every RT's targets are counted once: a torn read would lose or double one.
      if (!(summed == page.summary) || page.summary.total.targets != 5u) ++bad;
      ++reads;
    }
  };
  std::thread reader1(read, engine::coverage_order::unserved);
  std::thread reader2(read, engine::coverage_order::unmet_priority);
  writer.join();
  reader1.join();
  reader2.join();
  EXPECT_EQ(bad.load(), 0);
}

}  // namespace
