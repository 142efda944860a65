#include "tests/http/http_environment.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "geo/store/sqlite_db.hpp"
#include "tests/support/pg_test_database.hpp"

extern char** environ;

namespace test_support {
namespace {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

struct child {
  pid_t pid = -1;
  int stdout_fd = -1;  // read end
};

// Starts SASARAN_BINARY with `args`, stdout into a pipe, stderr appended to `log`.
child spawn_sasaran(const std::vector<std::string>& args, const std::string& log) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return {};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  std::vector<std::string> all = {SASARAN_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : all)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  child c;
  if (posix_spawn(&c.pid, SASARAN_BINARY, &actions, nullptr, argv.data(), environ) != 0) c.pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  c.stdout_fd = fds[0];
  return c;
}

// Reads what is left on `fd` (until the writer closes it).
std::string read_all(int fd) {
  std::string out;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof buffer)) > 0)
    out.append(buffer, static_cast<std::size_t>(n));
  return out;
}

struct cli_result {
  int exit_code = -1;
  std::string out;
};

cli_result run_sasaran(const std::vector<std::string>& args, const std::string& log) {
  child c = spawn_sasaran(args, log);
  if (c.pid < 0) return {};
  cli_result r;
  r.out = read_all(c.stdout_fd);
  close(c.stdout_fd);
  int status = 0;
  waitpid(c.pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// Reads one line from `fd` before `deadline`; nothing on timeout or end of file (then `why`
// says which).
std::optional<std::string> read_line(int fd, clock_type::time_point deadline, std::string& why) {
  std::string line;
  for (char ch = 0;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
    if (left.count() <= 0) {
      why = "timed out";
      return {};
    }
    pollfd p{fd, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) {
      why = std::string("poll failed: ") + std::strerror(errno);
      return {};
    }
    if (ready == 0) continue;
    const ssize_t n = read(fd, &ch, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n != 1) {
      why = n == 0 ? "its stdout closed" : std::string("read failed: ") + std::strerror(errno);
      return {};
    }
    if (ch == '\n') return line;
    line += ch;
  }
}

// "running", "exited with status N" or "killed by signal N" (reaping it when it ended).
std::string child_state(pid_t pid) {
  int status = 0;
  const pid_t done = waitpid(pid, &status, WNOHANG);
  if (done == 0) return "running";
  if (done < 0) return std::string("unknown: ") + std::strerror(errno);
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "exited with status " + std::to_string(WEXITSTATUS(status));
}

std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

std::string tail(const std::string& file, std::size_t bytes = 4000) {
  std::ifstream in(file);
  std::stringstream all;
  all << in.rdbuf();
  const std::string s = all.str();
  return s.size() > bytes ? s.substr(s.size() - bytes) : s;
}

// (id, kind) of every collaborator in the dataset's CSV, in file order.
std::vector<std::pair<std::string, std::string>> collaborators(const std::string& datasets) {
  std::ifstream in(datasets + "/jakarta/collaborators.csv");
  std::vector<std::pair<std::string, std::string>> out;
  std::string line;
  std::getline(in, line);  // header: id,name,kind,lon,lat
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream row(line);
    for (std::string cell; std::getline(row, cell, ',');)
      cells.push_back(cell);
    if (cells.size() >= 3) out.emplace_back(cells[0], cells[2]);
  }
  return out;
}

::testing::Environment* const registered =
    ::testing::AddGlobalTestEnvironment(new http_environment);

// Whether SASARAN_HTTP_STORE asks for PostgreSQL ("sqlite", or unset, for a SQLite file).
bool wants_postgres() {
  const char* store = std::getenv("SASARAN_HTTP_STORE");
  return store && std::string_view(store) == "postgres";
}

// `from` copied into `to` (both postgresql:// URLs) with pg_dump and psql: CREATE DATABASE
// ... TEMPLATE would be quicker but is refused while the environment's server is connected.
bool copy_pg_database(const std::string& from, const std::string& to, const std::string& log) {
  const std::string bin = "/usr/lib/postgresql/15/bin/";
  const std::string dump = fs::path(log).parent_path() / "copy.sql";
  const std::string command = bin + "pg_dump --no-owner -f '" + dump + "' '" + from + "' >>'" +
                              log + "' 2>&1 && " + bin + "psql -q -v ON_ERROR_STOP=1 -f '" + dump +
                              "' '" + to + "' >>'" + log + "' 2>&1";
  return std::system(command.c_str()) == 0;
}

}  // namespace

http_environment::http_environment() = default;
http_environment::~http_environment() = default;

http_environment& http_environment::get() {
  return *static_cast<http_environment*>(registered);
}

