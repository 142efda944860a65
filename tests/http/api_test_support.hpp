#pragma once
// Shared by the /api/v1 tests: JSON requests against the test server, and SQL reads of its
// database, for answers computed independently of the server.
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <numbers>
#include <stdexcept>
#include <string>

#include "geo/store.hpp"
#include "geo/store/open_store.hpp"
#include "geo/store/pg_connection.hpp"
#include "geo/store/sqlite_db.hpp"
#include "geo/store/sqlite_statement.hpp"
#include "tests/http/http_environment.hpp"
#include "tests/support/http_client.hpp"

namespace api_test {

using nlohmann::json;
using test_support::http_environment;
using test_support::http_response;

inline http_environment& env() {
  return http_environment::get();
}

/// A GET or POST of `path` (with its query) as a role ("" for anonymous).
inline http_response get(test_support::http_client& client, const std::string& path,
                         const std::string& role = "", test_support::http_headers headers = {}) {
  if (!role.empty()) headers.push_back(env().authorization(role));
  return client.get(env().base_url() + path, headers);
}

inline http_response post(test_support::http_client& client, const std::string& path,
                          const json& body, const std::string& role,
                          test_support::http_headers headers = {}) {
  if (!role.empty()) headers.push_back(env().authorization(role));
  headers.push_back("Content-Type: application/json");
  return client.post(env().base_url() + path, body.dump(), headers);
}

inline json body_of(const http_response& r) {
  return json::parse(r.body);
}

/// The test server's store, read through the store interface: SQLite or PostgreSQL, as the
/// server's (SASARAN_HTTP_STORE).
inline geo::store& stored() {
  static const std::unique_ptr<geo::store> s =
      geo::open_store(env().db_path(), geo::store_use::admin);
  return *s;
}

/// Runs `sql` (plain SQL both stores understand) on the test server's database, behind the
/// server's back: to put a row in a state no request can (an expiry in the past).
inline geo::sqlite_db& database();
inline void change_behind_the_server(const std::string& sql) {
  if (env().on_postgres())
    geo::pg_connection(env().db_path()).exec(sql);
  else
    database().exec(sql);
}

/// The test server's database, read with SQL (SpatiaLite loaded). Only on SQLite: a test that
/// uses it starts with SASARAN_SKIP_ON_POSTGRES.
inline geo::sqlite_db& database() {
  if (env().on_postgres())
    throw std::logic_error(
        "database() reads the SQLite file, and the store is PostgreSQL: start the test with "
        "SASARAN_SKIP_ON_POSTGRES, or read through stored()");
  static geo::sqlite_db db(env().db_path());
  return db;
}

/// "z/x/y" of the Web Mercator tile holding (lon, lat) at zoom z.
inline std::string tile_path(double lon, double lat, int z) {
  const double n = std::exp2(z);
  const double phi = lat * std::numbers::pi / 180;
  const auto x = static_cast<long>((lon + 180) / 360 * n);
  const auto y = static_cast<long>((1 - std::asinh(std::tan(phi)) / std::numbers::pi) / 2 * n);
  return std::to_string(z) + "/" + std::to_string(x) + "/" + std::to_string(y);
}

}  // namespace api_test
