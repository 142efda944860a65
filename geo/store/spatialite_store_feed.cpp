// The change feed of the embedded store (docs/store.md, "The change feed"): the changes every
// write appends, the serials of new ids, and the records a follower reads back.
#include <algorithm>

#include "geo/error.hpp"
#include "geo/store/spatialite_schema.hpp"
#include "geo/store/spatialite_store.hpp"
#include "geo/store/sqlite_db.hpp"
#include "geo/store/sqlite_statement.hpp"

namespace geo {
namespace {

// How often wait_for_change looks for commits of other connections, which SQLite cannot
// announce across processes; a look is one read of the last row of `changes`.
constexpr std::chrono::milliseconds look_every{10};

std::int64_t to_int(std::size_t n) {
  return static_cast<std::int64_t>(std::min<std::size_t>(n, INT64_MAX));
}

}  // namespace

void spatialite_store::append_change(std::string_view kind, const std::string& key) {
  const std::lock_guard lock(m_mutex);
  m_db->prepare(
          "INSERT INTO changes(kind, key, at) VALUES (?1, ?2, "
          "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))")
      .bind(1, kind)
      .bind(2, key)
      .run();
  if (m_in_transaction) m_appended = true;
}

void spatialite_store::with_change(std::string_view kind, const std::string& key,
                                   const std::function<void()>& write) {
  const std::lock_guard lock(m_mutex);
  if (m_in_transaction) {
    write();
    append_change(kind, key);
    return;
  }
  m_db->exec("SAVEPOINT one_write");
  try {
    write();
    append_change(kind, key);
    m_db->exec("RELEASE one_write");
  } catch (...) {
    sqlite3_exec(m_db->get(), "ROLLBACK TO one_write; RELEASE one_write", nullptr, nullptr,
                 nullptr);
    throw;
  }
  {
    const std::lock_guard signal(m_commit_lock);
    ++m_commits;
  }
  m_committed.notify_all();
}

std::int64_t spatialite_store::last_change() {
  const std::lock_guard lock(m_mutex);
  if (schema_version_of(*m_db) == 0) return 0;
  sqlite_statement select = m_db->prepare("SELECT coalesce(max(seq), 0) FROM changes");
  return select.step() ? select.column_int(0) : 0;
}

std::vector<store_change> spatialite_store::changes_after(std::int64_t seq, std::size_t limit) {
  const std::lock_guard lock(m_mutex);
  std::vector<store_change> out;
  if (schema_version_of(*m_db) == 0) return out;
  sqlite_statement select =
      m_db->prepare("SELECT seq, kind, key FROM changes WHERE seq > ? ORDER BY seq LIMIT ?");
  select.bind(1, seq).bind(2, to_int(limit));
  while (select.step())
    out.push_back({select.column_int(0), select.column_text(1), select.column_text(2)});
  return out;
}

void spatialite_store::wait_for_change(std::int64_t seq, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::uint64_t commits = 0;
    {
      const std::lock_guard signal(m_commit_lock);
      commits = m_commits;
    }
    // Read after taking the count: a commit of ours in between wakes the wait below at once.
    if (last_change() > seq) return;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return;
    std::unique_lock signal(m_commit_lock);
    m_committed.wait_until(signal, std::min(deadline, now + look_every),
                           [&] { return m_commits != commits; });
  }
}

std::uint64_t spatialite_store::next_number(std::string_view series, std::uint64_t at_least) {
  const std::lock_guard lock(m_mutex);
  if (!m_in_transaction)
    throw store_error("next_number of '" + std::string(series) + "' outside a transaction in '" +
                      m_db->path() + "'");
  // The write lock of the transaction (BEGIN IMMEDIATE) keeps every other writer out until
  // commit, so no one else reads the same `last`.
  sqlite_statement next = m_db->prepare(R"sql(
    INSERT INTO serials(series, last) VALUES (?1, ?2)
    ON CONFLICT(series) DO UPDATE SET last = max(last + 1, excluded.last)
    RETURNING last)sql");
  next.bind(1, series).bind(2, static_cast<std::int64_t>(at_least));
  if (!next.step())
    throw store_error("next_number of '" + std::string(series) + "' returned nothing in '" +
                      m_db->path() + "'");
  return static_cast<std::uint64_t>(next.column_int(0));
}

std::optional<pledge> spatialite_store::find_pledge(const std::string& id) {
  std::vector<pledge> found = load_pledges_where("id = ?1", &id);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::optional<realization> spatialite_store::find_realization(const std::string& id) {
  std::vector<realization> found = load_realizations_where("id = ?1", &id);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::optional<target> spatialite_store::find_target(const std::string& id) {
  std::vector<target> found = load_targets_where("id = ?1 AND retired_at IS NULL", &id);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

}  // namespace geo
