#include "geo/store/spatialite_store.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "geo/error.hpp"
#include "geo/row_hash.hpp"
#include "geo/store/spatialite_schema.hpp"
#include "geo/store/sqlite_db.hpp"
#include "geo/store/sqlite_statement.hpp"

namespace geo {
namespace {

outcome stored_outcome(const std::string& text) {
  if (const std::optional<outcome> o = parse_outcome(text)) return *o;
  throw store_error("unknown import outcome '" + text + "' in the store");
}

// Binds `filter` to ?1 (layer, '' for all) and ?2 (outcome, NULL for all).
void bind_filter(sqlite_statement& s, const issue_filter& filter) {
  s.bind(1, filter.layer);
  if (filter.only)
    s.bind(2, to_string(*filter.only));
  else
    s.bind_null(2);
}

std::optional<std::string> null_if_empty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

std::int64_t to_int(std::size_t n) {
  return static_cast<std::int64_t>(n);
}

}  // namespace

spatialite_store::spatialite_store(const std::string& path, journal mode)
    : m_db(std::make_unique<sqlite_db>(path)) {
  // A Jakarta import touches ~100 MB of pages in one transaction; with SQLite's default
  // 2 MB cache it spills and rereads them.
  m_db->exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
      "PRAGMA cache_size=-262144;");
  // A database made by an earlier version is brought up to date at once, in one transaction;
  // an empty one gets its schema with the first transaction.
  if (const int version = schema_version_of(*m_db);
      version != 0 && version != spatialite_schema_version) {
    store_transaction upgrade(*this);
    upgrade.commit();
  }
  if (mode == journal::bulk) {
    // Leaving WAL needs the file to ourselves; when another connection holds it, stay in WAL.
    sqlite3_busy_timeout(m_db->get(), 0);
    sqlite_statement set = m_db->prepare("PRAGMA journal_mode=DELETE");
    try {
      m_back_to_wal = set.step() && set.column_text(0) == "delete";
    } catch (const store_error&) {
      m_back_to_wal = false;
    }
    sqlite3_busy_timeout(m_db->get(), 5000);
  }
}

