#include "geo/importer.hpp"

#include <algorithm>
#include <chrono>
#include <future>
#include <set>

#include "geo/area_dissolve.hpp"
#include "geo/area_parents.hpp"
#include "geo/collaborator_import.hpp"
#include "geo/error.hpp"
#include "geo/pledge_import.hpp"

namespace geo {

struct importer::session {
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::map<admin_level, std::vector<area_candidate>> imported;
  std::map<admin_level, std::vector<area_candidate>> stored;
  std::optional<target_registry> targets;
  std::optional<std::unordered_set<std::string>> collaborators;
  struct area_layer {
    std::string layer;
    std::string source;
    admin_level level;
  };
  std::vector<area_layer> layers;             // in the order they were read or derived
  std::vector<std::vector<area>> kept_areas;  // per layer, until stored
};

namespace {

// Areas of a level as this import has them, or else as the store has them.
const std::vector<area_candidate>& areas_of(
    std::map<admin_level, std::vector<area_candidate>>& imported,
    std::map<admin_level, std::vector<area_candidate>>& stored, store& s, const geos_context& geos,
    admin_level level) {
  if (const auto it = imported.find(level); it != imported.end()) return it->second;
  auto [it, fresh] = stored.try_emplace(level);
  if (!fresh) return it->second;
  for (area& a : s.load_areas(level)) {
    area_candidate c;
    c.row = a.row;
    c.key = a.code;
    c.geometry = geos_geometry::from_wkb(geos, a.wkb);
    c.shape = to_multipolygon(*c.geometry);
    c.record = std::move(a);
    it->second.push_back(std::move(c));
  }
  return it->second;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::unordered_map<std::string, const geos_geometry*> geometries_by_code(
    const std::vector<area_candidate>& areas) {
  std::unordered_map<std::string, const geos_geometry*> out;
  for (const area_candidate& a : areas)
    if (a.geometry) out.emplace(a.record.code, &*a.geometry);
  return out;
}

area_index index_of(const std::vector<area_candidate>& areas) {
  std::vector<area_index::entry> entries;
  for (const area_candidate& a : areas)
    if (a.geometry) entries.push_back({a.record.code, a.shape, a.record.box});
  std::sort(entries.begin(), entries.end(),
            [](const auto& x, const auto& y) { return x.code < y.code; });
  return area_index(std::move(entries));
}

}  // namespace

struct importer::worker {
  geos_context geos;
  proj_context proj;
};

importer::importer(store& store, progress& progress, stop_token stop)
    : m_store(store), m_progress(progress), m_stop(stop) {}

importer::~importer() = default;

void importer::prepare_area_layers(session& s, std::vector<area_layer_spec> specs,
                                   import_report& report) {
  std::stable_sort(specs.begin(), specs.end(),
                   [](const auto& a, const auto& b) { return a.level < b.level; });
  for (std::size_t i = 1; i < specs.size(); ++i)
    if (specs[i].level == specs[i - 1].level)
      throw input_error("layers '" + specs[i - 1].layer + "' and '" + specs[i].layer +
                        "' both give level " + std::string(to_string(specs[i].level)) +
                        "; import them one at a time");
  const auto given = [&](admin_level level) {
    return std::any_of(specs.begin(), specs.end(), [&](const auto& x) { return x.level == level; });
  };
  // Every layer but the first is read on a worker thread while the first is read here.
  // Declared before the futures: their destructors wait for the workers, which use it.
  silent_progress quiet;
  std::vector<std::future<std::vector<area_candidate>>> reads;
  while (m_workers.size() + 1 < specs.size())
    m_workers.push_back(std::make_unique<worker>());
  for (std::size_t i = 1; i < specs.size(); ++i)
    reads.push_back(std::async(std::launch::async, [&, i] {
      return read_area_layer(specs[i], m_workers[i - 1]->geos, m_workers[i - 1]->proj, quiet,
                             m_stop);
    }));

  for (std::size_t i = 0; i < specs.size(); ++i) {
    const area_layer_spec& spec = specs[i];
    std::vector<area_candidate> candidates =
        i == 0 ? read_area_layer(spec, m_geos, m_proj, m_progress, m_stop) : reads[i - 1].get();
    const std::optional<admin_level> parent = parent_level(spec.level);
    // Parents this very layer will be dissolved into need no check against the store.
    const bool parents_derived_here =
        parent && !given(*parent) &&
        std::any_of(spec.derive.begin(), spec.derive.end(),
                    [&](const derived_level_spec& d) { return d.level == *parent; });
    if (parent && !parents_derived_here) {
      const auto& parents = areas_of(s.imported, s.stored, m_store, m_geos, *parent);
      const bool required = spec.level == admin_level::rw || spec.level == admin_level::rt;
      if (required || !parents.empty())
        check_parents(candidates, *parent, geometries_by_code(parents), m_progress, m_stop);
    }
    s.imported[spec.level] = std::move(candidates);
    s.layers.push_back({spec.layer, spec.path, spec.level});
    // Dissolve upwards while no layer gives the level: kecamatan from kelurahan, kota from
    // kecamatan.
    const std::vector<area_candidate>* members = &s.imported[spec.level];
    for (std::size_t k = 0; k < spec.derive.size(); ++k) {
      const derived_level_spec& d = spec.derive[k];
      if (members->empty() || given(d.level) ||
          parent_level(members->front().record.level) != d.level)
        break;
      const std::string layer(to_string(d.level));
      s.imported[d.level] = dissolve_areas(*members, d, k, layer, m_geos, m_progress, m_stop);
      s.layers.push_back({layer, "dissolved from " + spec.layer, d.level});
      members = &s.imported[d.level];
    }
  }
  for (const session::area_layer& l : s.layers) {
    layer_report& r = report.layers.emplace_back();
    r.layer = l.layer;
    r.source = l.source;
    s.kept_areas.push_back(finish_area_layer(s.imported[l.level], r));
  }
}

void importer::store_area_layers(session& s, import_report& report) {
  for (std::size_t i = 0; i < s.layers.size(); ++i) {
    layer_report& r = report.layers[i];
    m_progress.start("storing " + r.layer, s.kept_areas[i].size(), progress::unit::items);
    r.changes = m_store.sync_areas(r.layer, s.kept_areas[i]);
    m_store.replace_issues(r.layer, r.issues);
    m_progress.finish();
  }
  s.kept_areas.clear();
}

area_lookup importer::lookup_for_targets(session& s) {
  area_lookup lookup;
  lookup.rt = index_of(areas_of(s.imported, s.stored, m_store, m_geos, admin_level::rt));
  lookup.kelurahan =
      index_of(areas_of(s.imported, s.stored, m_store, m_geos, admin_level::kelurahan));
  for (admin_level level : all_admin_levels)
    for (const area_candidate& a : areas_of(s.imported, s.stored, m_store, m_geos, level))
      if (a.geometry) lookup.parent_of.emplace(a.record.code, a.record.parent_code);
  return lookup;
}

void importer::store_targets(session& s, target_import_result result, layer_report& r) {
  m_progress.start("storing targets", result.targets.size(), progress::unit::items);
  r.changes = m_store.sync_targets(result.targets);
  m_store.replace_issues(r.layer, r.issues);
  m_progress.finish();
  s.targets = std::move(result.registry);
}

void importer::run_targets(session& s, const std::string& path, import_report& report) {
  const area_lookup lookup = lookup_for_targets(s);
  layer_report& r = report.layers.emplace_back();
  r.layer = "targets";
  r.source = path;
  store_targets(s, geo::import_targets(path, lookup, r, m_progress, m_stop), r);
}

void importer::run_collaborators(session& s, const std::string& path, import_report& report) {
  layer_report& r = report.layers.emplace_back();
  r.layer = "collaborators";
  r.source = path;
  const std::vector<collaborator> kept = geo::import_collaborators(path, r, m_progress, m_stop);
  r.changes = m_store.sync_collaborators(kept);
  m_store.replace_issues(r.layer, r.issues);
  s.collaborators.emplace();
  for (const collaborator& c : kept)
    s.collaborators->insert(c.id);
}

void importer::run_pledges(session& s, const std::string& path, import_report& report) {
  if (!s.collaborators) {
    s.collaborators.emplace();
    for (const collaborator& c : m_store.load_collaborators())
      s.collaborators->insert(c.id);
  }
  if (!s.targets) {
    s.targets.emplace();
    for (const target& t : m_store.load_targets())
      s.targets->program_of.emplace(t.id, t.program);
    for (const import_issue& i : m_store.load_issues("targets", outcome::rejected))
      if (!i.key.empty())
        s.targets->rejection_of.emplace(i.key, "row " + std::to_string(i.row) + ": " + i.message);
  }
  layer_report& r = report.layers.emplace_back();
  r.layer = "pledges";
  r.source = path;
  const std::vector<pledge> kept =
      geo::import_pledges(path, *s.collaborators, *s.targets, r, m_progress, m_stop);
  m_progress.start("storing pledges", kept.size(), progress::unit::items);
  r.changes = m_store.sync_pledges(kept);
  m_store.replace_issues(r.layer, r.issues);
  m_progress.finish();
}

void importer::commit(store_transaction& tx) {
  m_stop.check("the final commit");
  tx.commit();
}

import_report importer::finish(session& s, std::string_view what, import_report report) {
  report.seconds = seconds_since(s.started);
  m_store.record_import(what, report);
  return report;
}

import_report importer::import_dataset(const dataset_description& description) {
  session s;
  import_report report;
  store_transaction tx(m_store);
  prepare_area_layers(s, description.areas, report);
  if (description.targets) {
    // Targets are checked on a worker while the areas are written here.
    const area_lookup lookup = lookup_for_targets(s);
    layer_report targets_report;
    targets_report.layer = "targets";
    targets_report.source = *description.targets;
    shared_progress targets_progress;
    auto checked = std::async(std::launch::async, [&] {
      return geo::import_targets(*description.targets, lookup, targets_report, targets_progress,
                                 m_stop);
    });
    store_area_layers(s, report);
    m_progress.start("targets", targets_progress.total(), progress::unit::bytes);
    while (checked.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready)
      m_progress.advance(targets_progress.done());
    target_import_result result = checked.get();
    m_progress.finish();
    report.layers.push_back(std::move(targets_report));
    store_targets(s, std::move(result), report.layers.back());
  } else {
    store_area_layers(s, report);
  }
  if (description.collaborators) run_collaborators(s, *description.collaborators, report);
  if (description.pledges) run_pledges(s, *description.pledges, report);
  report = finish(s, "dataset " + description.name, std::move(report));
  commit(tx);
  report.seconds = seconds_since(s.started);
  return report;
}

import_report importer::import_area_layer(const area_layer_spec& spec) {
  session s;
  import_report report;
  store_transaction tx(m_store);
  prepare_area_layers(s, {spec}, report);
  store_area_layers(s, report);
  report = finish(s, "areas " + spec.layer + " " + spec.path, std::move(report));
  commit(tx);
  return report;
}

import_report importer::import_targets(const std::string& path) {
  session s;
  import_report report;
  store_transaction tx(m_store);
  run_targets(s, path, report);
  report = finish(s, "targets " + path, std::move(report));
  commit(tx);
  return report;
}

import_report importer::import_collaborators(const std::string& path) {
  session s;
  import_report report;
  store_transaction tx(m_store);
  run_collaborators(s, path, report);
  report = finish(s, "collaborators " + path, std::move(report));
  commit(tx);
  return report;
}

import_report importer::import_pledges(const std::string& path) {
  session s;
  import_report report;
  store_transaction tx(m_store);
  run_pledges(s, path, report);
  report = finish(s, "pledges " + path, std::move(report));
  commit(tx);
  return report;
}

}  // namespace geo
