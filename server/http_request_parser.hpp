#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/http.hpp"

namespace server {

/// What one request may cost before any handler sees it. Every limit is checked as bytes
/// arrive, so a request over a limit is refused before it is read in full.
struct http_limits {
  std::size_t max_target = 8 * 1024;         // request-target bytes; more is 414
  std::size_t max_header_bytes = 16 * 1024;  // all header lines together; more is 431
  std::size_t max_headers = 100;             // header fields; more is 431
  std::size_t max_body = 1 << 20;            // body bytes; more is 413
};

/// A request as read off the wire: nothing decoded, header names lowercased.
struct wire_request {
  std::string method;
  std::string target;  // as sent, e.g. "/api/v1/lookup?lon=106.8&lat=-6.2"
  int minor_version = 1;
  std::vector<std::pair<std::string, std::string>> fields;  // in order; names lowercase
  std::string body;

  /// The value of a field; several fields of one name are joined with ", " (RFC 9110 5.3).
  std::optional<std::string> field(std::string_view lowercase_name) const;
  /// Whether the connection stays open after the answer (RFC 9112 9.3).
  bool keep_alive() const;
};

/// An incremental, linear-time HTTP/1.1 request reader (RFC 9112) that refuses what it does
/// not accept with the status to answer: 400 malformed, 413 body too large, 414 target too
/// long, 417 an expectation other than 100-continue, 431 headers too large, 501 unknown method
/// or transfer coding, 505 other versions.
/// Bytes are fed as they arrive; each byte is looked at once.
class http_request_parser {
 public:
  explicit http_request_parser(http_limits limits = {});

  /// Reads from `bytes`; returns how many were used. Stops at the end of a complete request
  /// (the rest belongs to the next one) and at the first fault.
  std::size_t feed(std::string_view bytes);

  bool complete() const { return m_state == state::done; }
  bool failed() const { return m_state == state::failed; }
  /// The fault, once failed(): its status and a message naming what was wrong.
  const http_error& fault() const;
  /// True once, when the head asked for "Expect: 100-continue" and the body is still to come.
  bool take_continue();
  /// True when some bytes of a request have arrived but not all of it.
  bool started() const { return m_state != state::failed && m_state != state::done && m_seen; }
  /// True while the body is being read.
  bool reading_body() const { return m_state == state::body; }
  /// The length of the body being read (its Content-Length).
  std::size_t body_length() const { return m_request.body.size() + m_body_left; }
  /// The complete request; the parser is then ready for the next one.
  wire_request take();

 private:
  enum class state { request_line, headers, body, done, failed };

  void fail(int status, std::string detail);
  bool check_method_chars(std::string_view piece);
  void end_line();
  void read_request_line(std::string_view line);
  void read_header_line(std::string_view line);
  void end_head();

  http_limits m_limits;
  state m_state = state::request_line;
  bool m_seen = false;
  std::string m_line;  // the line being read, without its end
  std::size_t m_header_bytes = 0;
  std::size_t m_blank_lines = 0;  // empty lines before the request line (RFC 9112 2.2)
  bool m_method_read = false;     // the request line's first space or CR has arrived
  std::size_t m_body_left = 0;
  bool m_continue = false;
  wire_request m_request;
  std::optional<http_error> m_fault;
};

}  // namespace server
