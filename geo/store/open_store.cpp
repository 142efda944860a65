#include "geo/store/open_store.hpp"

#include <chrono>

#include "geo/error.hpp"
#include "geo/store/postgres_store.hpp"
#include "geo/store/spatialite_store.hpp"
#include "geo/store/sqlite_db.hpp"

namespace geo {
namespace {

std::unique_ptr<store> open_spatialite(const std::string& path, store_use use) {
  auto opened = std::make_unique<spatialite_store>(path, use == store_use::import
                                                             ? spatialite_store::journal::bulk
                                                             : spatialite_store::journal::wal);
  if (use == store_use::serve)
    // SQLite would otherwise checkpoint inside whichever commit crosses 1,000 pages of log,
    // adding a second fsync to that request; the server's upkeep thread does it instead.
    // The import's 256 MB page cache would keep every page the load read (~90 MB of heap for
    // Jakarta) for the server's life; a server reads the store once at load, then writes and
    // reads a few rows per request.
    opened->db().exec("PRAGMA wal_autocheckpoint = 0; PRAGMA cache_size = -8192");
  if (use != store_use::admin) opened->wait_for_writers(std::chrono::minutes(2));
  return opened;
}

}  // namespace

std::unique_ptr<store> open_store(const std::string& db, store_use use) {
  // A PostgreSQL server waits for other writers itself and checkpoints by itself: every use
  // opens it alike.
  if (is_postgres_url(db)) return std::make_unique<postgres_store>(db);
  return open_spatialite(db, use);
}

bool is_postgres_url(std::string_view db) {
  return db.starts_with("postgresql://") || db.starts_with("postgres://");
}

std::string shown_store_name(std::string_view db) {
  if (!is_postgres_url(db)) return std::string(db);
  // postgresql://user:password@host/db: the password sits between the first ':' after the
  // scheme and the last '@' of the authority (before any '/', '?' or '#').
  const std::size_t from = db.find("://") + 3;
  const std::size_t authority_end = db.find_first_of("/?#", from);
  const std::string_view authority =
      db.substr(from, authority_end == std::string_view::npos ? db.npos : authority_end - from);
  const std::size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(db);
  const std::size_t colon = authority.substr(0, at).find(':');
  if (colon == std::string_view::npos) return std::string(db);
  return std::string(db.substr(0, from + colon)) + std::string(db.substr(from + at));
}

}  // namespace geo
