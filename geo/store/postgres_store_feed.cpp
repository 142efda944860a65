// The change feed of the shared store: the changes every write appends (in commit order,
// under change_head's row lock), their notifications, the serials of new ids, and the
// records a following server reads back.
#include <thread>

#include "geo/error.hpp"
#include "geo/store/pg_connection.hpp"
#include "geo/store/postgres_store.hpp"
#include "geo/store/postgres_store_detail.hpp"

namespace geo {

std::int64_t postgres_store::last_change() {
  const std::lock_guard lock(m_mutex);
  ready();
  return m_db->exec("SELECT coalesce(max(seq), 0) FROM changes").integer(0, 0);
}

std::vector<store_change> postgres_store::changes_after(std::int64_t seq, std::size_t limit) {
  const std::lock_guard lock(m_mutex);
  ready();
  const pg_rows rows =
      m_db->exec("SELECT seq, kind, key FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2",
                 {pg_value(seq), pg_value(pg_detail::to_int(std::min<std::size_t>(
                                     limit, static_cast<std::size_t>(INT64_MAX))))});
  std::vector<store_change> out;
  out.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i)
    out.push_back({rows.integer(i, 0), rows.text(i, 1), rows.text(i, 2)});
  return out;
}

// Inside a write transaction, a pledge is read to decide the write (the ledger's cancel and
// realize): under READ COMMITTED, another server could change it between this read and our
// write, so the read waits to be the writer first; then nothing changes it until we commit.
std::optional<pledge> postgres_store::find_pledge(const std::string& id) {
  const std::lock_guard lock(m_mutex);
  if (m_in_transaction && !m_read_only) become_writer();
  std::vector<pledge> found = load_pledges_where("id = $1", {id});
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::optional<realization> postgres_store::find_realization(const std::string& id) {
  std::vector<realization> found = load_realizations_where("id = $1", {id});
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::optional<target> postgres_store::find_target(const std::string& id) {
  std::vector<target> found = load_targets_where("retired_at IS NULL AND id = $1", {id});
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

void postgres_store::wait_for_change(std::int64_t seq, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  // One waiter listens at a time; the others wait their turn, or their timeout.
  std::unique_lock listening(m_listen_mutex, std::defer_lock);
  if (!listening.try_lock_until(deadline)) return;
  try {
    if (!m_listener) {
      auto listener = std::make_unique<pg_connection>(m_url);
      listener->exec("LISTEN sasaran_changes");
      m_listener = std::move(listener);
    }
    // Listening before reading: a commit after the read below sends a notification that the
    // wait sees, so none falls between the two.
    m_listener->wait_for_notifications(std::chrono::steady_clock::now());
    if (m_listener->exec("SELECT coalesce(max(seq), 0) FROM changes").integer(0, 0) > seq) return;
    while (std::chrono::steady_clock::now() < deadline)
      for (const std::string& payload : m_listener->wait_for_notifications(deadline))
        if (payload.empty() || std::stoll(payload) > seq) return;
  } catch (const std::exception&) {
    // The server went away: the caller reads the feed when the timeout is over (and learns of
    // the failure there), and the next wait connects again.
    m_listener.reset();
    std::this_thread::sleep_until(deadline);
  }
}

std::uint64_t postgres_store::next_number(std::string_view series, std::uint64_t at_least) {
  const std::lock_guard lock(m_mutex);
  if (!m_in_transaction)
    throw store_error("next_number of '" + std::string(series) + "' outside a transaction in " +
                      m_db->where());
  become_writer();
  // The series' row stays locked until commit: a second server waits, then reads our `last`.
  const pg_rows next =
      m_db->exec(R"sql(
    INSERT INTO serials(series, last) VALUES ($1, $2)
    ON CONFLICT (series) DO UPDATE SET last = greatest(serials.last + 1, excluded.last)
    RETURNING last)sql",
                 {pg_value(series), pg_value(static_cast<std::int64_t>(at_least))});
  return static_cast<std::uint64_t>(next.integer(0, 0));
}

}  // namespace geo
