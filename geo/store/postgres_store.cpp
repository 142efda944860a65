#include "geo/store/postgres_store.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "geo/error.hpp"
#include "geo/store/pg_connection.hpp"
#include "geo/store/pg_copy.hpp"
#include "geo/store/postgres_schema.hpp"
#include "geo/store/postgres_store_detail.hpp"

namespace geo {

outcome pg_detail::parse_outcome(std::string_view text) {
  for (std::size_t i = 0; i < outcome_count; ++i)
    if (to_string(static_cast<outcome>(i)) == text) return static_cast<outcome>(i);
  throw store_error("unknown import outcome '" + std::string(text) + "' in the store");
}

postgres_store::write_scope::write_scope(postgres_store& store)
    : m_store(store), m_own(!store.m_in_transaction) {
  if (m_own) m_store.begin();
  try {
    m_store.become_writer();
  } catch (...) {
    if (m_own) m_store.rollback();
    throw;
  }
}

postgres_store::write_scope::~write_scope() {
  if (m_own) m_store.rollback();
}

void postgres_store::write_scope::done() {
  if (!m_own) return;
  m_store.commit();
  m_own = false;
}

postgres_store::postgres_store(const std::string& url)
    : m_url(url), m_db(std::make_unique<pg_connection>(url)) {
  prepare_postgres_schema(*m_db);
}

postgres_store::~postgres_store() = default;

void postgres_store::ready() {
  if (!m_in_transaction) m_db->reconnect_if_lost();
}

void postgres_store::become_writer() {
  if (m_writer) return;
  if (!m_in_transaction) throw store_error("a write outside a transaction in " + m_db->where());
  // FOR UPDATE waits for the writer before us to commit; the row stays ours until we do.
  m_db->exec("SELECT seq FROM change_head FOR UPDATE");
  m_writer = true;
}

void postgres_store::append_change(std::string_view kind, std::string_view key) {
  become_writer();
  m_db->exec(std::string(R"sql(
    WITH head AS (UPDATE change_head SET seq = seq + 1 RETURNING seq),
         added AS (INSERT INTO changes(seq, kind, key, at) SELECT seq, $1, $2, )sql") +
                 pg_now_ms_sql + R"sql( FROM head RETURNING seq)
    SELECT pg_notify('sasaran_changes', seq::text) FROM added)sql",
             {pg_value(kind), pg_value(key)});
}

void postgres_store::set_sync_policy(const sync_policy& policy) {
  const std::lock_guard lock(m_mutex);
  m_policy = policy;
}

void postgres_store::begin() {
  // Held until commit or rollback: one transaction at a time, and no other thread's reads or
  // writes on this connection inside it.
  m_mutex.lock();
  try {
    m_db->reconnect_if_lost();
    m_db->exec("BEGIN");
  } catch (...) {
    m_mutex.unlock();
    throw;
  }
  m_in_transaction = true;
  m_writer = false;
  m_read_only = false;
  m_changes.clear();
  m_area_references.reset();
}

void postgres_store::begin_read() {
  m_mutex.lock();
  try {
    m_db->reconnect_if_lost();
    m_db->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    // The snapshot is taken by the first statement: now, not at the caller's first read.
    m_db->exec("SELECT 1");
  } catch (...) {
    try {
      m_db->exec("ROLLBACK");
    } catch (const store_error&) {
      // Nothing to roll back on a lost connection.
    }
    m_mutex.unlock();
    throw;
  }
  m_in_transaction = true;
  m_writer = false;
  m_read_only = true;
}

void postgres_store::commit() {
  const std::lock_guard lock(m_mutex);
  if (!m_in_transaction) throw store_error("commit without a transaction in " + m_db->where());
  // PostgreSQL answers COMMIT of a failed transaction with a rollback and no error.
  if (m_db->transaction_failed())
    throw store_error("commit of a transaction an earlier error ended in " + m_db->where());
  m_db->exec("COMMIT");
  m_in_transaction = false;
  m_writer = false;
  m_area_references.reset();
  m_mutex.unlock();  // the lock begin() took
}

void postgres_store::rollback() noexcept {
  const std::lock_guard lock(m_mutex);
  if (!m_in_transaction) return;
  try {
    m_db->exec("ROLLBACK");
  } catch (const store_error&) {
    // A lost connection: the server rolled the transaction back when it went.
  }
  m_in_transaction = false;
  m_writer = false;
  m_changes.clear();
  m_area_references.reset();
  m_mutex.unlock();  // the lock begin() took
}

void postgres_store::replace_issues(std::string_view layer,
                                    const std::vector<import_issue>& issues) {
  const std::lock_guard lock(m_mutex);
  write_scope scope(*this);
  m_db->exec("DELETE FROM import_issues WHERE layer = $1", {pg_value(layer)});
  pg_copy rows;
  for (const import_issue& issue : issues) {
    rows.text(layer).integer(pg_detail::to_int(issue.row)).text_or_null(issue.key);
    rows.text(to_string(issue.result)).text(issue.reason).text(issue.message).text(issue.raw);
    rows.end_row();
  }
  if (rows.rows() > 0)
    m_db->copy_in("COPY import_issues(layer, row, key, outcome, reason, message, raw) FROM STDIN",
                  rows.data());
  scope.done();
}

std::int64_t postgres_store::record_import(std::string_view what, const import_report& report) {
  const std::lock_guard lock(m_mutex);
  write_scope scope(*this);
  // Numbered max + 1 under the writers' lock: no gaps, as in the SQLite store.
  const std::int64_t run =
      m_db->exec(
              "INSERT INTO import_runs(id, what, report) "
              "SELECT coalesce(max(id), 0) + 1, $1, $2 FROM import_runs RETURNING id",
              {pg_value(what), pg_value(report.to_json())})
          .integer(0, 0);
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> keys;
  for (row_change& c : m_changes)
    keys[{std::move(c.layer), std::move(c.change)}].push_back(std::move(c.key));
  m_changes.clear();
  for (auto& [layer_change, list] : keys) {
    std::sort(list.begin(), list.end());
    std::string joined;
    for (const std::string& key : list)
      (joined += key) += '\n';
    m_db->exec("INSERT INTO import_changes VALUES ($1, $2, $3, $4)",
               {pg_value(run), pg_value(layer_change.first), pg_value(layer_change.second),
                pg_value(joined)});
  }
  append_change("import", std::to_string(run));
  scope.done();
  return run;
}

std::vector<import_run> postgres_store::load_runs(std::size_t limit) {
  const std::lock_guard lock(m_mutex);
  ready();
  const pg_rows rows =
      m_db->exec("SELECT id, finished_at, what, report FROM import_runs ORDER BY id DESC LIMIT $1",
                 {pg_value(pg_detail::to_int(limit))});
  std::vector<import_run> out;
  for (int i = 0; i < rows.size(); ++i)
    out.push_back({rows.integer(i, 0), rows.text(i, 1), rows.text(i, 2), rows.text(i, 3)});
  return out;
}

std::vector<row_change> postgres_store::load_changes(std::int64_t run_id, std::string_view layer,
                                                     std::size_t limit, std::size_t offset) {
  const std::lock_guard lock(m_mutex);
  ready();
  const pg_rows rows = m_db->exec(R"sql(
    SELECT layer, change, keys FROM import_changes
    WHERE run_id = $1 AND ($2 = '' OR layer = $2))sql",
                                  {pg_value(run_id), pg_value(layer)});
  std::vector<row_change> out;
  for (int i = 0; i < rows.size(); ++i) {
    const std::string layer_name = rows.text(i, 0);
    const std::string change = rows.text(i, 1);
    const std::string_view keys = rows.view(i, 2);
    for (std::size_t at = 0, end; (end = keys.find('\n', at)) != std::string::npos; at = end + 1)
      out.push_back({layer_name, std::string(keys.substr(at, end - at)), change});
  }
  std::sort(out.begin(), out.end(), [](const row_change& a, const row_change& b) {
    return std::tie(a.layer, a.key) < std::tie(b.layer, b.key);
  });
  const auto first = std::min(offset, out.size());
  const auto last = std::min(out.size(), first + std::min(limit, out.size()));
  return {out.begin() + static_cast<std::ptrdiff_t>(first),
          out.begin() + static_cast<std::ptrdiff_t>(last)};
}

