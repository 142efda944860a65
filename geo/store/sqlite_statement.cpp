#include "geo/store/sqlite_statement.hpp"

#include <utility>

#include "geo/store/sqlite_db.hpp"

namespace geo {

sqlite_statement::sqlite_statement(const sqlite_db& db, const std::string& sql)
    : m_db(&db), m_stmt(nullptr) {
  if (sqlite3_prepare_v2(db.get(), sql.c_str(), static_cast<int>(sql.size()), &m_stmt, nullptr) !=
      SQLITE_OK)
    db.fail("preparing '" + sql.substr(0, 60) + "'");
}

sqlite_statement::~sqlite_statement() {
  sqlite3_finalize(m_stmt);
}

sqlite_statement::sqlite_statement(sqlite_statement&& other) noexcept
    : m_db(other.m_db), m_stmt(std::exchange(other.m_stmt, nullptr)) {}

sqlite_statement& sqlite_statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(m_stmt, index, value) != SQLITE_OK) m_db->fail("binding");
  return *this;
}

sqlite_statement& sqlite_statement::bind(int index, double value) {
  if (sqlite3_bind_double(m_stmt, index, value) != SQLITE_OK) m_db->fail("binding");
  return *this;
}

sqlite_statement& sqlite_statement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text64(m_stmt, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8) !=
      SQLITE_OK)
    m_db->fail("binding");
  return *this;
}

sqlite_statement& sqlite_statement::bind(int index, std::span<const unsigned char> blob) {
  if (sqlite3_bind_blob64(m_stmt, index, blob.data(), blob.size(), SQLITE_TRANSIENT) != SQLITE_OK)
    m_db->fail("binding");
  return *this;
}

sqlite_statement& sqlite_statement::bind_view(int index, std::string_view text) {
  if (sqlite3_bind_text64(m_stmt, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8) !=
      SQLITE_OK)
    m_db->fail("binding");
  return *this;
}

sqlite_statement& sqlite_statement::bind_view(int index, std::span<const unsigned char> blob) {
  if (sqlite3_bind_blob64(m_stmt, index, blob.data(), blob.size(), SQLITE_STATIC) != SQLITE_OK)
    m_db->fail("binding");
  return *this;
}

sqlite_statement& sqlite_statement::bind_null(int index) {
  if (sqlite3_bind_null(m_stmt, index) != SQLITE_OK) m_db->fail("binding");
  return *this;
}

bool sqlite_statement::step() {
  const int rc = sqlite3_step(m_stmt);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const std::string sql = sqlite3_sql(m_stmt);
  sqlite3_reset(m_stmt);
  m_db->fail("'" + sql.substr(0, 60) + "'");
}

void sqlite_statement::run() {
  while (step()) {
  }
  reset();
}

void sqlite_statement::reset() {
  sqlite3_reset(m_stmt);
  sqlite3_clear_bindings(m_stmt);
}

bool sqlite_statement::is_null(int column) const {
  return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

std::int64_t sqlite_statement::column_int(int column) const {
  return sqlite3_column_int64(m_stmt, column);
}

double sqlite_statement::column_double(int column) const {
  return sqlite3_column_double(m_stmt, column);
}

std::string sqlite_statement::column_text(int column) const {
  const auto* text = sqlite3_column_text(m_stmt, column);
  return text ? std::string(reinterpret_cast<const char*>(text),
                            static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column)))
              : std::string();
}

std::span<const unsigned char> sqlite_statement::column_blob(int column) const {
  const auto* data = static_cast<const unsigned char*>(sqlite3_column_blob(m_stmt, column));
  return {data, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column))};
}

}  // namespace geo
