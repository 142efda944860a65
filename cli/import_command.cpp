#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/commands.hpp"
#include "cli/new_database_guard.hpp"
#include "cli/progress_bar.hpp"
#include "cli/usage_error.hpp"
#include "geo/error.hpp"
#include "geo/import/dataset_description.hpp"
#include "geo/import/importer.hpp"
#include "geo/store/open_store.hpp"

namespace cli {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int signal) {
  if (g_interrupted.exchange(true)) {
    // A second Ctrl-C ends the process at once; an existing store's journal rolls the
    // transaction back on its next opening, and a store this import created goes with it.
    new_database_guard::unlink_current();
    std::signal(signal, SIG_DFL);
    std::raise(signal);
  }
}

// A rule flag parsed, its syntax errors being usage errors.
geo::code_rule rule_flag(const char* flag, const std::string& text, const std::string& strip) {
  try {
    return geo::code_rule::parse(text, strip);
  } catch (const geo::input_error& e) {
    throw usage_error(std::string(flag) + " '" + text + "': " + e.what());
  }
}

geo::area_layer_spec area_spec_from_flags(const import_options& o) {
  const auto level = geo::parse_admin_level(o.level);
  if (!level)
    throw usage_error("--level '" + o.level + "' is not one of kota, kecamatan, kelurahan, rw, rt");
  if (o.code.empty()) throw usage_error("--code is required with --level");
  if (o.parent.empty() && *level != geo::admin_level::kota)
    throw usage_error("--parent is required for level " + o.level);
  geo::area_layer_spec spec;
  spec.level = *level;
  spec.layer = o.layer.empty() ? std::string(geo::to_string(*level)) : o.layer;
  spec.path = o.source;
  spec.source_layer = o.source_layer;
  spec.code = rule_flag("--code", o.code, o.strip_prefix);
  if (!o.name.empty()) spec.name = rule_flag("--name", o.name, "");
  if (!o.parent.empty()) spec.parent = rule_flag("--parent", o.parent, o.strip_prefix);
  return spec;
}

// Flags that only mean something for one area file are refused elsewhere rather than ignored.
void check_flags(const import_options& o) {
  if (!o.level.empty()) return;
  const std::pair<const char*, const std::string*> area_flags[] = {
      {"--layer", &o.layer},   {"--source-layer", &o.source_layer},
      {"--code", &o.code},     {"--name", &o.name},
      {"--parent", &o.parent}, {"--strip-prefix", &o.strip_prefix}};
  for (const auto& [flag, value] : area_flags)
    if (!value->empty())
      throw usage_error(std::string(flag) + " is for one area file, given with --level" +
                        (o.table.empty() ? "; a dataset description names its own layers"
                                         : "; not with --table"));
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

// Rows retired or restored by the import just made: an operator must see each one, since a
// retired target's pledges are flagged for their collaborators.
std::string kept_back(geo::store& store) {
  std::string out;
  for (const geo::row_change& c : store.load_changes(store.data_version(), "", 1000000, 0))
    if (c.change == "retired" || c.change == "restored")
      out += c.change + " " + c.layer + " " + c.key + "\n";
  return out;
}

int import_into_store(const import_options& options, new_database_guard& created) {
  geo::import_report report;
  std::string retired;
  {
    // Waits its turn behind a server's writes to the same store (store_use::import).
    const std::unique_ptr<geo::store> store = geo::open_store(options.db, geo::store_use::import);
    progress_bar bar(stderr);
    geo::importer importer(*store, bar, geo::stop_token(&g_interrupted));
    importer.allow_removals(options.allow_removals);
    report = run(importer, options);
    retired = kept_back(*store);
  }
  created.keep();
  std::fputs(report.to_text().c_str(), stdout);
  std::fputs(retired.c_str(), stdout);
  std::printf("stored in %s\n", geo::shown_store_name(options.db).c_str());
  if (!options.report_file.empty()) {
    try {
      write_report(options.report_file, report);
    } catch (const geo::error& e) {
      std::fprintf(stderr, "sasaran import: the import landed, but %s\n", e.what());
      return exit_failure;
    }
  }
  return options.strict && report.rejected() > 0 ? exit_rejections : exit_ok;
}

}  // namespace

int run_import(const import_options& options) {
  try {
    // Wrong flags are found before a database is opened, let alone created.
    check_flags(options);
    if (!options.level.empty()) area_spec_from_flags(options);
    new_database_guard created(options.db);
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    return import_into_store(options, created);
  } catch (const usage_error& e) {
    std::fprintf(stderr, "sasaran import: %s\n", e.what());
    return exit_usage;
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
