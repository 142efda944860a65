#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geo/access_token.hpp"
#include "geo/area.hpp"
#include "geo/audit_entry.hpp"
#include "geo/collaborator.hpp"
#include "geo/import_report.hpp"
#include "geo/pledge.hpp"
#include "geo/progress.hpp"
#include "geo/realization.hpp"
#include "geo/sign_in_link.hpp"
#include "geo/stored_answer.hpp"
#include "geo/target.hpp"

namespace geo {

/// How an import's sync_* may change a layer. A row the new file lacks is removed when nothing
/// refers to it, and retired (kept, hidden, restored if it comes back) when something does;
/// together these may touch at most `max_removed_share` of the layer's stored rows unless
/// `allow_removals`: a damaged or truncated file must not empty a layer (removal_error).
struct sync_policy {
  bool allow_removals = false;
  double max_removed_share = 0.10;
  stop_token stop;  // checked every few thousand rows
};

/// One import from the log of imports.
struct import_run {
  std::int64_t id = 0;
  std::string finished_at;
  std::string what;
  std::string report;  // its JSON report
};

/// Which kept import issues to read: `layer` empty for every layer, `only` empty for every
/// outcome.
struct issue_filter {
  std::string layer;
  std::optional<outcome> only;
};

/// How many kept issues of one layer share an outcome and a reason.
struct issue_count {
  std::string layer;
  outcome result = outcome::clean;
  std::string reason;
  std::size_t rows = 0;
};

/// A kept import issue with the layer it was found in.
struct layer_issue {
  std::string layer;
  import_issue issue;
};

/// What an import did to one row: added, changed, retired, restored or removed.
struct row_change {
  std::string layer;
  std::string key;
  std::string change;
};

/// One write in the store's change feed, in commit order. kind: "pledge" (key: a pledge id;
/// inserted or its status set), "realization" (a realization id), "location" (a target id
/// located in the field), "token" (a token id revoked), "import" (an import run id). A server
/// follows the feed to take in what other servers and imports wrote (docs/store.md).
struct store_change {
  std::int64_t seq = 0;
  std::string kind;
  std::string key;
};

/// Where areas, targets, collaborators and pledges live. The embedded SpatiaLite store is the
/// default; a PostGIS store for deployments past one machine implements the same interface.
/// Writes happen inside begin()/commit(); a store_error leaves the caller to roll back.
///
/// Two kinds of rows: those an import brings (sync_*, which make the store equal to a file)
/// and those the server writes one at a time (pledges made through the API, realizations, the
/// audit log, idempotent answers, tokens). A re-import never deletes nor changes the second
/// kind.
class store {
 public:
  virtual ~store() = default;

  /// Applies to the sync_* calls that follow.
  virtual void set_sync_policy(const sync_policy& policy) = 0;

  virtual void begin() = 0;
  /// Starts a read-only transaction: what is read until rollback() is one snapshot, whatever
  /// other connections commit meanwhile (a server loading while an import lands).
  virtual void begin_read() = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;

  /// Makes the stored areas of `layer` exactly `areas` (matched by code): inserts new codes,
  /// updates changed ones, deletes codes the layer no longer has.
  virtual change_counts sync_areas(std::string_view layer, const std::vector<area>& areas) = 0;
  /// The same for targets (by id), collaborators (by id) and pledges (by id). Pledges made
  /// through the API (insert_pledge) are left as they are; a file pledge with the id of one,
  /// or active on the target and program one holds, is a store_error. A target whose location
  /// was recorded in the field (locate_target) keeps it when its row has no point and declares
  /// the same RT; a row with a point replaces it (change_counts counts both).
  virtual change_counts sync_targets(const std::vector<target>& targets) = 0;
  virtual change_counts sync_collaborators(const std::vector<collaborator>& collaborators) = 0;
  virtual change_counts sync_pledges(const std::vector<pledge>& pledges) = 0;
  /// Replaces the issues kept for `layer` (rows that were not clean).
  virtual void replace_issues(std::string_view layer, const std::vector<import_issue>& issues) = 0;
  /// Appends the import's report to the log of imports, with the row changes of every sync_*
  /// since begin(), and the change "import" to the feed; returns the run's id.
  virtual std::int64_t record_import(std::string_view what, const import_report& report) = 0;
  /// The newest `limit` imports, newest first.
  virtual std::vector<import_run> load_runs(std::size_t limit) = 0;
  /// The rows one import changed, by layer and key (`layer` empty: every layer).
  virtual std::vector<row_change> load_changes(std::int64_t run_id, std::string_view layer,
                                               std::size_t limit, std::size_t offset) = 0;
  /// The change sequence of imported data: grows with every import that lands. A server
  /// compares it with the one it loaded to know when to follow (docs/architecture.md).
  virtual std::int64_t data_version() = 0;

  /// The areas of a level in service (retired ones are kept in the store only).
  virtual std::vector<area> load_areas(admin_level level) = 0;
  /// The targets in service; retired ones only through load_retired_targets().
  virtual std::vector<target> load_targets() = 0;
  virtual std::vector<target> load_retired_targets() = 0;
  virtual std::vector<collaborator> load_collaborators() = 0;
  virtual std::vector<pledge> load_pledges() = 0;
  /// Issues of a layer, optionally of one outcome only, by row.
  virtual std::vector<import_issue> load_issues(std::string_view layer,
                                                std::optional<outcome> only) = 0;
  /// The kept issues that `filter` selects, counted by layer, outcome and reason, in that
  /// order (byte order of the layer, the outcome's name and the reason): `sasaran report`'s
  /// summary.
  virtual std::vector<issue_count> count_issues(const issue_filter& filter) = 0;
  /// The kept issues that `filter` selects, by layer (byte order) and row: at most `limit`,
  /// skipping the first `offset`.
  virtual std::vector<layer_issue> load_issues(const issue_filter& filter, std::size_t limit,
                                               std::size_t offset) = 0;