void http_environment::SetUp() {
  const fs::path dir = fs::temp_directory_path() / ("sasaran-http-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  m_dir = dir.string();
  m_db = (dir / "sasaran.sqlite").string();
  if (wants_postgres()) {
    const std::optional<std::string> server = test_pg_url();
    if (!server) GTEST_SKIP() << "SASARAN_HTTP_STORE=postgres, but " << no_pg_url;
    m_pg = std::make_unique<pg_test_database>(*server);
    m_db = m_pg->url();
    std::cerr << "http_environment: the store is PostgreSQL, " << m_db << "\n";
  }
  const char* env = std::getenv("SASARAN_DATASETS");
  m_datasets = env && *env ? env : std::string(SASARAN_SOURCE_DIR) + "/../shared/datasets";
  import_jakarta();
  if (::testing::Test::HasFatalFailure()) return;
  create_tokens();
  if (::testing::Test::HasFatalFailure()) return;
  start_server();
}

void http_environment::TearDown() {
  stop_server();
  std::istringstream log(server_log());
  for (std::string line; std::getline(log, line);)
    if (line.find(" failed: ") != std::string::npos)
      ADD_FAILURE() << "the server logged a failed request: " << line;
  if (!::testing::UnitTest::GetInstance()->Failed() && !::testing::Test::HasFailure() &&
      !std::getenv("SASARAN_KEEP_TEST_DIR"))
    fs::remove_all(m_dir);
}

void http_environment::import_jakarta() {
  const auto started = clock_type::now();
  const cli_result r =
      run_sasaran({"import", std::string(SASARAN_SOURCE_DIR) + "/datasets/jakarta.json", "--db",
                   m_db, "--datasets", m_datasets},
                  m_dir + "/import.log");
  ASSERT_EQ(r.exit_code, 0) << "the Jakarta import failed:\n" << tail(m_dir + "/import.log");
  std::cerr << "http_environment: Jakarta imported in "
            << std::chrono::duration<double>(clock_type::now() - started).count() << " s\n";
}

void http_environment::create_tokens() {
  const auto create = [&](const std::string& role, std::vector<std::string> more) {
    std::vector<std::string> args = {"token", "create", "--db", m_db, "--role", role};
    args.insert(args.end(), more.begin(), more.end());
    cli_result r = run_sasaran(args, m_dir + "/token.log");
    return r.exit_code == 0 ? first_line(r.out) : std::string();
  };
  // A collaborator of some kind other than agregator, and an agregator for the aggregator,
  // taking the first the store accepted (the import rejects some rows).
  for (const auto& [id, kind] : collaborators(m_datasets)) {
    const std::string role = kind == "agregator" ? "aggregator" : "collaborator";
    if (m_tokens.contains(role)) continue;
    if (std::string secret = create(role, {"--collaborator", id}); !secret.empty()) {
      m_tokens[role] = secret;
      m_collaborators[role] = id;
    }
  }
  m_pic_area = "3172060007";  // Bali Mester, Jatinegara (DESIGN.md)
  m_tokens["pic"] = create("pic", {"--area", m_pic_area});
  m_tokens["planner"] = create("planner", {});
  m_tokens["admin"] = create("admin", {});
  for (const char* role : {"collaborator", "aggregator", "planner", "pic", "admin"})
    ASSERT_FALSE(m_tokens[role].empty()) << "no token for " << role << ":\n"
                                         << tail(m_dir + "/token.log");
}

void http_environment::start_server() {
  // A web folder that holds no page, wherever the tests run from: WebMapUnbuilt relies on it.
  const child c = spawn_sasaran({"serve", "--db", m_db, "--host", "127.0.0.1", "--port", "0",
                                 "--threads", "2", "--web", m_dir + "/web-not-built"},
                                m_dir + "/serve.log");
  ASSERT_GT(c.pid, 0) << "cannot start " << SASARAN_BINARY;
  m_pid = c.pid;
  m_stdout = c.stdout_fd;
  const std::string prefix = "sasaran serve: listening on ";
  std::string why;
  const std::optional<std::string> line =
      read_line(m_stdout, clock_type::now() + std::chrono::minutes(3), why);
  if (!line || !line->starts_with(prefix + "http://127.0.0.1:")) {
    const std::string state = child_state(m_pid);
    if (state != "running") m_pid = -1;  // reaped: nothing to stop
    FAIL() << "the server did not say it was listening ("
           << (line ? "first line: '" + *line + "'" : why) << "; the server is " << state << "):\n"
           << tail(m_dir + "/serve.log");
  }
  m_base_url = line->substr(prefix.size());
  // The port is bound before the store is loaded; the second line says every route answers.
  // The wait only guards against a hang: loading takes over a minute under the sanitizers.
  const std::optional<std::string> ready =
      read_line(m_stdout, clock_type::now() + std::chrono::minutes(10), why);
  if (!ready || *ready != "sasaran serve: ready") {
    const std::string state = child_state(m_pid);
    if (state != "running") m_pid = -1;
    FAIL() << "the server did not say it was ready ("
           << (ready ? "second line: '" + *ready + "'" : why) << "; the server is " << state
           << "):\n"
           << tail(m_dir + "/serve.log");
  }
}

void http_environment::stop_server() {
  if (m_pid <= 0) return;
  kill(m_pid, SIGTERM);
  const auto deadline = clock_type::now() + std::chrono::seconds(10);
  int status = 0;
  pid_t done = 0;
  while ((done = waitpid(m_pid, &status, WNOHANG)) == 0 && clock_type::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (done == 0) {
    ADD_FAILURE() << "the server did not stop within 10 s of SIGTERM";
    kill(m_pid, SIGKILL);
    waitpid(m_pid, &status, 0);
  } else {
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "the server ended with status " << status << " after SIGTERM";
  }
  close(m_stdout);
  m_pid = -1;
  m_stdout = -1;
}

void http_environment::restart_after_sigkill() {
  ASSERT_GT(m_pid, 0);
  kill(m_pid, SIGKILL);
  int status = 0;
  waitpid(m_pid, &status, 0);
  close(m_stdout);
  m_pid = -1;
  m_stdout = -1;
  start_server();
}

const std::string& http_environment::token(const std::string& role) const {
  return m_tokens.at(role);
}

std::string http_environment::authorization(const std::string& role) const {
  return "Authorization: Bearer " + token(role);
}

const std::string& http_environment::collaborator_of(const std::string& role) const {
  return m_collaborators.at(role);
}

std::string http_environment::server_log() const {
  std::ifstream in(m_dir + "/serve.log");
  std::stringstream all;
  all << in.rdbuf();
  return all.str();
}

}  // namespace test_support

namespace test_support {

served_copy::served_copy(const std::string& name) {
  const http_environment& env = http_environment::get();
  m_dir = fs::path(env.dir()) / name;
  fs::remove_all(m_dir);
  fs::create_directories(m_dir);
  if (env.on_postgres()) {
    m_pg = std::make_unique<pg_test_database>(*test_pg_url());
    m_db = m_pg->url();
    if (!copy_pg_database(env.db_path(), m_db, m_dir + "/copy.log")) {
      ADD_FAILURE() << "cannot copy " << env.db_path() << " into " << m_db << ":\n"
                    << tail(m_dir + "/copy.log");
      return;
    }
  } else {
    m_db = m_dir + "/copy.sqlite";
    geo::sqlite_db source(env.db_path());
    source.exec("VACUUM INTO '" + m_db + "'");
  }
  m_servers.push_back(start(m_dir + "/serve.log"));
  m_base_url = m_servers.back().base_url;
}

served_copy::server served_copy::start(const std::string& log) {
  const child c = spawn_sasaran({"serve", "--db", m_db, "--host", "127.0.0.1", "--port", "0",
                                 "--threads", "2", "--web", m_dir + "/web-not-built"},
                                log);
  if (c.pid < 0) {
    ADD_FAILURE() << "cannot start " << SASARAN_BINARY;
    return {};
  }
  server s{c.pid, c.stdout_fd, ""};
  const std::string prefix = "sasaran serve: listening on ";
  std::string why;
  // Generous: only guards against a hang (loading takes over a minute under the sanitizers).
  const std::optional<std::string> line =
      read_line(s.out, clock_type::now() + std::chrono::minutes(3), why);
  const std::optional<std::string> ready =
      line ? read_line(s.out, clock_type::now() + std::chrono::minutes(10), why) : std::nullopt;
  if (!line || !line->starts_with(prefix) || ready != "sasaran serve: ready") {
    ADD_FAILURE() << "the copy's server did not start (" << why << "):\n" << tail(log);
    return s;
  }
  s.base_url = line->substr(prefix.size());
  return s;
}

std::string served_copy::serve_another() {
  m_servers.push_back(start(m_dir + "/serve-" + std::to_string(m_servers.size()) + ".log"));
  return m_servers.back().base_url;
}

served_copy::~served_copy() {
  for (const server& s : m_servers) {
    if (s.pid <= 0) continue;
    kill(s.pid, SIGTERM);
    int status = 0;
    waitpid(s.pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "the copy's server " << s.base_url << " ended with status " << status
        << " after SIGTERM";
    close(s.out);
  }
}

std::pair<int, std::string> served_copy::run(const std::vector<std::string>& args) const {
  const cli_result r = run_sasaran(args, m_dir + "/cli.log");
  return {r.exit_code, r.out};
}

std::string served_copy::server_log() const {
  return server_log(0);
}

std::string served_copy::server_log(std::size_t n) const {
  std::ifstream in(m_dir + (n == 0 ? "/serve.log" : "/serve-" + std::to_string(n) + ".log"));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace test_support
