#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "geo/store.hpp"

namespace geo {

class pg_connection;

/// The shared store: PostgreSQL with PostGIS, for any number of servers over one database.
/// Behaves as spatialite_store does for every method of store (the conformance tests run the
/// same cases on both); geometries are PostGIS columns (MultiPolygon and Point, EPSG:4326)
/// with GiST indexes. The invariants live in the database, where concurrent servers cannot
/// break them: one active pledge per target and program is a partial unique index,
/// idempotent answers are unique on (scope, key), the audit entry is written in its write's
/// transaction.
///
/// Writers take turns: every write method first locks the one row of change_head (the change
/// feed's counter) for the rest of its transaction, as SQLite's single writer lock does. That
/// gives seqs in commit order, audit ids without gaps, and no deadlock between two servers.
///
/// One connection, shared safely between threads as spatialite_store's is: begin() takes a
/// lock that commit() or rollback() releases. After the server went away, the next call
/// outside a transaction connects again. The schema is created or migrated by the
/// constructor (postgres_schema.hpp).
class postgres_store final : public store {
 public:
  /// Connects to `url` (postgresql://user@host:port/db) and prepares the schema; store_error
  /// when the server cannot be reached or the schema is newer than this program.
  explicit postgres_store(const std::string& url);
  ~postgres_store() override;

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
  bool has_area(const std::string& code) override;
  std::optional<collaborator> find_collaborator(const std::string& id) override;
  /// Nothing: PostgreSQL checkpoints by itself.
  void checkpoint() override;

  /// A second active pledge on the target and program is a conflict_error (target_taken)
  /// whose holder() is the pledge that holds it, whichever server wrote that one.
  void insert_pledge(const pledge& p) override;
  void set_pledge_status(const std::string& id, std::string_view status) override;
  void insert_realization(const realization& r) override;
  std::vector<realization> load_realizations() override;
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

  // The change feed (store.hpp).

  /// The highest seq committed; 0 if none.
  std::int64_t last_change() override;
  /// Up to `limit` changes after `seq`, in seq order.
  std::vector<store_change> changes_after(std::int64_t seq, std::size_t limit) override;
  std::optional<pledge> find_pledge(const std::string& id) override;
  std::optional<realization> find_realization(const std::string& id) override;
  /// A target in service; nothing for an unknown or retired id.
  std::optional<target> find_target(const std::string& id) override;
  /// Returns when a change after `seq` may have been committed by anyone (a notification on
  /// channel sasaran_changes, LISTENed on a second connection), or after `timeout`.
  void wait_for_change(std::int64_t seq, std::chrono::milliseconds timeout) override;
  /// Inside a write transaction: the next number of an id series ("pledge", "realization"),
  /// at least `at_least`, never handed out twice even to two servers at once (the series'
  /// row in `serials` stays locked until commit).
  std::uint64_t next_number(std::string_view series, std::uint64_t at_least) override;

  /// The connection itself, for SQL in tests; not guarded by the store's lock.
  pg_connection& connection() { return *m_db; }

 private:
  /// A write method's transaction: the caller's, or one of its own when called outside
  /// begin() (committed by done(), rolled back otherwise). Either way this transaction becomes
  /// the writer first.
  class write_scope {
   public:
    explicit write_scope(postgres_store& store);
    ~write_scope();
    write_scope(const write_scope&) = delete;
    write_scope& operator=(const write_scope&) = delete;
    void done();

   private:
    postgres_store& m_store;
    bool m_own;
  };

  /// Connects again after a lost connection, outside a transaction.
  void ready();
  /// Makes this transaction the writer (locks change_head's row until commit).
  void become_writer();
  /// interrupted_error when the import was asked to stop (sync_policy::stop).
  void policy_check(std::string_view layer);
  /// Appends a change (the writer's lock is held) and notifies the listeners at commit.
  void append_change(std::string_view kind, std::string_view key);
  std::vector<target> load_targets_where(const std::string& condition,
                                         const std::vector<std::string>& params);
  std::vector<pledge> load_pledges_where(const std::string& condition,
                                         const std::vector<std::string>& params);
  std::vector<realization> load_realizations_where(const std::string& condition,
                                                   const std::vector<std::string>& params);

  std::string m_url;
  std::unique_ptr<pg_connection> m_db;
  std::recursive_mutex m_mutex;
  bool m_in_transaction = false;  // begin() holds m_mutex until commit or rollback
  bool m_writer = false;          // this transaction holds change_head's row
  bool m_read_only = false;       // begun by begin_read()
  sync_policy m_policy;
  std::vector<row_change> m_changes;  // of the sync_* calls since begin()
  /// The area codes targets and tokens refer to, read by the first sync_areas of a transaction
  /// and forgotten when a write changes them (targets, tokens) or the transaction ends.
  std::optional<std::unordered_set<std::string>> m_area_references;

  std::unique_ptr<pg_connection> m_listener;  // LISTENs on sasaran_changes
  std::timed_mutex m_listen_mutex;
};

}  // namespace geo
