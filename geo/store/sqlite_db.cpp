#include "geo/store/sqlite_db.hpp"

#include <sqlite3.h>
// SpatiaLite's header needs sqlite3.h first.
#include <spatialite.h>

#include "geo/error.hpp"
#include "geo/store/sqlite_statement.hpp"

namespace geo {

sqlite_db::sqlite_db(const std::string& path) : m_path(path) {
  const int rc =
      sqlite3_open_v2(path.c_str(), &m_db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string why = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
    sqlite3_close(m_db);
    throw store_error("cannot open database '" + path + "': " + why);
  }
  sqlite3_extended_result_codes(m_db, 1);
  sqlite3_busy_timeout(m_db, 5000);
  m_spatialite_cache = spatialite_alloc_connection();
  spatialite_init_ex(m_db, m_spatialite_cache, 0);
}

sqlite_db::~sqlite_db() {
  sqlite3_close_v2(m_db);
  spatialite_cleanup_ex(m_spatialite_cache);
}

void sqlite_db::exec(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string why = message ? message : sqlite3_errmsg(m_db);
    sqlite3_free(message);
    throw store_error("'" + sql.substr(0, 60) + "' failed in '" + m_path + "': " + why);
  }
}

sqlite_statement sqlite_db::prepare(const std::string& sql) {
  return {*this, sql};
}

void sqlite_db::fail(const std::string& what) const {
  throw store_error(what + " in '" + m_path + "': " + sqlite3_errmsg(m_db));
}

}  // namespace geo