std::int64_t postgres_store::data_version() {
  const std::lock_guard lock(m_mutex);
  ready();
  return m_db->exec("SELECT coalesce(max(id), 0) FROM import_runs").integer(0, 0);
}

std::vector<area> postgres_store::load_areas(admin_level level) {
  const std::lock_guard lock(m_mutex);
  ready();
  const pg_rows rows = m_db->exec(R"sql(
    SELECT code, name, coalesce(parent_code, ''), ST_AsBinary(geom), area_m2, min_lon, min_lat,
           max_lon, max_lat, layer, source_row
    FROM areas WHERE level = $1 AND retired_at IS NULL ORDER BY code)sql",
                                  {pg_value(to_string(level))});
  std::vector<area> out;
  out.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) {
    area a;
    a.level = level;
    a.code = rows.text(i, 0);
    a.name = rows.text(i, 1);
    a.parent_code = rows.text(i, 2);
    a.wkb = rows.bytes(i, 3);
    a.area_m2 = rows.real(i, 4);
    a.box = {rows.real(i, 5), rows.real(i, 6), rows.real(i, 7), rows.real(i, 8)};
    a.layer = rows.text(i, 9);
    a.row = static_cast<std::size_t>(rows.integer(i, 10));
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<target> postgres_store::load_targets() {
  return load_targets_where("retired_at IS NULL", {});
}

std::vector<target> postgres_store::load_field_located() {
  return load_targets_where("retired_at IS NULL AND located_at IS NOT NULL", {});
}

std::vector<target> postgres_store::load_retired_targets() {
  return load_targets_where("retired_at IS NOT NULL", {});
}

std::vector<target> postgres_store::load_targets_where(const std::string& condition,
                                                       const std::vector<std::string>& params) {
  const std::lock_guard lock(m_mutex);
  ready();
  std::vector<pg_param> values;
  for (const std::string& p : params)
    values.push_back(p);
  const pg_rows rows = m_db->exec(R"sql(
    SELECT id, program, need, household_size, priority, lon, lat, declared_rt,
           coalesce(rt_code, ''), coalesce(rw_code, ''), coalesce(kelurahan_code, ''),
           coalesce(kecamatan_code, ''), coalesce(kota_code, ''), coalesce(registered_at, ''),
           source_row, import_outcome
    FROM targets WHERE )sql" + condition +
                                      " ORDER BY pk",
                                  values);
  std::vector<target> out;
  out.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) {
    target t;
    t.id = rows.text(i, 0);
    t.program = rows.text(i, 1);
    t.need = rows.text(i, 2);
    t.household_size = static_cast<int>(rows.integer(i, 3));
    t.priority = static_cast<int>(rows.integer(i, 4));
    t.lon = rows.optional_real(i, 5);
    t.lat = rows.optional_real(i, 6);
    t.declared_rt = rows.text(i, 7);
    t.rt_code = rows.text(i, 8);
    t.rw_code = rows.text(i, 9);
    t.kelurahan_code = rows.text(i, 10);
    t.kecamatan_code = rows.text(i, 11);
    t.kota_code = rows.text(i, 12);
    t.registered_at = rows.text(i, 13);
    t.row = static_cast<std::size_t>(rows.integer(i, 14));
    t.import_outcome = pg_detail::parse_outcome(rows.view(i, 15));
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<collaborator> postgres_store::load_collaborators() {
  const std::lock_guard lock(m_mutex);
  ready();
  const pg_rows rows = m_db->exec(
      "SELECT id, name, kind, lon, lat, source_row FROM collaborators WHERE retired_at IS NULL "
      "ORDER BY id");
  std::vector<collaborator> out;
  for (int i = 0; i < rows.size(); ++i)
    out.push_back({rows.text(i, 0), rows.text(i, 1), rows.text(i, 2), rows.optional_real(i, 3),
                   rows.optional_real(i, 4), static_cast<std::size_t>(rows.integer(i, 5))});
  return out;
}

std::vector<pledge> postgres_store::load_pledges() {
  return load_pledges_where("true", {});
}

std::vector<pledge> postgres_store::load_pledges_where(const std::string& condition,
                                                       const std::vector<std::string>& params) {
  const std::lock_guard lock(m_mutex);
  ready();
  std::vector<pg_param> values;
  for (const std::string& p : params)
    values.push_back(p);
  const pg_rows rows = m_db->exec(R"sql(
    SELECT id, collaborator_id, target_id, program, form, amount_idr, quantity, status,
           pledged_at, source_row, coalesce(flag, '')
    FROM pledges WHERE )sql" + condition +
                                      " ORDER BY id",
                                  values);
  std::vector<pledge> out;
  out.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) {
    pledge p;
    p.id = rows.text(i, 0);
    p.collaborator_id = rows.text(i, 1);
    p.target_id = rows.text(i, 2);
    p.program = rows.text(i, 3);
    p.form = rows.text(i, 4);
    p.amount_idr = rows.optional_integer(i, 5);
    p.quantity = rows.optional_integer(i, 6);
    p.status = rows.text(i, 7);
    p.pledged_at = rows.text(i, 8);
    p.row = static_cast<std::size_t>(rows.integer(i, 9));
    p.flag = rows.text(i, 10);
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<import_issue> postgres_store::load_issues(std::string_view layer,
                                                      std::optional<outcome> only) {
  const std::lock_guard lock(m_mutex);
  ready();
  const pg_rows rows =
      m_db->exec(R"sql(
    SELECT row, coalesce(key, ''), outcome, reason, message, raw FROM import_issues
    WHERE layer = $1 AND ($2::text IS NULL OR outcome = $2) ORDER BY row)sql",
                 {pg_value(layer), only ? pg_value(to_string(*only)) : std::nullopt});
  std::vector<import_issue> out;
  for (int i = 0; i < rows.size(); ++i) {
    import_issue issue;
    issue.row = static_cast<std::size_t>(rows.integer(i, 0));
    issue.key = rows.text(i, 1);
    issue.result = pg_detail::parse_outcome(rows.view(i, 2));
    issue.reason = rows.text(i, 3);
    issue.message = rows.text(i, 4);
    issue.raw = rows.text(i, 5);
    out.push_back(std::move(issue));
  }
  return out;
}

}  // namespace geo
