#include "geo/store/pg_connection.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <charconv>
#include <cstring>

namespace geo {
namespace {

void ignore_notice(void*, const char*) {}

// The first words of a statement, on one line, to say which one failed.
std::string statement_start(std::string_view sql) {
  std::string out;
  for (const char c : sql) {
    if (out.size() >= 60) break;
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

std::string trimmed(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  return s;
}

std::string where_of(pg_conn* conn) {
  const char* host = PQhost(conn);
  std::string h = host ? host : "";
  if (!h.empty() && h.front() == '/') h = "[" + h + "]";  // a unix socket folder
  return std::string("postgresql://") + PQuser(conn) + "@" + h + ":" + PQport(conn) + "/" +
         PQdb(conn);
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

pg_rows::~pg_rows() {
  PQclear(m_result);
}

int pg_rows::size() const {
  return PQntuples(m_result);
}

bool pg_rows::is_null(int row, int column) const {
  return PQgetisnull(m_result, row, column) != 0;
}

std::string_view pg_rows::view(int row, int column) const {
  return {PQgetvalue(m_result, row, column),
          static_cast<std::size_t>(PQgetlength(m_result, row, column))};
}

std::int64_t pg_rows::integer(int row, int column) const {
  const std::string_view v = view(row, column);
  std::int64_t n = 0;
  if (std::from_chars(v.data(), v.data() + v.size(), n).ec != std::errc())
    throw store_error("'" + std::string(v) + "' in column " + PQfname(m_result, column) +
                      " is not an integer");
  return n;
}

double pg_rows::real(int row, int column) const {
  const std::string_view v = view(row, column);
  double x = 0;
  if (std::from_chars(v.data(), v.data() + v.size(), x).ec != std::errc())
    throw store_error("'" + std::string(v) + "' in column " + PQfname(m_result, column) +
                      " is not a number");
  return x;
}

std::optional<std::int64_t> pg_rows::optional_integer(int row, int column) const {
  return is_null(row, column) ? std::nullopt : std::optional<std::int64_t>(integer(row, column));
}

std::optional<double> pg_rows::optional_real(int row, int column) const {
  return is_null(row, column) ? std::nullopt : std::optional<double>(real(row, column));
}

std::vector<unsigned char> pg_rows::bytes(int row, int column) const {
  const std::string_view v = view(row, column);
  if (v.size() < 2 || v[0] != '\\' || v[1] != 'x' || v.size() % 2 != 0)
    throw store_error(std::string("column ") + PQfname(m_result, column) +
                      " is not bytea in hex form");
  std::vector<unsigned char> out((v.size() - 2) / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int high = hex_digit(v[2 + 2 * i]);
    const int low = hex_digit(v[3 + 2 * i]);
    if (high < 0 || low < 0)
      throw store_error(std::string("column ") + PQfname(m_result, column) +
                        " is not bytea in hex form");
    out[i] = static_cast<unsigned char>(high * 16 + low);
  }
  return out;
}

std::int64_t pg_rows::affected() const {
  const char* n = PQcmdTuples(m_result);
  return n && *n ? std::stoll(n) : 0;
}

pg_param pg_value(std::string_view text) {
  return std::string(text);
}

pg_param pg_value(std::int64_t n) {
  return std::to_string(n);
}

pg_param pg_value(double x) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, x).ptr;
  return std::string(buffer, end);
}

pg_param pg_value(const std::optional<std::int64_t>& n) {
  return n ? pg_value(*n) : std::nullopt;
}

pg_param pg_value(const std::optional<double>& x) {
  return x ? pg_value(*x) : std::nullopt;
}

pg_param pg_value_or_null(std::string_view text) {
  return text.empty() ? std::nullopt : pg_value(text);
}

pg_param pg_text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const std::string& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (const char c : item) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

pg_connection::pg_connection(const std::string& url) {
  // A server that does not answer fails the connection after 10 s instead of hanging; the
  // URL's own connect_timeout, if any, wins (later keywords override earlier ones).
  const char* keywords[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"10", "sasaran", url.c_str(), nullptr};
  m_conn = PQconnectdbParams(keywords, values, 1);
  if (!m_conn) throw store_error("cannot connect to PostgreSQL: out of memory");
  if (PQstatus(m_conn) != CONNECTION_OK) {
    const std::string why = trimmed(PQerrorMessage(m_conn));
    PQfinish(m_conn);
    // The URL may hold a password: name the database by what libpq parsed, not the URL.
    PQconninfoOption* options = PQconninfoParse(url.c_str(), nullptr);
    std::string what = "the database";
    if (options) {
      std::string host, port, db;
      for (PQconninfoOption* o = options; o->keyword; ++o) {
        if (!o->val) continue;
        if (std::strcmp(o->keyword, "host") == 0) host = o->val;
        if (std::strcmp(o->keyword, "port") == 0) port = o->val;
        if (std::strcmp(o->keyword, "dbname") == 0) db = o->val;
      }
      PQconninfoFree(options);
      what = "postgresql://" + host + (port.empty() ? "" : ":" + port) + "/" + db;
    }
    throw store_error("cannot connect to " + what + ": " + why);
  }
  PQsetNoticeProcessor(m_conn, ignore_notice, nullptr);
  m_where = where_of(m_conn);
}

pg_connection::~pg_connection() {
  PQfinish(m_conn);
}

void pg_connection::fail(std::string_view what, pg_result* result) const {
  std::string message, sqlstate, constraint;
  if (result) {
    message = trimmed(PQresultErrorMessage(result));
    if (const char* s = PQresultErrorField(result, PG_DIAG_SQLSTATE)) sqlstate = s;
    if (const char* c = PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME)) constraint = c;
    PQclear(result);
  }
  if (message.empty()) message = trimmed(PQerrorMessage(m_conn));
  // libpq puts the severity first ("ERROR:  duplicate key ..."): one space is enough.
  if (const auto at = message.find(":  "); at != std::string::npos && at < 8)
    message.erase(at + 1, 1);
  if (const auto line = message.find('\n'); line != std::string::npos) {
    // DETAIL and LINE follow on their own lines; keep DETAIL (it names the key), on one line.
    std::string rest = message.substr(line + 1);
    message.erase(line);
    if (const auto detail = rest.find("DETAIL:"); detail != std::string::npos) {
      const auto end = rest.find('\n', detail);
      std::string line_of_detail =
          rest.substr(detail, end == std::string::npos ? end : end - detail);
      if (line_of_detail.starts_with("DETAIL:  ")) line_of_detail.erase(7, 1);
      message += "; " + line_of_detail;
    }
  }
  throw pg_error("'" + statement_start(what) + "' failed in " + m_where + ": " + message +
                     (sqlstate.empty() ? "" : " (SQLSTATE " + sqlstate + ")"),
                 sqlstate, constraint);
}

pg_rows pg_connection::exec(const std::string& sql, const std::vector<pg_param>& params) {
  std::vector<const char*> values(params.size());
  for (std::size_t i = 0; i < params.size(); ++i)
    values[i] = params[i] ? params[i]->c_str() : nullptr;
  const auto run = [&] {
    return PQexecParams(m_conn, sql.c_str(), static_cast<int>(params.size()), nullptr,
                        values.data(), nullptr, nullptr, 0);
  };
  const auto failed = [](pg_result* r) {
    const ExecStatusType status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    return status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK;
  };
  const bool idle = PQtransactionStatus(m_conn) == PQTRANS_IDLE;
  pg_result* result = run();
  // A session the server ended (a restart, pg_terminate_backend) shows only when used. Outside
  // a transaction the statement is run once more on a new session: the store runs nothing
  // there but reads and BEGIN, which are safe to repeat.
  if (failed(result) && idle && PQstatus(m_conn) == CONNECTION_BAD) {
    PQclear(result);
    PQreset(m_conn);
    if (PQstatus(m_conn) != CONNECTION_OK) fail(sql, nullptr);
    PQsetNoticeProcessor(m_conn, ignore_notice, nullptr);
    result = run();
  }
  if (failed(result)) fail(sql, result);
  return pg_rows(result);
}

void pg_connection::exec_script(const std::string& sql) {
  pg_result* result = PQexec(m_conn, sql.c_str());
  const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(sql, result);
  PQclear(result);
}

void pg_connection::copy_in(const std::string& copy_sql, std::string_view data) {
  pg_result* start = PQexec(m_conn, copy_sql.c_str());
  if (!start || PQresultStatus(start) != PGRES_COPY_IN) fail(copy_sql, start);
  PQclear(start);
  // libpq queues what it cannot send at once; large pieces keep the calls few.
  constexpr std::size_t piece = 1 << 20;
  for (std::size_t at = 0; at < data.size(); at += piece) {
    const std::size_t n = std::min(piece, data.size() - at);
    if (PQputCopyData(m_conn, data.data() + at, static_cast<int>(n)) != 1) {
      PQputCopyEnd(m_conn, "sending failed");
      while (pg_result* r = PQgetResult(m_conn))
        PQclear(r);
      fail(copy_sql, nullptr);
    }
  }
  if (PQputCopyEnd(m_conn, nullptr) != 1) fail(copy_sql, nullptr);
  pg_result* end = PQgetResult(m_conn);
  const bool ok = end && PQresultStatus(end) == PGRES_COMMAND_OK;
  // Every result of the COPY is read, or the connection stays busy.
  while (pg_result* more = PQgetResult(m_conn))
    PQclear(more);
  if (!ok) fail(copy_sql, end);
  PQclear(end);
}

void pg_connection::reconnect_if_lost() {
  if (PQstatus(m_conn) == CONNECTION_OK) return;
  PQreset(m_conn);
  if (PQstatus(m_conn) != CONNECTION_OK)
    throw store_error("cannot connect to " + m_where +
                      " again: " + trimmed(PQerrorMessage(m_conn)));
  PQsetNoticeProcessor(m_conn, ignore_notice, nullptr);
}

bool pg_connection::transaction_failed() const {
  return PQtransactionStatus(m_conn) == PQTRANS_INERROR;
}

std::vector<std::string> pg_connection::take_notifications() {
  std::vector<std::string> out;
  while (PGnotify* n = PQnotifies(m_conn)) {
    out.emplace_back(n->extra ? n->extra : "");
    PQfreemem(n);
  }
  return out;
}

std::vector<std::string> pg_connection::wait_for_notifications(
    std::chrono::steady_clock::time_point until) {
  if (PQconsumeInput(m_conn) != 1) fail("waiting for notifications", nullptr);
  std::vector<std::string> out = take_notifications();
  while (out.empty()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd fd{PQsocket(m_conn), POLLIN, 0};
    if (fd.fd < 0) fail("waiting for notifications", nullptr);
    const int ready = ::poll(&fd, 1, static_cast<int>(std::min<long>(left.count(), 60'000)));
    if (ready < 0 && errno != EINTR)
      throw store_error("waiting for notifications from " + m_where + ": " + std::strerror(errno));
    if (ready > 0) {
      if (PQconsumeInput(m_conn) != 1) fail("waiting for notifications", nullptr);
      out = take_notifications();
    }
  }
  return out;
}

}  // namespace geo
