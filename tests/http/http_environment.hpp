#pragma once
#include <gtest/gtest.h>
#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace test_support {

class pg_test_database;

/// The one server every HTTP test talks to (a gtest global environment, set up once per run of
/// sasaran_http_tests): the Jakarta data imported with the real CLI into a temporary folder,
/// one bearer token per role made with `sasaran token create`, and `sasaran serve` started as
/// a child process on a free port. Torn down with SIGTERM, which must end the server with exit
/// status 0 within 10 s; a server log with a failed request (a 500) fails the run.
/// With SASARAN_HTTP_STORE=postgres the store is a fresh database on the PostgreSQL server of
/// SASARAN_TEST_PG_URL instead of a SQLite file, and db_path() is its postgresql:// URL.
class http_environment : public ::testing::Environment {
 public:
  http_environment();
  ~http_environment() override;

  /// The registered environment.
  static http_environment& get();

  void SetUp() override;
  void TearDown() override;

  /// "http://127.0.0.1:PORT"
  const std::string& base_url() const { return m_base_url; }
  /// The secret of the token made for a role: collaborator, aggregator, planner, pic, admin.
  const std::string& token(const std::string& role) const;
  /// "Authorization: Bearer <secret>", the header for a role's token.
  std::string authorization(const std::string& role) const;
  /// The kelurahan a PIC token handles, and the collaborators the collaborator and aggregator
  /// tokens act for.
  const std::string& pic_area() const { return m_pic_area; }
  const std::string& collaborator_of(const std::string& role) const;
  /// The store every server and CLI command is given with --db: a SQLite file's path, or a
  /// postgresql:// URL when on_postgres().
  const std::string& db_path() const { return m_db; }
  bool on_postgres() const { return m_pg != nullptr; }
  /// The temporary folder holding the logs (and the SQLite file).
  const std::string& dir() const { return m_dir; }
  const std::string& datasets_root() const { return m_datasets; }
  pid_t pid() const { return m_pid; }
  /// Everything the server has written to stderr so far.
  std::string server_log() const;

  /// Kills the server with SIGKILL (no chance to tidy up), waits for it, and starts it again
  /// over the same database on a new free port (base_url changes).
  void restart_after_sigkill();

 private:
  void import_jakarta();
  void create_tokens();
  void start_server();
  void stop_server();

  std::string m_dir;
  std::string m_db;
  std::unique_ptr<pg_test_database> m_pg;  // the store, with SASARAN_HTTP_STORE=postgres
  std::string m_datasets;
  std::string m_base_url;
  std::string m_pic_area;
  std::map<std::string, std::string> m_tokens;         // role -> secret
  std::map<std::string, std::string> m_collaborators;  // role -> collaborator id
  pid_t m_pid = -1;
  int m_stdout = -1;  // the read end of the server's stdout, kept open while it runs
};

/// A second `sasaran serve` over a copy of the environment's database, for tests that change
/// data behind a server (imports): the copy is a consistent snapshot (VACUUM INTO; on
/// PostgreSQL pg_dump into a database of its own), the server starts on a free port and stops
/// with SIGTERM when this is destroyed.
class served_copy {
 public:
  /// `name` names the folder under the environment's; fails the test when the server does not
  /// start.
  explicit served_copy(const std::string& name);
  ~served_copy();
  served_copy(const served_copy&) = delete;
  served_copy& operator=(const served_copy&) = delete;

  const std::string& base_url() const { return m_base_url; }
  const std::string& db_path() const { return m_db; }
  const std::string& dir() const { return m_dir; }
  /// Runs `sasaran ARGS` (an import, a token command) to its end: exit code and stdout.
  std::pair<int, std::string> run(const std::vector<std::string>& args) const;
  /// Everything the server has written to stderr so far.
  std::string server_log() const;

  /// Starts one more `sasaran serve` over the same database (several servers sharing one
  /// store, its stderr in serve-N.log); its base URL, empty (and the test failed) when it did
  /// not start. Stopped with the first.
  std::string serve_another();
  /// Everything server `n` (0: the first) has written to stderr so far.
  std::string server_log(std::size_t n) const;

 private:
  struct server {
    pid_t pid = -1;
    int out = -1;
    std::string base_url;
  };
  server start(const std::string& log);

  std::string m_dir;
  std::unique_ptr<pg_test_database> m_pg;  // the copy, when the environment is on PostgreSQL
  std::string m_db;
  std::string m_base_url;
  std::vector<server> m_servers;
};

}  // namespace test_support

/// Skips the test when the HTTP suite runs against PostgreSQL (SASARAN_HTTP_STORE=postgres),
/// saying why: for tests about the SQLite file itself, or that read it with SQL.
#define SASARAN_SKIP_ON_POSTGRES(why)                        \
  if (::test_support::http_environment::get().on_postgres()) \
  GTEST_SKIP() << "on PostgreSQL (SASARAN_HTTP_STORE=postgres): " << why
