#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/commands.hpp"
#include "cli/progress_bar.hpp"
#include "geo/dataset_description.hpp"
#include "geo/error.hpp"
#include "geo/importer.hpp"
#include "geo/spatialite_store.hpp"

namespace cli {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int) {
  g_interrupted.store(true);
  // A second Ctrl-C ends the process at once; the store's transaction still rolls back.
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

geo::area_layer_spec area_spec_from_flags(const import_options& o) {
  const auto level = geo::parse_admin_level(o.level);
  if (!level)
    throw geo::input_error("--level '" + o.level +
                           "' is not one of kota, kecamatan, kelurahan, rw, rt");
  if (o.code.empty()) throw geo::input_error("--code is required with --level");
  geo::area_layer_spec spec;
  spec.level = *level;
  spec.layer = o.layer.empty() ? std::string(geo::to_string(*level)) : o.layer;
  spec.path = o.source;
  spec.code = geo::code_rule::parse(o.code, o.strip_prefix);
  if (!o.name.empty()) spec.name = geo::code_rule::parse(o.name);
  if (!o.parent.empty()) spec.parent = geo::code_rule::parse(o.parent, o.strip_prefix);
  if (spec.parent.empty() && *level != geo::admin_level::kota)
    throw geo::input_error("--parent is required for level " + o.level);
  return spec;
}

geo::import_report run(geo::importer& importer, const import_options& o) {
  if (!o.level.empty()) return importer.import_area_layer(area_spec_from_flags(o));
  if (o.table == "targets") return importer.import_targets(o.source);
  if (o.table == "collaborators") return importer.import_collaborators(o.source);
  if (o.table == "pledges") return importer.import_pledges(o.source);
  return importer.import_dataset(geo::load_dataset_description(o.source, o.datasets_root));
}

void write_report(const std::string& path, const geo::import_report& report) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << report.to_json();
  if (!out) throw geo::input_error("cannot write the report to '" + path + "'");
}

}  // namespace

int run_import(const import_options& options) {
  try {
    const std::filesystem::path db(options.db);
    if (db.has_parent_path()) std::filesystem::create_directories(db.parent_path());
    geo::spatialite_store store(options.db, geo::spatialite_store::journal::bulk);
    progress_bar bar(stderr);
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    geo::importer importer(store, bar, geo::stop_token(&g_interrupted));
    const geo::import_report report = run(importer, options);
    std::fputs(report.to_text().c_str(), stdout);
    std::printf("stored in %s\n", options.db.c_str());
    if (!options.report_file.empty()) {
      try {
        write_report(options.report_file, report);
      } catch (const geo::error& e) {
        std::fprintf(stderr, "sasaran import: the import landed, but %s\n", e.what());
        return exit_failure;
      }
    }
    return options.strict && report.rejected() > 0 ? exit_rejections : exit_ok;
  } catch (const geo::interrupted_error& e) {
    std::fprintf(stderr, "\nsasaran import: %s; the database is unchanged\n", e.what());
    return exit_interrupted;
  } catch (const geo::error& e) {
    std::fprintf(stderr, "\nsasaran import: %s; the database is unchanged\n", e.what());
    return exit_failure;
  } catch (const std::filesystem::filesystem_error& e) {
    std::fprintf(stderr, "sasaran import: %s\n", e.what());
    return exit_failure;
  }
}

}  // namespace cli
