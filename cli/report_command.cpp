#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "geo/error.hpp"
#include "geo/store/open_store.hpp"

namespace cli {
namespace {

void print_runs(geo::store& store, std::size_t limit) {
  for (const geo::import_run& run : store.load_runs(limit))
    std::printf("#%lld %s %s\n%s", static_cast<long long>(run.id), run.finished_at.c_str(),
                run.what.c_str(), run.report.c_str());
}

// `--changes [RUN]`: one line per row the import changed; the latest import without RUN.
int print_changes(geo::store& store, const report_options& o) {
  std::int64_t run = store.data_version();
  if (!o.changes->empty()) {
    try {
      std::size_t used = 0;
      run = std::stoll(*o.changes, &used);
      if (used != o.changes->size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      std::fprintf(stderr, "sasaran report: --changes '%s' is not an import number\n",
                   o.changes->c_str());
      return exit_usage;
    }
  }
  const std::vector<geo::import_run> runs = store.load_runs(1000000);
  const auto it =
      std::find_if(runs.begin(), runs.end(), [&](const auto& r) { return r.id == run; });
  if (it == runs.end()) {
    std::fprintf(stderr, "sasaran report: there is no import #%lld in '%s'\n",
                 static_cast<long long>(run), geo::shown_store_name(o.db).c_str());
    return exit_failure;
  }
  std::printf("#%lld %s %s\n", static_cast<long long>(it->id), it->finished_at.c_str(),
              it->what.c_str());
  const std::vector<geo::row_change> all = store.load_changes(run, o.layer, 100000000, 0);
  const std::vector<geo::row_change> changes(
      all.begin(), all.begin() + static_cast<std::ptrdiff_t>(std::min(all.size(), o.limit)));
  if (o.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const geo::row_change& c : changes)
      out.push_back({{"layer", c.layer}, {"key", c.key}, {"change", c.change}});
    std::puts(out.dump(2).c_str());
    return exit_ok;
  }
  std::map<std::pair<std::string, std::string>, std::size_t> counts;
  for (const geo::row_change& c : all)
    ++counts[{c.layer, c.change}];
  for (const auto& [what, n] : counts)
    std::printf("  %-14s %-10s %8zu\n", what.first.c_str(), what.second.c_str(), n);
  std::printf("\n%-14s %-20s %s\n", "layer", "key", "change");
  for (const geo::row_change& c : changes)
    std::printf("%-14s %-20s %s\n", c.layer.c_str(), c.key.c_str(), c.change.c_str());
  return exit_ok;
}

// The kept issues: counts by layer, outcome and reason, then the rows (at most `--limit`).
int print_issues(geo::store& store, const report_options& o) {
  const geo::issue_filter filter{o.layer, geo::parse_outcome(o.outcome)};
  if (!o.outcome.empty() && !filter.only)  // main.cpp lets only outcome names through
    throw geo::input_error("--outcome '" + o.outcome + "' is not an outcome");
  const std::vector<geo::layer_issue> rows = store.load_issues(filter, o.limit, 0);
  if (o.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& [layer, issue] : rows)
      out.push_back({{"layer", layer},
                     {"row", issue.row},
                     {"key", issue.key},
                     {"outcome", geo::to_string(issue.result)},
                     {"reason", issue.reason},
                     {"message", issue.message},
                     {"raw", issue.raw}});
    std::puts(out.dump(2).c_str());
    return exit_ok;
  }
  std::printf("%-14s %-11s %-24s %8s\n", "layer", "outcome", "reason", "rows");
  for (const geo::issue_count& c : store.count_issues(filter))
    std::printf("%-14s %-11s %-24s %8zu\n", c.layer.c_str(),
                std::string(geo::to_string(c.result)).c_str(), c.reason.c_str(), c.rows);
  std::printf("\n%-14s %7s %-12s %-10s %s\n", "layer", "row", "key", "outcome", "message");
  for (const auto& [layer, issue] : rows)
    std::printf("%-14s %7zu %-12s %-10s %s\n    %s\n", layer.c_str(), issue.row, issue.key.c_str(),
                std::string(geo::to_string(issue.result)).c_str(), issue.message.c_str(),
                issue.raw.c_str());
  return exit_ok;
}

}  // namespace

int run_report(const report_options& o) {
  try {
    // A report only reads: opening a missing path would create an empty database there.
    if (!geo::is_postgres_url(o.db) && !std::filesystem::exists(o.db)) {
      std::fprintf(stderr,
                   "sasaran report: there is no database '%s' (make one with sasaran import)\n",
                   geo::shown_store_name(o.db).c_str());
      return exit_failure;
    }
    const std::unique_ptr<geo::store> store = geo::open_store(o.db, geo::store_use::admin);
    if (store->load_runs(1).empty()) {
      std::fprintf(stderr, "sasaran report: '%s' holds no import yet\n",
                   geo::shown_store_name(o.db).c_str());
      return exit_failure;
    }
    if (o.runs) {
      print_runs(*store, o.limit);
      return exit_ok;
    }
    if (o.changes) return print_changes(*store, o);
    return print_issues(*store, o);
  } catch (const geo::error& e) {
    std::fprintf(stderr, "sasaran report: %s\n", e.what());
    return exit_failure;
  }
}

}  // namespace cli
