#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "geo/error.hpp"
#include "geo/store/spatialite_store.hpp"
#include "geo/store/sqlite_db.hpp"
#include "geo/store/sqlite_statement.hpp"

namespace cli {
namespace {

void print_runs(geo::sqlite_db& db, std::size_t limit) {
  geo::sqlite_statement runs =
      db.prepare("SELECT id, finished_at, what, report FROM import_runs ORDER BY id DESC LIMIT ?");
  runs.bind(1, static_cast<std::int64_t>(limit));
  while (runs.step())
    std::printf("#%lld %s %s\n%s", static_cast<long long>(runs.column_int(0)),
                runs.column_text(1).c_str(), runs.column_text(2).c_str(),
                runs.column_text(3).c_str());
}

// `--changes [RUN]`: one line per row the import changed; the latest import without RUN.
int print_changes(const report_options& o) {
  geo::spatialite_store store(o.db);
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
                 static_cast<long long>(run), o.db.c_str());
    return exit_failure;
  }
  std::printf("#%lld %s %s\n", static_cast<long long>(it->id), it->finished_at.c_str(),
              it->what.c_str());
  const std::vector<geo::row_change> all = store.load_changes(run, o.layer, 100000000, 0);
  const std::vector<geo::row_change> changes(all.begin(),
                                             all.begin() + std::min(all.size(), o.limit));
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

}  // namespace

int run_report(const report_options& o) {
  try {
    // A report only reads: opening a missing path would create an empty database there.
    if (!std::filesystem::exists(o.db)) {
      std::fprintf(stderr,
                   "sasaran report: there is no database '%s' (make one with sasaran import)\n",
                   o.db.c_str());
      return exit_failure;
    }
    geo::sqlite_db db(o.db);
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'import_issues'").step()) {
      std::fprintf(stderr, "sasaran report: '%s' holds no import yet\n", o.db.c_str());
      return exit_failure;
    }
    if (o.runs) {
      print_runs(db, o.limit);
      return exit_ok;
    }
    if (o.changes) return print_changes(o);
    geo::sqlite_statement summary = db.prepare(R"sql(
      SELECT layer, outcome, reason, count(*) FROM import_issues
      WHERE (?1 = '' OR layer = ?1) AND (?2 = '' OR outcome = ?2)
      GROUP BY layer, outcome, reason ORDER BY layer, outcome, reason)sql");
    summary.bind(1, o.layer).bind(2, o.outcome);
    geo::sqlite_statement rows = db.prepare(R"sql(
      SELECT layer, row, coalesce(key, ''), outcome, reason, message, raw FROM import_issues
      WHERE (?1 = '' OR layer = ?1) AND (?2 = '' OR outcome = ?2)
      ORDER BY layer, row LIMIT ?3)sql");
    rows.bind(1, o.layer).bind(2, o.outcome).bind(3, static_cast<std::int64_t>(o.limit));
    if (o.json) {
      nlohmann::ordered_json out = nlohmann::ordered_json::array();
      while (rows.step())
        out.push_back({{"layer", rows.column_text(0)},
                       {"row", rows.column_int(1)},
                       {"key", rows.column_text(2)},
                       {"outcome", rows.column_text(3)},
                       {"reason", rows.column_text(4)},
                       {"message", rows.column_text(5)},
                       {"raw", rows.column_text(6)}});
      std::puts(out.dump(2).c_str());
      return exit_ok;
    }
    std::printf("%-14s %-11s %-24s %8s\n", "layer", "outcome", "reason", "rows");
    while (summary.step())
      std::printf("%-14s %-11s %-24s %8lld\n", summary.column_text(0).c_str(),
                  summary.column_text(1).c_str(), summary.column_text(2).c_str(),
                  static_cast<long long>(summary.column_int(3)));
    std::printf("\n%-14s %7s %-12s %-10s %s\n", "layer", "row", "key", "outcome", "message");
    while (rows.step())
      std::printf("%-14s %7lld %-12s %-10s %s\n    %s\n", rows.column_text(0).c_str(),
                  static_cast<long long>(rows.column_int(1)), rows.column_text(2).c_str(),
                  rows.column_text(3).c_str(), rows.column_text(5).c_str(),
                  rows.column_text(6).c_str());
    return exit_ok;
  } catch (const geo::error& e) {
    std::fprintf(stderr, "sasaran report: %s\n", e.what());
    return exit_failure;
  }
}

}  // namespace cli
