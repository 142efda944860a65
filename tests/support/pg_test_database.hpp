#pragma once
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>

#include "geo/store/pg_connection.hpp"

namespace test_support {

/// The PostgreSQL server the tests may use (scripts/test.sh starts a private one,
/// tests/pg/pg_cluster.sh); nothing when SASARAN_TEST_PG_URL is unset, and the PostgreSQL
/// tests skip.
inline std::optional<std::string> test_pg_url() {
  const char* url = std::getenv("SASARAN_TEST_PG_URL");
  if (!url || !*url) return std::nullopt;
  return std::string(url);
}

inline constexpr const char* no_pg_url =
    "SASARAN_TEST_PG_URL is not set (scripts/test.sh starts a PostgreSQL for the tests)";

/// `url` with its database replaced by `database`.
inline std::string with_database(const std::string& url, const std::string& database) {
  const auto scheme = url.find("://");
  const auto path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  const auto query = url.find('?');
  const std::string head = url.substr(0, path == std::string::npos ? query : path);
  const std::string tail = query == std::string::npos ? "" : url.substr(query);
  return head + "/" + database + tail;
}

/// A database of its own for one test, on the server of SASARAN_TEST_PG_URL, dropped
/// afterwards. With `postgis_ready`, it is copied from a template that has PostGIS already
/// (one per server, made by the first test that needs it): CREATE EXTENSION postgis takes
/// about 1.5 s, a copy a quarter of that. Without, it is empty, as a new deployment's is.
class pg_test_database {
 public:
  explicit pg_test_database(const std::string& server_url, bool postgis_ready = true)
      : m_admin(server_url) {
    static std::atomic<int> counter{0};
    std::random_device random;
    m_name = "t_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
             std::to_string(random() % 100000);
    m_url = with_database(server_url, m_name);
    // Test processes run at once (ctest -j): they take turns to make the template and to copy
    // it, which PostgreSQL refuses while anyone is connected to it.
    m_admin.exec("SELECT pg_advisory_lock(7310371502)");
    try {
      if (postgis_ready) {
        if (m_admin.exec("SELECT 1 FROM pg_database WHERE datname = $1", {template_name}).size() ==
            0) {
          m_admin.exec(std::string("CREATE DATABASE ") + template_name);
          geo::pg_connection(with_database(server_url, template_name))
              .exec("CREATE EXTENSION IF NOT EXISTS postgis");
        }
        m_admin.exec("CREATE DATABASE " + m_name + " TEMPLATE " + template_name);
      } else {
        m_admin.exec("CREATE DATABASE " + m_name);
      }
    } catch (...) {
      m_admin.exec("SELECT pg_advisory_unlock(7310371502)");
      throw;
    }
    m_admin.exec("SELECT pg_advisory_unlock(7310371502)");
  }
  ~pg_test_database() {
    try {
      m_admin.exec("DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)");
    } catch (const geo::store_error&) {
      // The server is gone; the cluster goes with its folder.
    }
  }
  pg_test_database(const pg_test_database&) = delete;
  pg_test_database& operator=(const pg_test_database&) = delete;

  const std::string& url() const { return m_url; }

  /// Each row's first column, followed by a newline.
  std::string query(const std::string& sql) {
    if (!m_sql) m_sql.emplace(m_url);
    const geo::pg_rows rows = m_sql->exec(sql);
    std::string out;
    for (int i = 0; i < rows.size(); ++i)
      out += rows.text(i, 0) + "\n";
    return out;
  }

  /// Closes the connection query() uses (a test that drops or restarts things).
  void close_query_connection() { m_sql.reset(); }

 private:
  static constexpr const char* template_name = "sasaran_test_template";

  geo::pg_connection m_admin;
  std::string m_name;
  std::string m_url;
  std::optional<geo::pg_connection> m_sql;
};

}  // namespace test_support