spatialite_store::~spatialite_store() {
  if (m_back_to_wal)
    sqlite3_exec(m_db->get(), "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
}

void spatialite_store::begin() {
  // Held until commit or rollback: one transaction at a time, and no other thread's reads
  // or writes on this connection inside it.
  m_mutex.lock();
  try {
    m_db->exec("BEGIN IMMEDIATE");
  } catch (...) {
    m_mutex.unlock();
    throw;
  }
  m_in_transaction = true;
  m_changes.clear();
  m_appended = false;
  try {
    upgrade_schema(*m_db, schema_version_of(*m_db));
  } catch (...) {
    rollback();
    throw;
  }
}

void spatialite_store::begin_read() {
  m_mutex.lock();
  try {
    // A deferred transaction takes its snapshot at its first read.
    m_db->exec("BEGIN");
    m_db->exec("SELECT count(*) FROM sqlite_master");
  } catch (...) {
    sqlite3_exec(m_db->get(), "ROLLBACK", nullptr, nullptr, nullptr);
    m_mutex.unlock();
    throw;
  }
  m_in_transaction = true;
}

void spatialite_store::commit() {
  const std::lock_guard lock(m_mutex);
  if (!m_in_transaction)
    throw store_error("commit without a transaction in '" + m_db->path() + "'");
  m_db->exec("COMMIT");
  m_in_transaction = false;
  const bool appended = std::exchange(m_appended, false);
  m_mutex.unlock();  // the lock begin() took
  if (appended) {
    {
      const std::lock_guard signal(m_commit_lock);
      ++m_commits;
    }
    m_committed.notify_all();
  }
}

void spatialite_store::rollback() noexcept {
  const std::lock_guard lock(m_mutex);
  if (!m_in_transaction) return;
  sqlite3_exec(m_db->get(), "ROLLBACK", nullptr, nullptr, nullptr);
  m_in_transaction = false;
  m_appended = false;
  m_mutex.unlock();  // the lock begin() took
}

void spatialite_store::replace_issues(std::string_view layer,
                                      const std::vector<import_issue>& issues) {
  const std::lock_guard lock(m_mutex);
  m_db->prepare("DELETE FROM import_issues WHERE layer = ?").bind(1, layer).run();
  sqlite_statement insert =
      m_db->prepare("INSERT INTO import_issues VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  for (const import_issue& issue : issues) {
    insert.bind(1, layer).bind(2, to_int(issue.row)).bind(3, null_if_empty(issue.key));
    insert.bind(4, to_string(issue.result)).bind(5, issue.reason).bind(6, issue.message);
    insert.bind(7, issue.raw).run();
  }
}

void spatialite_store::wait_for_writers(std::chrono::milliseconds longest) {
  const std::lock_guard lock(m_mutex);
  sqlite3_busy_timeout(m_db->get(), static_cast<int>(longest.count()));
}

void spatialite_store::checkpoint() {
  const std::lock_guard lock(m_mutex);
  // PASSIVE: copies what it can without waiting for, or blocking, the writer. SQLITE_BUSY
  // says a reader or writer kept some of it back: the next checkpoint copies the rest.
  if (sqlite3_wal_checkpoint_v2(m_db->get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                nullptr) != SQLITE_OK &&
      sqlite3_errcode(m_db->get()) != SQLITE_BUSY)
    m_db->fail("checkpoint of the write-ahead log");
}

void spatialite_store::set_sync_policy(const sync_policy& policy) {
  const std::lock_guard lock(m_mutex);
  m_policy = policy;
}

std::int64_t spatialite_store::record_import(std::string_view what, const import_report& report) {
  const std::lock_guard lock(m_mutex);
  m_db->prepare("INSERT INTO import_runs(what, report) VALUES (?, ?)")
      .bind(1, what)
      .bind(2, report.to_json())
      .run();
  const std::int64_t run = sqlite3_last_insert_rowid(m_db->get());
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> keys;
  for (row_change& c : m_changes)
    keys[{std::move(c.layer), std::move(c.change)}].push_back(std::move(c.key));
  m_changes.clear();
  sqlite_statement insert = m_db->prepare("INSERT INTO import_changes VALUES (?, ?, ?, ?)");
  for (auto& [layer_change, list] : keys) {
    std::sort(list.begin(), list.end());
    std::string joined;
    for (const std::string& key : list)
      (joined += key) += '\n';
    insert.bind(1, run).bind(2, layer_change.first).bind(3, layer_change.second);
    insert.bind(4, joined).run();
  }
  append_change("import", std::to_string(run));
  return run;
}

std::vector<import_run> spatialite_store::load_runs(std::size_t limit) {
  const std::lock_guard lock(m_mutex);
  std::vector<import_run> out;
  if (schema_version_of(*m_db) == 0) return out;
  sqlite_statement select = m_db->prepare(
      "SELECT id, finished_at, what, report FROM import_runs ORDER BY id DESC LIMIT ?");
  select.bind(1, to_int(limit));
  while (select.step())
    out.push_back({select.column_int(0), select.column_text(1), select.column_text(2),
                   select.column_text(3)});
  return out;
}

std::vector<row_change> spatialite_store::load_changes(std::int64_t run_id, std::string_view layer,
                                                       std::size_t limit, std::size_t offset) {
  const std::lock_guard lock(m_mutex);
  std::vector<row_change> out;
  if (schema_version_of(*m_db) == 0) return out;
  sqlite_statement select = m_db->prepare(R"sql(
    SELECT layer, change, keys FROM import_changes
    WHERE run_id = ?1 AND (?2 = '' OR layer = ?2))sql");
  select.bind(1, run_id).bind(2, layer);
  while (select.step()) {
    const std::string layer_name = select.column_text(0);
    const std::string change = select.column_text(1);
    const std::string keys = select.column_text(2);
    for (std::size_t at = 0, end; (end = keys.find('\n', at)) != std::string::npos; at = end + 1)
      out.push_back({layer_name, keys.substr(at, end - at), change});
  }
  std::sort(out.begin(), out.end(), [](const row_change& a, const row_change& b) {
    return std::tie(a.layer, a.key) < std::tie(b.layer, b.key);
  });
  const auto first = std::min(offset, out.size());
  const auto last = std::min(out.size(), first + std::min(limit, out.size()));
  return {out.begin() + static_cast<std::ptrdiff_t>(first),
          out.begin() + static_cast<std::ptrdiff_t>(last)};
}

std::int64_t spatialite_store::data_version() {
  const std::lock_guard lock(m_mutex);
  if (schema_version_of(*m_db) == 0) return 0;
  sqlite_statement select = m_db->prepare("SELECT coalesce(max(id), 0) FROM import_runs");
  return select.step() ? select.column_int(0) : 0;
}

std::vector<area> spatialite_store::load_areas(admin_level level) {
  const std::lock_guard lock(m_mutex);
  std::vector<area> out;
  if (schema_version_of(*m_db) == 0) return out;
  sqlite_statement select = m_db->prepare(R"sql(
    SELECT code, name, coalesce(parent_code, ''), AsBinary(geom), area_m2, min_lon, min_lat,
           max_lon, max_lat, layer, source_row
    FROM areas WHERE level = ? AND retired_at IS NULL ORDER BY code)sql");
  select.bind(1, to_string(level));
  while (select.step()) {
    area a;
    a.level = level;
    a.code = select.column_text(0);
    a.name = select.column_text(1);
    a.parent_code = select.column_text(2);
    const auto wkb = select.column_blob(3);
    a.wkb.assign(wkb.begin(), wkb.end());
    a.area_m2 = select.column_double(4);
    a.box = {select.column_double(5), select.column_double(6), select.column_double(7),
             select.column_double(8)};
    a.layer = select.column_text(9);
    a.row = static_cast<std::size_t>(select.column_int(10));
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<target> spatialite_store::load_targets() {
  return load_targets_where("retired_at IS NULL");
}

std::vector<target> spatialite_store::load_field_located() {
  return load_targets_where("retired_at IS NULL AND located_at IS NOT NULL");
}

std::vector<target> spatialite_store::load_retired_targets() {
  return load_targets_where("retired_at IS NOT NULL");
}

std::vector<target> spatialite_store::load_targets_where(const std::string& condition,
                                                         const std::string* id) {
  const std::lock_guard lock(m_mutex);
  std::vector<target> out;
  if (schema_version_of(*m_db) == 0) return out;
  sqlite_statement select = m_db->prepare(R"sql(
    SELECT id, program, need, household_size, priority, lon, lat, declared_rt,
           coalesce(rt_code, ''), coalesce(rw_code, ''), coalesce(kelurahan_code, ''),
           coalesce(kecamatan_code, ''), coalesce(kota_code, ''), coalesce(registered_at, ''),
           source_row, import_outcome
    FROM targets WHERE )sql" + condition + " ORDER BY pk");  // table order: no sort (0.25 s)
  if (id) select.bind(1, *id);
  while (select.step()) {
    target t;
    t.id = select.column_text(0);
    t.program = select.column_text(1);
    t.need = select.column_text(2);
    t.household_size = static_cast<int>(select.column_int(3));
    t.priority = static_cast<int>(select.column_int(4));
    if (!select.is_null(5)) t.lon = select.column_double(5);
    if (!select.is_null(6)) t.lat = select.column_double(6);
    t.declared_rt = select.column_text(7);
    t.rt_code = select.column_text(8);
    t.rw_code = select.column_text(9);
    t.kelurahan_code = select.column_text(10);
    t.kecamatan_code = select.column_text(11);
    t.kota_code = select.column_text(12);
    t.registered_at = select.column_text(13);
    t.row = static_cast<std::size_t>(select.column_int(14));
    t.import_outcome = stored_outcome(select.column_text(15));
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<collaborator> spatialite_store::load_collaborators() {
  const std::lock_guard lock(m_mutex);
  std::vector<collaborator> out;
  if (schema_version_of(*m_db) == 0) return out;
  sqlite_statement select = m_db->prepare(
      "SELECT id, name, kind, lon, lat, source_row FROM collaborators WHERE retired_at IS NULL "
      "ORDER BY id");
  while (select.step()) {
    collaborator c;
    c.id = select.column_text(0);
    c.name = select.column_text(1);
    c.kind = select.column_text(2);
    if (!select.is_null(3)) c.lon = select.column_double(3);
    if (!select.is_null(4)) c.lat = select.column_double(4);
    c.row = static_cast<std::size_t>(select.column_int(5));
    out.push_back(std::move(c));
  }
  return out;
}

bool spatialite_store::has_area(const std::string& code) {
  const std::lock_guard lock(m_mutex);
  if (schema_version_of(*m_db) == 0) return false;
  return m_db->prepare("SELECT 1 FROM areas WHERE code = ?").bind(1, code).step();
}

std::optional<collaborator> spatialite_store::find_collaborator(const std::string& id) {
  const std::lock_guard lock(m_mutex);
  if (schema_version_of(*m_db) == 0) return std::nullopt;
  sqlite_statement select =
      m_db->prepare("SELECT id, name, kind, lon, lat, source_row FROM collaborators WHERE id = ?");
  if (!select.bind(1, id).step()) return std::nullopt;
  collaborator c;
  c.id = select.column_text(0);
  c.name = select.column_text(1);
  c.kind = select.column_text(2);
  if (!select.is_null(3)) c.lon = select.column_double(3);
  if (!select.is_null(4)) c.lat = select.column_double(4);
  c.row = static_cast<std::size_t>(select.column_int(5));
  return c;
}

std::vector<pledge> spatialite_store::load_pledges() {
  return load_pledges_where("1");
}

std::vector<pledge> spatialite_store::load_pledges_where(const std::string& condition,
                                                         const std::string* id) {
  const std::lock_guard lock(m_mutex);
  std::vector<pledge> out;
  if (schema_version_of(*m_db) == 0) return out;
  sqlite_statement select = m_db->prepare(R"sql(
    SELECT id, collaborator_id, target_id, program, form, amount_idr, quantity, status,
           pledged_at, source_row, coalesce(flag, '')
    FROM pledges WHERE )sql" + condition + " ORDER BY id");
  if (id) select.bind(1, *id);
  while (select.step()) {
    pledge p;
    p.id = select.column_text(0);
    p.collaborator_id = select.column_text(1);
    p.target_id = select.column_text(2);
    p.program = select.column_text(3);
    p.form = select.column_text(4);
    if (!select.is_null(5)) p.amount_idr = select.column_int(5);
    if (!select.is_null(6)) p.quantity = select.column_int(6);
    p.status = select.column_text(7);
    p.pledged_at = select.column_text(8);
    p.row = static_cast<std::size_t>(select.column_int(9));
    p.flag = select.column_text(10);
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<import_issue> spatialite_store::load_issues(std::string_view layer,
                                                        std::optional<outcome> only) {
  const std::lock_guard lock(m_mutex);
  std::vector<import_issue> out;
  if (schema_version_of(*m_db) == 0) return out;
  sqlite_statement select = m_db->prepare(R"sql(
    SELECT row, coalesce(key, ''), outcome, reason, message, raw FROM import_issues
    WHERE layer = ?1 AND (?2 IS NULL OR outcome = ?2) ORDER BY row)sql");
  select.bind(1, layer);
  if (only)
    select.bind(2, to_string(*only));
  else
    select.bind_null(2);
  while (select.step()) {
    import_issue issue;
    issue.row = static_cast<std::size_t>(select.column_int(0));
    issue.key = select.column_text(1);
    issue.result = stored_outcome(select.column_text(2));
    issue.reason = select.column_text(3);
    issue.message = select.column_text(4);
    issue.raw = select.column_text(5);
    out.push_back(std::move(issue));
  }
  return out;
}

std::vector<issue_count> spatialite_store::count_issues(const issue_filter& filter) {
  const std::lock_guard lock(m_mutex);
  std::vector<issue_count> out;
  if (schema_version_of(*m_db) == 0) return out;
  sqlite_statement select = m_db->prepare(R"sql(
    SELECT layer, outcome, reason, count(*) FROM import_issues
    WHERE (?1 = '' OR layer = ?1) AND (?2 IS NULL OR outcome = ?2)
    GROUP BY layer, outcome, reason ORDER BY layer, outcome, reason)sql");
  bind_filter(select, filter);
  while (select.step())
    out.push_back({select.column_text(0), stored_outcome(select.column_text(1)),
                   select.column_text(2), static_cast<std::size_t>(select.column_int(3))});
  return out;
}

std::vector<layer_issue> spatialite_store::load_issues(const issue_filter& filter,
                                                       std::size_t limit, std::size_t offset) {
  const std::lock_guard lock(m_mutex);
  std::vector<layer_issue> out;
  if (schema_version_of(*m_db) == 0) return out;
  sqlite_statement select = m_db->prepare(R"sql(
    SELECT layer, row, coalesce(key, ''), outcome, reason, message, raw FROM import_issues
    WHERE (?1 = '' OR layer = ?1) AND (?2 IS NULL OR outcome = ?2)
    ORDER BY layer, row LIMIT ?3 OFFSET ?4)sql");
  bind_filter(select, filter);
  // SQLite's LIMIT is signed: a larger limit is "all".
  constexpr auto most = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  select.bind(3, to_int(std::min(limit, most))).bind(4, to_int(std::min(offset, most)));
  while (select.step()) {
    layer_issue found;
    found.layer = select.column_text(0);
    import_issue& issue = found.issue;
    issue.row = static_cast<std::size_t>(select.column_int(1));
    issue.key = select.column_text(2);
    issue.result = stored_outcome(select.column_text(3));
    issue.reason = select.column_text(4);
    issue.message = select.column_text(5);
    issue.raw = select.column_text(6);
    out.push_back(std::move(found));
  }
  return out;
}

}  // namespace geo
