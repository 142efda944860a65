#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geo/error.hpp"

// libpq's handles, declared as libpq-fe.h declares them: no header of the store shows libpq.
struct pg_conn;
struct pg_result;

namespace geo {

/// An error PostgreSQL reported, with its SQLSTATE (23505 unique violation, 40P01 deadlock,
/// 08006 connection failure, ...) and the constraint it names, if any, so that the store can
/// tell a conflict it expects from a failure.
class pg_error : public store_error {
 public:
  pg_error(const std::string& message, std::string sqlstate, std::string constraint)
      : store_error(message),
        m_sqlstate(std::move(sqlstate)),
        m_constraint(std::move(constraint)) {}
  const std::string& sqlstate() const noexcept { return m_sqlstate; }
  const std::string& constraint() const noexcept { return m_constraint; }

 private:
  std::string m_sqlstate;
  std::string m_constraint;
};

/// The rows of one statement (owns its PGresult). Columns come in PostgreSQL's text form.
class pg_rows {
 public:
  explicit pg_rows(pg_result* result) : m_result(result) {}
  ~pg_rows();
  pg_rows(pg_rows&& other) noexcept : m_result(other.m_result) { other.m_result = nullptr; }
  pg_rows& operator=(pg_rows&&) = delete;
  pg_rows(const pg_rows&) = delete;
  pg_rows& operator=(const pg_rows&) = delete;

  int size() const;
  bool is_null(int row, int column) const;
  /// The text of a value; empty for NULL.
  std::string_view view(int row, int column) const;
  std::string text(int row, int column) const { return std::string(view(row, column)); }
  std::int64_t integer(int row, int column) const;
  double real(int row, int column) const;
  std::optional<std::int64_t> optional_integer(int row, int column) const;
  std::optional<double> optional_real(int row, int column) const;
  bool boolean(int row, int column) const { return view(row, column) == "t"; }
  /// A bytea value (PostgreSQL's hex text form, \x...), decoded.
  std::vector<unsigned char> bytes(int row, int column) const;
  /// How many rows an INSERT, UPDATE or DELETE touched.
  std::int64_t affected() const;

 private:
  pg_result* m_result;
};

/// A statement parameter in PostgreSQL's text form; nullopt is NULL.
using pg_param = std::optional<std::string>;

pg_param pg_value(std::string_view text);
pg_param pg_value(std::int64_t n);
/// The shortest text that reads back as the same double.
pg_param pg_value(double x);
pg_param pg_value(const std::optional<std::int64_t>& n);
pg_param pg_value(const std::optional<double>& x);
/// NULL for an empty text (the store keeps "no code" as NULL, as the SQLite store does).
pg_param pg_value_or_null(std::string_view text);
/// A text[] literal: {"a","b"} with quotes and backslashes escaped.
pg_param pg_text_array(const std::vector<std::string>& items);

/// One libpq connection. Statements run with PQexecParams (text parameters, text results);
/// a failed one throws pg_error "'<statement>' failed in <where>: <message> (SQLSTATE x)".
/// Notices (CREATE ... IF NOT EXISTS skipping) are dropped: the store's log is its errors.
class pg_connection {
 public:
  /// Connects to `url` (postgresql://user@host:port/db, or any libpq connection string);
  /// store_error naming the server when it cannot.
  explicit pg_connection(const std::string& url);
  ~pg_connection();
  pg_connection(const pg_connection&) = delete;
  pg_connection& operator=(const pg_connection&) = delete;

  pg_rows exec(const std::string& sql, const std::vector<pg_param>& params = {});
  /// Runs one or more statements without parameters (schema scripts).
  void exec_script(const std::string& sql);
  /// Runs `copy_sql` (COPY ... FROM STDIN) and sends `data`, in COPY's text format.
  void copy_in(const std::string& copy_sql, std::string_view data);

  /// After the server went away (a restart, the network): connects again, so that the next
  /// statement runs on a new session. Call outside a transaction only; store_error when the
  /// server is still unreachable.
  void reconnect_if_lost();

  /// Whether the current transaction failed (a statement errored): it can only roll back, and
  /// PostgreSQL would turn a COMMIT into a rollback without an error.
  bool transaction_failed() const;

  /// Waits until a notification of a LISTENed channel arrives or `until` passes; the payloads
  /// of those received (empty when none came in time).
  std::vector<std::string> wait_for_notifications(std::chrono::steady_clock::time_point until);

  /// The server and database, for messages: postgresql://user@host:port/db (no password).
  const std::string& where() const { return m_where; }

 private:
  [[noreturn]] void fail(std::string_view what, pg_result* result) const;
  std::vector<std::string> take_notifications();

  pg_conn* m_conn = nullptr;
  std::string m_where;
};

}  // namespace geo
