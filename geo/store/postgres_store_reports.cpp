// What `sasaran report`, `sasaran token` and the server's upkeep read from a PostgreSQL store:
// the same answers as spatialite_store's, in the same (byte) order.
#include <limits>

#include "geo/store/pg_connection.hpp"
#include "geo/store/postgres_store.hpp"
#include "geo/store/postgres_store_detail.hpp"

namespace geo {
namespace {

// The filter's layer ('' for every layer) and outcome (NULL for every outcome) as $1 and $2.
std::vector<pg_param> filter_params(const issue_filter& filter) {
  return {pg_value(filter.layer),
          filter.only ? pg_value(to_string(*filter.only)) : pg_param(std::nullopt)};
}

std::int64_t as_bigint(std::size_t n) {
  constexpr auto most = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(std::min(n, most));
}

}  // namespace

std::vector<issue_count> postgres_store::count_issues(const issue_filter& filter) {
  const std::lock_guard lock(m_mutex);
  ready();
  // COLLATE "C": byte order, as SQLite sorts, whatever the database's collation.
  const pg_rows rows = m_db->exec(R"sql(
    SELECT layer, outcome, reason, count(*) FROM import_issues
    WHERE ($1 = '' OR layer = $1) AND ($2::text IS NULL OR outcome = $2)
    GROUP BY layer, outcome, reason
    ORDER BY layer COLLATE "C", outcome COLLATE "C", reason COLLATE "C")sql",
                                  filter_params(filter));
  std::vector<issue_count> out;
  for (int i = 0; i < rows.size(); ++i)
    out.push_back({rows.text(i, 0), pg_detail::parse_outcome(rows.view(i, 1)), rows.text(i, 2),
                   static_cast<std::size_t>(rows.integer(i, 3))});
  return out;
}

std::vector<layer_issue> postgres_store::load_issues(const issue_filter& filter, std::size_t limit,
                                                     std::size_t offset) {
  const std::lock_guard lock(m_mutex);
  ready();
  std::vector<pg_param> params = filter_params(filter);
  params.push_back(pg_value(as_bigint(limit)));
  params.push_back(pg_value(as_bigint(offset)));
  const pg_rows rows = m_db->exec(R"sql(
    SELECT layer, row, coalesce(key, ''), outcome, reason, message, raw FROM import_issues
    WHERE ($1 = '' OR layer = $1) AND ($2::text IS NULL OR outcome = $2)
    ORDER BY layer COLLATE "C", row LIMIT $3 OFFSET $4)sql",
                                  params);
  std::vector<layer_issue> out;
  for (int i = 0; i < rows.size(); ++i) {
    layer_issue found;
    found.layer = rows.text(i, 0);
    import_issue& issue = found.issue;
    issue.row = static_cast<std::size_t>(rows.integer(i, 1));
    issue.key = rows.text(i, 2);
    issue.result = pg_detail::parse_outcome(rows.view(i, 3));
    issue.reason = rows.text(i, 4);
    issue.message = rows.text(i, 5);
    issue.raw = rows.text(i, 6);
    out.push_back(std::move(found));
  }
  return out;
}

bool postgres_store::has_area(const std::string& code) {
  const std::lock_guard lock(m_mutex);
  ready();
  return m_db->exec("SELECT 1 FROM areas WHERE code = $1", {pg_value(code)}).size() > 0;
}

std::optional<collaborator> postgres_store::find_collaborator(const std::string& id) {
  const std::lock_guard lock(m_mutex);
  ready();
  const pg_rows rows =
      m_db->exec("SELECT id, name, kind, lon, lat, source_row FROM collaborators WHERE id = $1",
                 {pg_value(id)});
  if (rows.size() == 0) return std::nullopt;
  return collaborator{rows.text(0, 0),          rows.text(0, 1),
                      rows.text(0, 2),          rows.optional_real(0, 3),
                      rows.optional_real(0, 4), static_cast<std::size_t>(rows.integer(0, 5))};
}

// PostgreSQL checkpoints by itself (checkpoint_timeout, max_wal_size); nothing is ours to do.
void postgres_store::checkpoint() {}

}  // namespace geo
