#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geo/area.hpp"
#include "geo/collaborator.hpp"
#include "geo/import_report.hpp"
#include "geo/pledge.hpp"
#include "geo/target.hpp"

namespace geo {

/// Where areas, targets, collaborators and pledges live. The embedded SpatiaLite store is the
/// default; a PostGIS store for deployments past one machine implements the same interface.
/// Writes happen inside begin()/commit(); a store_error leaves the caller to roll back.
class store {
 public:
  virtual ~store() = default;

  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;

  /// Makes the stored areas of `layer` exactly `areas` (matched by code): inserts new codes,
  /// updates changed ones, deletes codes the layer no longer has.
  virtual change_counts sync_areas(std::string_view layer, const std::vector<area>& areas) = 0;
  /// The same for targets (by id), collaborators (by id) and pledges (by id).
  virtual change_counts sync_targets(const std::vector<target>& targets) = 0;
  virtual change_counts sync_collaborators(const std::vector<collaborator>& collaborators) = 0;
  virtual change_counts sync_pledges(const std::vector<pledge>& pledges) = 0;
  /// Replaces the issues kept for `layer` (rows that were not clean).
  virtual void replace_issues(std::string_view layer, const std::vector<import_issue>& issues) = 0;
  /// Appends the import's report to the log of imports.
  virtual void record_import(std::string_view what, const import_report& report) = 0;

  virtual std::vector<area> load_areas(admin_level level) = 0;
  virtual std::vector<target> load_targets() = 0;
  virtual std::vector<collaborator> load_collaborators() = 0;
  virtual std::vector<pledge> load_pledges() = 0;
  /// Issues of a layer, optionally of one outcome only, by row.
  virtual std::vector<import_issue> load_issues(std::string_view layer,
                                                std::optional<outcome> only) = 0;
};

/// Rolls the store back unless commit() was called: every import is all or nothing.
class store_transaction {
 public:
  explicit store_transaction(store& s) : m_store(s) { m_store.begin(); }
  ~store_transaction() {
    if (!m_committed) m_store.rollback();
  }
  store_transaction(const store_transaction&) = delete;
  store_transaction& operator=(const store_transaction&) = delete;
  void commit() {
    m_store.commit();
    m_committed = true;
  }

 private:
  store& m_store;
  bool m_committed = false;
};

}  // namespace geo
