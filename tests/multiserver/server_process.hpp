#pragma once
#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

namespace test_support {

/// Runs `sasaran ARGS` (SASARAN_BINARY) to its end, stderr appended to `log`: exit code and
/// stdout.
std::pair<int, std::string> run_sasaran(const std::vector<std::string>& args,
                                        const std::string& log);

/// Runs a command line through /bin/sh to its end: exit code and stdout (stderr goes to the
/// test's own).
std::pair<int, std::string> run_shell(const std::string& command);

/// One `sasaran serve --db DB` child on a free port of 127.0.0.1, its stderr appended to
/// `log`. The constructor returns once the server says it is ready (or fails the test after a
/// deadline that only guards against a hang); the destructor stops it with SIGTERM.
class server_process {
 public:
  server_process(const std::string& db, const std::string& log);
  ~server_process();
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  /// "http://127.0.0.1:PORT"; empty when the server did not start.
  const std::string& base_url() const { return m_base_url; }
  /// Kills the server with SIGKILL (no chance to tidy up) and waits for it to be gone.
  void kill_hard();
  /// Stops the server with SIGTERM: true when it ended with exit status 0 within 10 s.
  bool stop();

 private:
  pid_t m_pid = -1;
  int m_stdout = -1;  // the read end of the server's stdout, kept open while it runs
  std::string m_log;
  std::string m_base_url;
};

}  // namespace test_support
