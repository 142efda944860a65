#pragma once
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "geo/collaborator.hpp"
#include "geo/geos/geos_context.hpp"
#include "geo/import/area_import.hpp"
#include "geo/import/area_parents.hpp"
#include "geo/import/dataset_description.hpp"
#include "geo/import/proj_context.hpp"
#include "geo/import/target_import.hpp"
#include "geo/import/thread_context.hpp"
#include "geo/import_report.hpp"
#include "geo/pledge.hpp"
#include "geo/progress.hpp"
#include "geo/store.hpp"

namespace geo {

/// Runs imports into a store, each in one transaction: all of it lands or none of it does.
/// What an import does not bring (the RTs for a targets file, the targets for a pledges file)
/// is read from the store. Area layers are read in parallel, and targets are checked while the
/// areas are written, each worker thread with its own GEOS and PROJ contexts; only the calling
/// thread touches the store.
class importer {
 public:
  importer(store& store, progress& progress, stop_token stop = {});
  ~importer();

  /// Lets the next imports remove or retire more than a tenth of a stored layer (store.hpp,
  /// sync_policy); refused by default.
  void allow_removals(bool allowed);

  /// Everything a description lists: area layers (and the kecamatan and kota dissolved from
  /// the kelurahan when no layer gives them), then targets, collaborators and pledges.
  import_report import_dataset(const dataset_description& description);
  /// One area layer, e.g. `sasaran import --level rw --code KODE_KEL+RW:3 ... FILE`.
  import_report import_area_layer(const area_layer_spec& spec);
  import_report import_targets(const std::string& path);
  import_report import_collaborators(const std::string& path);
  import_report import_pledges(const std::string& path);

 private:
  struct session;

  /// Collaborators and pledges, checked (on any thread) but not yet stored.
  struct checked_rows {
    std::optional<std::vector<collaborator>> collaborators;
    layer_report collaborators_report;
    std::optional<std::vector<pledge>> pledges;
    layer_report pledges_report;
  };  /// Reads the area layers, rejects children without a parent, dissolves derived levels, and
  /// writes each level's areas while the next is read (all but the last).
  void prepare_area_layers(session& s, std::vector<area_layer_spec> specs);
  /// Writes the kept areas of the layers not written yet.
  void store_pending_areas(session& s);
  /// Flags children partly outside their parents; GEOS work only, any thread.
  void check_outside_parents(session& s, progress& progress) const;
  /// Counts every area in `report` and stores the issues.
  void finish_area_layers(session& s, import_report& report);
  area_lookup lookup_for_targets(session& s);
  void store_targets(const std::vector<target>& targets, layer_report& r);
  /// Writes a layer's kept rows with `sync` and its issues, counting the changes in `r`.
  template <typename Row, typename Sync>
  void store_layer(layer_report& r, const std::vector<Row>& kept, Sync sync);
  /// Reads and checks a targets file against the stored areas; nothing is written.
  target_import_result check_targets(session& s, const std::string& path, import_report& report);
  /// What a collaborators or pledges file is checked against, from the store when this
  /// import does not bring it. Calling thread only (the store is not shared).
  void load_missing_registries(session& s, bool collaborators, bool targets);
  checked_rows check_collaborators_and_pledges(session& s,
                                               const std::optional<std::string>& collaborators,
                                               const std::optional<std::string>& pledges,
                                               progress& progress) const;
  void store_checked_rows(checked_rows& rows, import_report& report);
  /// Waits for work on a worker thread, showing its progress as `stage`.
  template <typename T>
  T await(std::future<T>& work, std::string_view stage, const shared_progress& shared);
  import_report finish(session& s, std::string_view what, import_report report);
  /// Commits unless a stop was requested (then the transaction rolls back).
  void commit(store_transaction& tx);

  store& m_store;
  progress& m_progress;
  stop_token m_stop;
  geos_context m_geos;
  proj_context m_proj;
  /// Contexts of the threads that read areas; kept as long as the importer, since geometries
  /// made on a thread are freed through its context.
  std::vector<std::unique_ptr<thread_context>> m_contexts;
};

}  // namespace geo
