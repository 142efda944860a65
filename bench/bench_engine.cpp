// In-process benchmarks of the engine over the imported Jakarta data, on the fixed query
// points of ../shared/bench. Needs an imported database (scripts/run.sh):
//   SASARAN_DB=data/sasaran.sqlite build/bench/sasaran_benchmarks
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "geo/engine/engine.hpp"
#include "geo/error.hpp"
#include "geo/store/spatialite_store.hpp"

namespace {

std::string database() {
  const char* db = std::getenv("SASARAN_DB");
  return db && *db ? db : "data/sasaran.sqlite";
}

std::vector<std::pair<double, double>> query_points() {
  const char* datasets = std::getenv("SASARAN_DATASETS");
  std::ifstream in(std::string(datasets && *datasets ? datasets : SASARAN_DEFAULT_DATASETS) +
                   "/../bench/query_points_10k.csv");
  std::vector<std::pair<double, double>> out;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line))
    out.emplace_back(std::stod(line.substr(0, line.find(','))),
                     std::stod(line.substr(line.find(',') + 1)));
  return out;
}

struct jakarta {
  geo::spatialite_store store{database()};
  geo::engine engine{store};
  std::vector<std::pair<double, double>> queries = query_points();
};

const jakarta* data(benchmark::State& state) {
  static const std::unique_ptr<jakarta> loaded = []() -> std::unique_ptr<jakarta> {
    try {
      return std::make_unique<jakarta>();
    } catch (const geo::error&) {
      return nullptr;
    }
  }();
  if (!loaded || loaded->engine.located_count() == 0 || loaded->queries.empty()) {
    state.SkipWithError("no targets or no query points: import Jakarta first (scripts/run.sh)");
    return nullptr;
  }
  return loaded.get();
}

void engine_load(benchmark::State& state) {
  if (!data(state)) return;
  for (auto _ : state) {
    geo::spatialite_store store(database());
    geo::engine engine(store);
    benchmark::DoNotOptimize(engine.target_count());
  }
}

void nearest_10(benchmark::State& state, std::optional<std::string> program,
                geo::engine::precision positions) {
  const jakarta* d = data(state);
  if (!d) return;
  std::size_t q = 0;
  for (auto _ : state) {
    const auto& [lon, lat] = d->queries[q++ % d->queries.size()];
    benchmark::DoNotOptimize(
        d->engine.nearest({.lon = lon, .lat = lat, .program = program, .positions = positions}));
  }
  state.counters["targets"] = static_cast<double>(d->engine.located_count());
}

void admin_lookup(benchmark::State& state) {
  const jakarta* d = data(state);
  if (!d) return;
  std::size_t q = 0;
  for (auto _ : state) {
    const auto& [lon, lat] = d->queries[q++ % d->queries.size()];
    benchmark::DoNotOptimize(d->engine.lookup(lon, lat));
  }
}

BENCHMARK(engine_load)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK_CAPTURE(nearest_10, any, std::nullopt, geo::engine::precision::exact);
BENCHMARK_CAPTURE(nearest_10, pangan, std::string("pangan"), geo::engine::precision::exact);
// What collaborators and planners ask: distances from the coarse spots.
BENCHMARK_CAPTURE(nearest_10, any_coarse, std::nullopt, geo::engine::precision::coarse);
BENCHMARK(admin_lookup);

}  // namespace

BENCHMARK_MAIN();
