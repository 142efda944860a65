// In-process benchmarks of tile building (no HTTP, no cache, no gzip) over the browsing mix of
// ../shared/bench/tiles_browse_mix.txt, per source and composite, for the ways a caller may
// see targets. Needs an imported database (scripts/run.sh):
//   SASARAN_DB=data/sasaran.sqlite build/bench/sasaran_tile_benchmarks
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "geo/engine/engine.hpp"
#include "geo/error.hpp"
#include "geo/store/spatialite_store.hpp"
#include "tiles/tile_builder.hpp"

namespace {

using tiles::tile_source;
using mode = tiles::target_viewer::mode;

std::string database() {
  const char* db = std::getenv("SASARAN_DB");
  return db && *db ? db : "data/sasaran.sqlite";
}

std::vector<tiles::tile_id> browse_mix() {
  const char* datasets = std::getenv("SASARAN_DATASETS");
  std::ifstream in(std::string(datasets && *datasets ? datasets : SASARAN_DEFAULT_DATASETS) +
                   "/../bench/tiles_browse_mix.txt");
  std::vector<tiles::tile_id> out;
  std::uint32_t z, x, y;
  char slash;
  while (in >> z >> slash >> x >> slash >> y)
    out.push_back({z, x, y});
  return out;
}

struct jakarta {
  geo::spatialite_store store{database()};
  geo::engine engine{store};
  tiles::tile_builder builder{engine};
  std::vector<tiles::tile_id> mix = browse_mix();
};

jakarta* data(benchmark::State& state) {
  static const std::unique_ptr<jakarta> loaded = []() -> std::unique_ptr<jakarta> {
    try {
      auto j = std::make_unique<jakarta>();
      // Simplification is kept per zoom once made: measure tiles, not the first use.
      const auto start = std::chrono::steady_clock::now();
      j->builder.prepare_zooms(0, tiles::max_zoom);
      std::fprintf(stderr, "simplified zooms 0-22 of every source in %.2f s\n",
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      return j;
    } catch (const geo::error&) {
      return nullptr;
    }
  }();
  if (!loaded || loaded->mix.empty()) {
    state.SkipWithError("no database or no browse mix: import Jakarta first (scripts/run.sh)");
    return nullptr;
  }
  return loaded.get();
}

void build_mix(benchmark::State& state, std::vector<tile_source> sources, mode how) {
  const jakarta* j = data(state);
  if (!j) return;
  const tiles::target_viewer viewer{how};
  std::size_t i = 0, bytes = 0, tiles_built = 0;
  for (auto _ : state) {
    const std::string tile = j->builder.build(j->mix[i], sources, std::nullopt, viewer);
    bytes += tile.size();
    ++tiles_built;
    i = (i + 1) % j->mix.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(tiles_built));
  state.counters["bytes_per_tile"] = double(bytes) / double(std::max<std::size_t>(tiles_built, 1));
}

// What a pledge costs the tiles: set_status bumps a counter per area the target counts in,
// which is the whole invalidation (cached tiles compare counters when next asked for).
void invalidation_by_status_change(benchmark::State& state) {
  jakarta* j = data(state);
  if (!j) return;
  const auto located =
      j->engine.targets_in(geo::bbox{-180, -90, 180, 90}, geo::engine::precision::exact);
  std::size_t i = 0;
  for (auto _ : state) {
    const geo::target& t = *located[i++ % located.size()];
    const geo::target_status was = j->engine.status_of(t);
    j->engine.set_status(t, geo::target_status::pledged);
    j->engine.set_status(t, was);
  }
  state.SetItemsProcessed(2 * state.iterations());
}

// What a cache hit pays to know a tile is still current: the z10 map tile over Jakarta shows
// every kelurahan and RW, the largest set of areas any tile records.
void currency_check_of_largest_tile(benchmark::State& state) {
  const jakarta* j = data(state);
  if (!j) return;
  const auto built = j->builder.build_tile(
      {10, 816, 529},
      std::vector<tile_source>{tile_source::kelurahan, tile_source::rw, tile_source::targets},
      std::nullopt, {mode::coarse});
  const geo::engine::revisions seen = j->engine.revisions_of(built.shown);
  std::vector<std::pair<const geo::area*, std::uint64_t>> recorded;
  for (std::size_t k = 0; k < built.shown.size(); ++k)
    recorded.emplace_back(built.shown[k], seen.of[k]);
  for (auto _ : state)
    benchmark::DoNotOptimize(j->engine.unchanged(recorded));
  state.counters["areas"] = double(recorded.size());
}

}  // namespace

BENCHMARK(invalidation_by_status_change);
BENCHMARK(currency_check_of_largest_tile);
BENCHMARK_CAPTURE(build_mix, kelurahan, {tile_source::kelurahan}, mode::coarse);
BENCHMARK_CAPTURE(build_mix, rw, {tile_source::rw}, mode::coarse);
BENCHMARK_CAPTURE(build_mix, rt, {tile_source::rt}, mode::coarse);
BENCHMARK_CAPTURE(build_mix, targets_anonymous, {tile_source::targets}, mode::counts_per_rw);
BENCHMARK_CAPTURE(build_mix, targets_coarse, {tile_source::targets}, mode::coarse);
BENCHMARK_CAPTURE(build_mix, targets_exact, {tile_source::targets}, mode::exact);
BENCHMARK_CAPTURE(build_mix, map_composite_coarse,
                  {tile_source::kelurahan, tile_source::rw, tile_source::targets}, mode::coarse);
BENCHMARK_CAPTURE(build_mix, map_composite_anonymous,
                  {tile_source::kelurahan, tile_source::rw, tile_source::targets},
                  mode::counts_per_rw);

BENCHMARK_MAIN();
