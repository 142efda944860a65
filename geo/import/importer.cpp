#include "geo/import/importer.hpp"

#include <algorithm>
#include <chrono>
#include <future>

#include "geo/error.hpp"
#include "geo/geos/geos_polygons.hpp"
#include "geo/import/area_dissolve.hpp"
#include "geo/import/area_parents.hpp"
#include "geo/import/collaborator_import.hpp"
#include "geo/import/gdal_dataset.hpp"
#include "geo/import/pledge_import.hpp"

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
    change_counts changes;
  };
  std::vector<area_layer> layers;  // in the order they were read or derived
  struct outside_check {
    admin_level children;
    admin_level parent;
    parent_geometries parents;
  };
  std::vector<outside_check> outside_checks;
  std::size_t stored_layers = 0;  // layers[0, stored_layers) are written
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

importer::importer(store& store, progress& progress, stop_token stop)
    : m_store(store), m_progress(progress), m_stop(stop) {
  gdal_initialize();
  allow_removals(false);
}

void importer::allow_removals(bool allowed) {
  sync_policy policy;
  policy.allow_removals = allowed;
  policy.stop = m_stop;
  m_store.set_sync_policy(policy);
}

importer::~importer() = default;

void importer::prepare_area_layers(session& s, std::vector<area_layer_spec> specs) {
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
  // Each layer's geometry checks are shared between two threads (the machine has two cores
  // at least; the reads of the other layers overlap them anyway).
  silent_progress quiet;
  std::vector<std::future<std::vector<area_candidate>>> reads;
  while (m_contexts.size() < 2 * specs.size())
    m_contexts.push_back(std::make_unique<thread_context>());
  const auto contexts_of = [&](std::size_t i) {
    return std::vector<thread_context*>{m_contexts[2 * i].get(), m_contexts[2 * i + 1].get()};
  };
  for (std::size_t i = 1; i < specs.size(); ++i)
    reads.push_back(std::async(std::launch::async, [&, i] {
      return read_area_layer(specs[i], contexts_of(i), quiet, m_stop);
    }));

  for (std::size_t i = 0; i < specs.size(); ++i) {
    const area_layer_spec& spec = specs[i];
    std::vector<area_candidate> candidates =
        i == 0 ? read_area_layer(spec, contexts_of(0), m_progress, m_stop) : reads[i - 1].get();
    const std::optional<admin_level> parent = parent_level(spec.level);
    // Parents this very layer will be dissolved into need no check against the store.
    const bool parents_derived_here =
        parent && !given(*parent) &&
        std::any_of(spec.derive.begin(), spec.derive.end(),
                    [&](const derived_level_spec& d) { return d.level == *parent; });
    if (parent && !parents_derived_here) {
      const auto& parents = areas_of(s.imported, s.stored, m_store, m_geos, *parent);
      const bool required = spec.level == admin_level::rw || spec.level == admin_level::rt;
      if (required || !parents.empty()) {
        parent_geometries by_code = geometries_by_code(parents);
        reject_orphans(candidates, *parent, by_code);
        s.outside_checks.push_back({spec.level, *parent, std::move(by_code)});
      }
    }
    s.imported[spec.level] = std::move(candidates);
    s.layers.push_back({spec.layer, spec.path, spec.level, {}});
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
      s.layers.push_back({layer, "dissolved from " + spec.layer, d.level, {}});
      members = &s.imported[d.level];
    }
    // Which areas are kept is settled now (slivers outside parents only flag them): unless
    // this was the last layer, write them while the next layers are still being read. The
    // last one is written once the workers that need it have started (store_pending_areas).
    if (i + 1 < specs.size()) store_pending_areas(s);
  }
}

void importer::store_pending_areas(session& s) {
  for (; s.stored_layers < s.layers.size(); ++s.stored_layers) {
    session::area_layer& l = s.layers[s.stored_layers];
    const std::vector<area> kept = kept_areas(s.imported[l.level]);
    m_progress.start("storing " + l.layer, kept.size(), progress::unit::items);
    l.changes = m_store.sync_areas(l.layer, kept);
    m_progress.finish();
  }
}

void importer::check_outside_parents(session& s, progress& progress) const {
  for (session::outside_check& check : s.outside_checks)
    flag_outside_parents(s.imported.at(check.children), check.parent, check.parents, progress,
                         m_stop);
}

