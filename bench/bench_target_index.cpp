// In-process benchmark of nearest-target search over the imported Jakarta targets, on the
// fixed query points of ../shared/bench. Needs an imported database (scripts/run.sh):
//   SASARAN_DB=data/sasaran.sqlite build/bench/sasaran_benchmarks
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "geo/spatialite_store.hpp"
#include "geo/target_index.hpp"

namespace {

struct jakarta {
  std::vector<bool> pangan;  // by item
  geo::target_index index;
  std::vector<std::pair<double, double>> queries;

  jakarta() {
    const char* db = std::getenv("SASARAN_DB");
    geo::spatialite_store store(db && *db ? db : "data/sasaran.sqlite");
    std::vector<geo::target_index::entry> points;
    for (const geo::target& t : store.load_targets()) {
      if (!t.lon || !t.lat) continue;
      points.push_back({*t.lon, *t.lat, static_cast<std::uint32_t>(pangan.size())});
      pangan.push_back(t.program == "pangan");
    }
    index = geo::target_index(std::move(points));
    const char* datasets = std::getenv("SASARAN_DATASETS");
    std::ifstream in(std::string(datasets && *datasets ? datasets : SASARAN_DEFAULT_DATASETS) +
                     "/../bench/query_points_10k.csv");
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line))
      queries.emplace_back(std::stod(line.substr(0, line.find(','))),
                           std::stod(line.substr(line.find(',') + 1)));
  }
};

const jakarta& data() {
  static const jakarta loaded;
  return loaded;
}

void nearest_10(benchmark::State& state) {
  const jakarta& d = data();
  if (d.index.size() == 0 || d.queries.empty()) {
    state.SkipWithError("no targets or no query points: import Jakarta first (scripts/run.sh)");
    return;
  }
  std::size_t q = 0;
  for (auto _ : state) {
    const auto& [lon, lat] = d.queries[q++ % d.queries.size()];
    benchmark::DoNotOptimize(d.index.nearest(lon, lat, 10));
  }
  state.counters["targets"] = static_cast<double>(d.index.size());
}

void nearest_10_pangan(benchmark::State& state) {
  const jakarta& d = data();
  if (d.index.size() == 0 || d.queries.empty()) {
    state.SkipWithError("no targets or no query points: import Jakarta first (scripts/run.sh)");
    return;
  }
  const geo::target_index::filter pangan = [&](std::uint32_t item) { return d.pangan[item]; };
  std::size_t q = 0;
  for (auto _ : state) {
    const auto& [lon, lat] = d.queries[q++ % d.queries.size()];
    benchmark::DoNotOptimize(d.index.nearest(lon, lat, 10, 1e300, pangan));
  }
}

BENCHMARK(nearest_10);
BENCHMARK(nearest_10_pangan);

}  // namespace

BENCHMARK_MAIN();
