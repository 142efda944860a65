#include "tests/multiserver/server_process.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

extern char** environ;

namespace test_support {
namespace {

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

// One line from `fd` before `deadline`; nothing on timeout or end of file.
std::optional<std::string> read_line(int fd, clock_type::time_point deadline) {
  std::string line;
  for (char ch = 0;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{fd, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return std::nullopt;
    if (ready == 0) continue;
    const ssize_t n = read(fd, &ch, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n != 1) return std::nullopt;
    if (ch == '\n') return line;
    line += ch;
  }
}

std::string tail(const std::string& file, std::size_t bytes = 4000) {
  std::ifstream in(file);
  std::stringstream all;
  all << in.rdbuf();
  const std::string s = all.str();
  return s.size() > bytes ? s.substr(s.size() - bytes) : s;
}

}  // namespace

std::pair<int, std::string> run_sasaran(const std::vector<std::string>& args,
                                        const std::string& log) {
  const child c = spawn_sasaran(args, log);
  if (c.pid < 0) return {-1, ""};
  std::string out;
  char buffer[4096];
  ssize_t n;
  while ((n = read(c.stdout_fd, buffer, sizeof buffer)) > 0)
    out.append(buffer, static_cast<std::size_t>(n));
  close(c.stdout_fd);
  int status = 0;
  waitpid(c.pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::pair<int, std::string> run_shell(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return {-1, ""};
  std::string out;
  char buffer[4096];
  std::size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
    out.append(buffer, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

server_process::server_process(const std::string& db, const std::string& log) : m_log(log) {
  const child c = spawn_sasaran({"serve", "--db", db, "--host", "127.0.0.1", "--port", "0",
                                 "--threads", "2", "--web", log + ".no-web"},
                                log);
  if (c.pid < 0) {
    ADD_FAILURE() << "cannot start " << SASARAN_BINARY;
    return;
  }
  m_pid = c.pid;
  m_stdout = c.stdout_fd;
  const std::string prefix = "sasaran serve: listening on ";
  // Generous: only guards against a hang.
  const std::optional<std::string> line =
      read_line(m_stdout, clock_type::now() + std::chrono::minutes(3));
  const std::optional<std::string> ready =
      line ? read_line(m_stdout, clock_type::now() + std::chrono::minutes(10)) : std::nullopt;
  if (!line || !line->starts_with(prefix) || ready != "sasaran serve: ready") {
    ADD_FAILURE() << "the server did not start:\n" << tail(log);
    return;
  }
  m_base_url = line->substr(prefix.size());
}

server_process::~server_process() {
  stop();
}

void server_process::kill_hard() {
  if (m_pid <= 0) return;
  kill(m_pid, SIGKILL);
  int status = 0;
  waitpid(m_pid, &status, 0);
  close(m_stdout);
  m_pid = -1;
  m_stdout = -1;
}

bool server_process::stop() {
  if (m_pid <= 0) return true;
  kill(m_pid, SIGTERM);
  const auto deadline = clock_type::now() + std::chrono::seconds(10);
  int status = 0;
  pid_t done = 0;
  while ((done = waitpid(m_pid, &status, WNOHANG)) == 0 && clock_type::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (done == 0) {
    kill(m_pid, SIGKILL);
    waitpid(m_pid, &status, 0);
  }
  close(m_stdout);
  m_pid = -1;
  m_stdout = -1;
  return done != 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace test_support