void importer::finish_area_layers(session& s, import_report& report) {
  for (const session::area_layer& l : s.layers) {
    layer_report& r = report.layers.emplace_back();
    r.layer = l.layer;
    r.source = l.source;
    r.changes = l.changes;
    count_area_layer(s.imported[l.level], r);
    m_store.replace_issues(r.layer, r.issues);
  }
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

void importer::store_targets(const std::vector<target>& targets, layer_report& r) {
  store_layer(r, targets, [&](const auto& kept) { return m_store.sync_targets(kept); });
}

template <typename Row, typename Sync>
void importer::store_layer(layer_report& r, const std::vector<Row>& kept, Sync sync) {
  m_progress.start("storing " + r.layer, kept.size(), progress::unit::items);
  r.changes = sync(kept);
  m_store.replace_issues(r.layer, r.issues);
  m_progress.finish();
}

target_import_result importer::check_targets(session& s, const std::string& path,
                                             import_report& report) {
  const area_lookup lookup = lookup_for_targets(s);
  layer_report& r = report.layers.emplace_back();
  r.layer = "targets";
  r.source = path;
  return geo::import_targets(path, lookup, r, m_progress, m_stop);
}

void importer::load_missing_registries(session& s, bool collaborators, bool targets) {
  if (collaborators && !s.collaborators) {
    s.collaborators.emplace();
    for (const collaborator& c : m_store.load_collaborators())
      s.collaborators->insert(c.id);
  }
  if (targets && !s.targets) {
    s.targets.emplace();
    for (const target& t : m_store.load_targets())
      s.targets->program_of.emplace(t.id, t.program);
    for (const import_issue& i : m_store.load_issues("targets", outcome::rejected))
      if (!i.key.empty())
        s.targets->rejection_of.emplace(i.key, "row " + std::to_string(i.row) + ": " + i.message);
  }
}

importer::checked_rows importer::check_collaborators_and_pledges(
    session& s, const std::optional<std::string>& collaborators,
    const std::optional<std::string>& pledges, progress& progress) const {
  checked_rows rows;
  if (collaborators) {
    rows.collaborators_report.layer = "collaborators";
    rows.collaborators_report.source = *collaborators;
    rows.collaborators =
        geo::import_collaborators(*collaborators, rows.collaborators_report, progress, m_stop);
    s.collaborators.emplace();
    for (const collaborator& c : *rows.collaborators)
      s.collaborators->insert(c.id);
  }
  if (pledges) {
    rows.pledges_report.layer = "pledges";
    rows.pledges_report.source = *pledges;
    rows.pledges = geo::import_pledges(*pledges, *s.collaborators, *s.targets, rows.pledges_report,
                                       progress, m_stop);
  }
  return rows;
}

void importer::store_checked_rows(checked_rows& rows, import_report& report) {
  if (rows.collaborators)
    store_layer(report.layers.emplace_back(std::move(rows.collaborators_report)),
                *rows.collaborators,
                [&](const auto& kept) { return m_store.sync_collaborators(kept); });
  if (rows.pledges)
    store_layer(report.layers.emplace_back(std::move(rows.pledges_report)), *rows.pledges,
                [&](const auto& kept) { return m_store.sync_pledges(kept); });
}

template <typename T>
T importer::await(std::future<T>& work, std::string_view stage, const shared_progress& shared) {
  m_progress.start(stage, shared.total(), progress::unit::bytes);
  while (work.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready)
    m_progress.advance(shared.done());
  m_progress.finish();
  return work.get();
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
  // Areas are read on workers and written here as each level is settled. Then workers check
  // the areas for slivers outside their parents, the targets, and later the collaborators and
  // pledges, while this thread writes what is ready: only this thread touches the store.
  prepare_area_layers(s, description.areas);
  // Built before any worker starts: it may read areas from the store with this thread's GEOS
  // context, which the sliver checks may use too for parents that came from the store.
  const std::optional<area_lookup> lookup =
      description.targets ? std::optional(lookup_for_targets(s)) : std::nullopt;
  shared_progress outside_progress;
  auto outside =
      std::async(std::launch::async, [&] { check_outside_parents(s, outside_progress); });
  layer_report targets_report;
  std::optional<target_import_result> targets;
  if (description.targets) {
    targets_report.layer = "targets";
    targets_report.source = *description.targets;
    shared_progress targets_progress;
    auto checked = std::async(std::launch::async, [&] {
      return geo::import_targets(*description.targets, *lookup, targets_report, targets_progress,
                                 m_stop);
    });
    store_pending_areas(s);
    targets = await(checked, "targets", targets_progress);
    s.targets = std::move(targets->registry);
  } else {
    store_pending_areas(s);
  }
  checked_rows rows;
  if (description.collaborators || description.pledges) {
    load_missing_registries(s, description.pledges && !description.collaborators,
                            description.pledges && !description.targets);
    shared_progress rows_progress;
    auto checked = std::async(std::launch::async, [&] {
      return check_collaborators_and_pledges(s, description.collaborators, description.pledges,
                                             rows_progress);
    });
    if (targets) store_targets(targets->targets, targets_report);
    rows = await(checked, "collaborators, pledges", rows_progress);
  } else if (targets) {
    store_targets(targets->targets, targets_report);
  }
  await(outside, "areas outside parents", outside_progress);
  finish_area_layers(s, report);
  if (targets) report.layers.push_back(std::move(targets_report));
  store_checked_rows(rows, report);
  report = finish(s, "dataset " + description.name, std::move(report));
  commit(tx);
  report.seconds = seconds_since(s.started);
  return report;
}

import_report importer::import_area_layer(const area_layer_spec& spec) {
  session s;
  import_report report;
  store_transaction tx(m_store);
  prepare_area_layers(s, {spec});
  store_pending_areas(s);
  check_outside_parents(s, m_progress);
  finish_area_layers(s, report);
  report = finish(s, "areas " + spec.layer + " " + spec.path, std::move(report));
  commit(tx);
  return report;
}

import_report importer::import_targets(const std::string& path) {
  session s;
  import_report report;
  // Checked before the transaction: a server writing pledges into the same store waits only
  // for the writing, not for the reading and checking.
  target_import_result result = check_targets(s, path, report);
  store_transaction tx(m_store);
  store_targets(result.targets, report.layers.back());
  report = finish(s, "targets " + path, std::move(report));
  commit(tx);
  return report;
}

import_report importer::import_collaborators(const std::string& path) {
  session s;
  import_report report;
  store_transaction tx(m_store);
  checked_rows rows = check_collaborators_and_pledges(s, path, std::nullopt, m_progress);
  store_checked_rows(rows, report);
  report = finish(s, "collaborators " + path, std::move(report));
  commit(tx);
  return report;
}

import_report importer::import_pledges(const std::string& path) {
  session s;
  import_report report;
  store_transaction tx(m_store);
  load_missing_registries(s, true, true);
  checked_rows rows = check_collaborators_and_pledges(s, std::nullopt, path, m_progress);
  store_checked_rows(rows, report);
  report = finish(s, "pledges " + path, std::move(report));
  commit(tx);
  return report;
}

}  // namespace geo
