#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace test_support {

/// An answer read off a raw connection.
struct raw_answer {
  int status = 0;
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
};

/// A plain TCP connection to 127.0.0.1, for requests no HTTP library would send (malformed,
/// slow, pipelined, never read). Every wait has a deadline; a missed one is a test failure,
/// reported as std::runtime_error naming what was awaited.
class raw_connection {
 public:
  explicit raw_connection(std::uint16_t port);
  ~raw_connection();
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;

  /// Sends all of `bytes`; false when the server closed the connection first.
  bool send(const std::string& bytes);
  /// Reads one answer (status line, headers, Content-Length body); nothing when the
  /// connection closed before a whole answer arrived.
  std::optional<raw_answer> read_answer(std::chrono::milliseconds within = std::chrono::seconds(60),
                                        bool head = false);
  /// True when the server closed (or reset) the connection within the time, reading and
  /// dropping whatever comes first.
  bool closed_within(std::chrono::milliseconds within);

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);
  int m_fd = -1;
  std::string m_buffer;
};

}  // namespace test_support
