#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "geo/store.hpp"

namespace geo {

class sqlite_db;

/// The embedded store: one SpatiaLite file in WAL mode, synchronous=FULL. Geometries are
/// SpatiaLite geometry columns (EPSG:4326). Areas have an R*Tree beside them (`areas_rtree`,
/// keyed by areas.id) that the store keeps current and SQL users query directly (about 10x
/// faster than SpatiaLite's SpatialIndex table); target positions are indexed in memory by the
/// server, not in SQL.
///
/// One connection, shared safely between threads: begin() takes a lock that commit() or
/// rollback() releases, and every other call takes it for its own duration, so a thread in a
/// transaction has the connection to itself. Opening a database of an older schema version
/// migrates it to the current one at once, in one transaction.
///
/// The change feed: SQLite commits one writer at a time, so a change's seq (the rowid of
/// `changes`, taken in its write transaction) is its commit order. wait_for_change learns of
/// this connection's commits at once and of other connections' (other servers, imports) by
/// looking every 10 ms: SQLite has no way to tell another process.
class spatialite_store final : public store {
 public:
  /// How writes reach the file. `wal` is what a server needs (readers never wait). `bulk` is
  /// for an import that has the database to itself: pages are written once, behind a rollback
  /// journal, instead of twice (into the WAL, then into the file); the file is switched back
  /// to WAL when the store closes. If another connection has the file open, `bulk` stays WAL.
  enum class journal { wal, bulk };

  /// Opens or creates the database; the schema is made by the first transaction. The folder
  /// must exist.
  explicit spatialite_store(const std::string& path, journal mode = journal::wal);
  ~spatialite_store() override;

  void set_sync_policy(const sync_policy& policy) override;
  void begin() override;
  void begin_read() override;
  void commit() override;
  void rollback() noexcept override;

  change_counts sync_areas(std::string_view layer, const std::vector<area>& areas) override;
  change_counts sync_targets(const std::vector<target>& targets) override;
  change_counts sync_collaborators(const std::vector<collaborator>& collaborators) override;
  change_counts sync_pledges(const std::vector<pledge>& pledges) override;
  void replace_issues(std::string_view layer, const std::vector<import_issue>& issues) override;
  std::int64_t record_import(std::string_view what, const import_report& report) override;
  std::vector<import_run> load_runs(std::size_t limit) override;
  std::vector<row_change> load_changes(std::int64_t run_id, std::string_view layer,
                                       std::size_t limit, std::size_t offset) override;
  std::int64_t data_version() override;

  std::int64_t last_change() override;
  std::vector<store_change> changes_after(std::int64_t seq, std::size_t limit) override;
  void wait_for_change(std::int64_t seq, std::chrono::milliseconds timeout) override;
  std::uint64_t next_number(std::string_view series, std::uint64_t at_least) override;
  std::optional<pledge> find_pledge(const std::string& id) override;
  std::optional<realization> find_realization(const std::string& id) override;
  std::optional<target> find_target(const std::string& id) override;

  std::vector<area> load_areas(admin_level level) override;
  std::vector<target> load_targets() override;
  std::vector<target> load_retired_targets() override;
  std::vector<collaborator> load_collaborators() override;
  std::vector<pledge> load_pledges() override;
  std::vector<import_issue> load_issues(std::string_view layer,
                                        std::optional<outcome> only) override;
  std::vector<issue_count> count_issues(const issue_filter& filter) override;
  std::vector<layer_issue> load_issues(const issue_filter& filter, std::size_t limit,
                                       std::size_t offset) override;

  void insert_pledge(const pledge& p) override;
  void set_pledge_status(const std::string& id, std::string_view status) override;
  void insert_realization(const realization& r) override;
  std::vector<realization> load_realizations() override;
  bool has_area(const std::string& code) override;
  std::optional<collaborator> find_collaborator(const std::string& id) override;
  void locate_target(const target& located, const std::string& by) override;
  std::vector<target> load_field_located() override;
  void append_audit(const audit_entry& entry) override;
  std::vector<audit_entry> load_audit(std::size_t limit) override;
  std::optional<stored_answer> find_answer(std::string_view scope, std::string_view key) override;
  void save_answer(const stored_answer& answer) override;
  void insert_token(const access_token& token) override;
  std::optional<access_token> find_token(std::string_view secret_hash) override;
  std::vector<access_token> load_tokens() override;
  void revoke_token(const std::string& id) override;
  void insert_link(const sign_in_link& link) override;
  std::optional<sign_in_link> find_link(std::string_view code_hash) override;
  std::vector<sign_in_link> load_links() override;
  bool use_link(const std::string& id, const std::string& used_at,
                const std::string& session_id) override;
  void checkpoint() override;

  /// How long a write waits for another connection's transaction (an import into the file a
  /// server serves) before failing; 5 s unless set. open_store sets it for each store_use.
  void wait_for_writers(std::chrono::milliseconds longest);

  /// The connection itself, for SQL in tests and in geo/store (open_store); not guarded by
  /// the store's lock. Nothing outside geo/store and tests uses it (docs/architecture.md).
  sqlite_db& db() { return *m_db; }

 private:
  // `condition` may name one parameter, ?1, bound to `id` when given.
  std::vector<target> load_targets_where(const std::string& condition,
                                         const std::string* id = nullptr);
  std::vector<pledge> load_pledges_where(const std::string& condition,
                                         const std::string* id = nullptr);
  std::vector<realization> load_realizations_where(const std::string& condition,
                                                   const std::string* id = nullptr);
  /// Runs `write` and appends its change to the feed, both in the caller's transaction, or,
  /// outside one, in a savepoint of their own: a write is never without its change.
  void with_change(std::string_view kind, const std::string& key,
                   const std::function<void()>& write);
  void append_change(std::string_view kind, const std::string& key);

  std::unique_ptr<sqlite_db> m_db;
  bool m_back_to_wal = false;
  std::recursive_mutex m_mutex;
  bool m_in_transaction = false;  // begin() holds m_mutex until commit or rollback
  sync_policy m_policy;
  std::vector<row_change> m_changes;  // of the sync_* calls since begin()
  bool m_appended = false;            // a change was appended since begin()
  // Counts this connection's commits that appended a change; wait_for_change sleeps on it.
  std::mutex m_commit_lock;
  std::condition_variable m_committed;
  std::uint64_t m_commits = 0;
};

}  // namespace geo
