// The three CSV imports over any bytes, as `sasaran import` runs them: targets (geo/target_import:
// numbers with decimal commas, swapped coordinates, declared and found RTs), collaborators
// (geo/collaborator_import) and pledges (geo/pledge_import: forms, amounts, dates, double help).
// The input is the file; areas, collaborators and targets it is checked against are fixed and
// small. Only geo::input_error may leave an import (unreadable file, no header, missing
// columns, an unterminated quote); every row read must be counted in exactly one outcome.
#include <numeric>

#include "geo/error.hpp"
#include "geo/import/collaborator_import.hpp"
#include "geo/import/pledge_import.hpp"
#include "geo/import/target_import.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using fuzz_support::require;

geo::multipolygon box(double min_x, double min_y, double max_x, double max_y) {
  return {geo::polygon{{{min_x, min_y, max_x, min_y, max_x, max_y, min_x, max_y, min_x, min_y}}}};
}

// Kelurahan 3171010001 (106.80..106.82, -6.20..-6.18) with RW 001 in it, split into RT 001
// (west) and RT 002 (east), as the tiny dataset's codes go.
geo::area_lookup make_areas() {
  geo::area_lookup areas;
  areas.kelurahan = geo::area_index(
      {{"3171010001", box(106.80, -6.20, 106.82, -6.18), {106.80, -6.20, 106.82, -6.18}}});
  areas.rt = geo::area_index(
      {{"3171010001001001", box(106.80, -6.20, 106.81, -6.18), {106.80, -6.20, 106.81, -6.18}},
       {"3171010001001002", box(106.81, -6.20, 106.82, -6.18), {106.81, -6.20, 106.82, -6.18}}});
  areas.parent_of = {{"3171010001001001", "3171010001001"},
                     {"3171010001001002", "3171010001001"},
                     {"3171010001001", "3171010001"},
                     {"3171010001", "3171010"},
                     {"3171010", "3171"}};
  return areas;
}

void check_report(const geo::layer_report& report, std::size_t kept) {
  const std::size_t counted =
      std::accumulate(report.outcomes.begin(), report.outcomes.end(), std::size_t{0});
  require(counted == report.read, report.layer + ": rows read and outcomes counted differ");
  require(kept == report.imported(), report.layer + ": rows kept and rows imported differ");
}

template <typename Import>
void run(Import import) {
  try {
    import();
  } catch (const geo::input_error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz_support::memory_file file;
  static const geo::area_lookup areas = make_areas();
  static const std::unordered_set<std::string> collaborators = {"C1", "C2", "C3"};
  static const geo::target_registry targets = {
      {{"T01", "pangan"}, {"T02", "pendidikan"}, {"T04", "umkm"}},
      {{"T07", "row 8: no coordinates"}}};
  const std::string& path = file.write(fuzz_support::text_of(data, size));
  geo::silent_progress progress;

  run([&] {
    geo::layer_report report;
    report.layer = "targets";
    const geo::target_import_result result = geo::import_targets(path, areas, report, progress, {});
    check_report(report, result.targets.size());
    for (const geo::target& t : result.targets) {
      require(!t.id.empty() && geo::is_program(t.program), "a kept target without id or program");
      require(result.registry.program_of.contains(t.id), "a kept target missing in the registry");
      if (t.lon) require(!t.rt_code.empty(), "a located target without its RT");
    }
  });
  run([&] {
    geo::layer_report report;
    report.layer = "collaborators";
    const auto kept = geo::import_collaborators(path, report, progress, {});
    check_report(report, kept.size());
    for (const geo::collaborator& c : kept)
      require(!c.lon || (*c.lon >= -180 && *c.lon <= 180 && c.lat && *c.lat >= -90 && *c.lat <= 90),
              "a collaborator kept with coordinates out of range");
  });
  run([&] {
    geo::layer_report report;
    report.layer = "pledges";
    const auto kept = geo::import_pledges(path, collaborators, targets, report, progress, {});
    check_report(report, kept.size());
    for (const geo::pledge& p : kept)
      require(collaborators.contains(p.collaborator_id) && targets.program_of.contains(p.target_id),
              "a pledge kept for an unknown collaborator or target");
  });
  return 0;
}