  // The change feed: every write below (and record_import) appends its change in the
  // caller's transaction, so the feed has a change exactly when its write committed.

  /// The highest seq committed; 0 if none.
  virtual std::int64_t last_change() = 0;
  /// Up to `limit` changes with a seq above `seq`, in seq order.
  virtual std::vector<store_change> changes_after(std::int64_t seq, std::size_t limit) = 0;
  /// Returns when a change after `seq` may have been committed by anyone, or after `timeout`.
  virtual void wait_for_change(std::int64_t seq, std::chrono::milliseconds timeout) = 0;
  /// Inside a write transaction: the next number of an id series ("pledge", "realization"),
  /// at least `at_least`, never handed out twice even to two servers at once.
  virtual std::uint64_t next_number(std::string_view series, std::uint64_t at_least) = 0;
  /// One record as stored now, for a server taking in a change of the feed.
  virtual std::optional<pledge> find_pledge(const std::string& id) = 0;
  virtual std::optional<realization> find_realization(const std::string& id) = 0;
  /// A target in service (retired ones: nothing).
  virtual std::optional<target> find_target(const std::string& id) = 0;

  // The server's writes, one record at a time.

  /// A pledge made through the API (its `row` is ignored). A second active pledge on the
  /// same target and program is a conflict_error (target_taken) naming the holding pledge.
  virtual void insert_pledge(const pledge& p) = 0;
  /// Sets the status of a pledge; not_found_error when there is no pledge `id`.
  virtual void set_pledge_status(const std::string& id, std::string_view status) = 0;
  virtual void insert_realization(const realization& r) = 0;
  /// Every realization, by id.
  virtual std::vector<realization> load_realizations() = 0;

  /// Whether an area with this code is stored, in service or retired: a token or sign-in link
  /// may be scoped to it (`sasaran token`).
  virtual bool has_area(const std::string& code) = 0;
  /// The collaborator with this id, in service or retired; nullopt when there is none.
  virtual std::optional<collaborator> find_collaborator(const std::string& id) = 0;

  /// Records the location of a target found in the field: `located` is the target as stored
  /// with its new lon, lat, rt_code and rw_code; `by` names who recorded it (a token id). Only
  /// a target in service without a point takes one: conflict_error for one located already
  /// (by its file or an earlier visit), not_found_error for an unknown or retired id. A later
  /// import whose file has no point for it keeps it (sync_targets).
  virtual void locate_target(const target& located, const std::string& by) = 0;
  /// The targets in service whose location was recorded in the field (and no file replaced
  /// since), in table order: a server loading a new generation catches up with them.
  virtual std::vector<target> load_field_located() = 0;

  /// Appends to the audit log; the store assigns the id, and `at` (now) when it is empty.
  virtual void append_audit(const audit_entry& entry) = 0;
  /// The newest `limit` entries of the audit log, newest first.
  virtual std::vector<audit_entry> load_audit(std::size_t limit) = 0;

  /// The answer kept for an Idempotency-Key of a client, if any.
  virtual std::optional<stored_answer> find_answer(std::string_view scope,
                                                   std::string_view key) = 0;
  /// Keeps an answer; a second one for the same scope and key is a store_error.
  virtual void save_answer(const stored_answer& answer) = 0;

  virtual void insert_token(const access_token& token) = 0;
  /// The token with this secret hash, revoked or not; the caller checks `revoked`.
  virtual std::optional<access_token> find_token(std::string_view secret_hash) = 0;
  /// Every token, oldest first.
  virtual std::vector<access_token> load_tokens() = 0;
  /// Revokes a token for good; not_found_error when there is no token `id`.
  virtual void revoke_token(const std::string& id) = 0;

  virtual void insert_link(const sign_in_link& link) = 0;
  /// The sign-in link with this code hash, used, expired or not; the caller checks.
  virtual std::optional<sign_in_link> find_link(std::string_view code_hash) = 0;
  /// Every sign-in link, oldest first.
  virtual std::vector<sign_in_link> load_links() = 0;
  /// Marks link `id` used at `used_at` by session `session_id`, unless it already is: false
  /// then (another exchange won), and nothing changes.
  virtual bool use_link(const std::string& id, const std::string& used_at,
                        const std::string& session_id) = 0;

  /// Upkeep a server runs every so often on a connection of its own, so that no request pays
  /// for it. SQLite: a passive checkpoint, copying what it can of the write-ahead log back
  /// into the database file without waiting for or blocking anyone (a busy file is no error;
  /// the next round copies the rest); a server opens its stores with autocheckpointing off
  /// (open_store, store_use::serve), so no commit does it. Other stores: nothing. Throws
  /// store_error when the upkeep fails.
  virtual void checkpoint() = 0;
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

/// Reads one snapshot of the store until destroyed or ended.
class store_snapshot {
 public:
  explicit store_snapshot(store& s) : m_store(&s) { s.begin_read(); }
  ~store_snapshot() { end(); }
  store_snapshot(const store_snapshot&) = delete;
  store_snapshot& operator=(const store_snapshot&) = delete;
  void end() noexcept {
    if (m_store) m_store->rollback();
    m_store = nullptr;
  }

 private:
  store* m_store;
};

}  // namespace geo
