#include "server/http_request_parser.hpp"

#include "server/http_text.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace server {
namespace {

// RFC 9110 5.6.2: tchar.
bool is_token_char(unsigned char c) {
  static constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         extra.find(static_cast<char>(c)) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return is_token_char(uint8_t(c)); });
}

// RFC 9110 5.5: field-vchar, obs-text, SP and HTAB; no other control characters.
bool is_field_value(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c == '\t' || (c >= 0x20 && c != 0x7f);
  });
}

// RFC 9112 3.2: the request-target has no whitespace or control characters.
bool is_target(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c > 0x20 && c < 0x7f;
  });
}

// Methods some route may answer or refuse with 405; any other is 501 (RFC 9110 9.1).
bool is_known_method(std::string_view m) {
  static constexpr std::array<std::string_view, 9> known = {
      "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"};
  return std::find(known.begin(), known.end(), m) != known.end();
}

// Whether a comma-separated field value holds `token`, case-insensitively (Connection: close).
bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    if (lowercase_ascii(trim_ows(list.substr(0, comma))) == token) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

// A Content-Length value (RFC 9110 8.6): 1*DIGIT, or a list of one repeated value.
std::optional<std::string_view> single_length(std::string_view value) {
  std::optional<std::string_view> found;
  while (true) {
    const std::size_t comma = value.find(',');
    const std::string_view part = trim_ows(value.substr(0, comma));
    if (part.empty() ||
        !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
    if (found && *found != part) return std::nullopt;
    found = part;
    if (comma == std::string_view::npos) return found;
    value.remove_prefix(comma + 1);
  }
}

std::string shown(std::string_view s) {
  std::string out;
  for (const char ch : s.substr(0, 40)) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(ch);
    } else {
      static constexpr char hex[] = "0123456789abcdef";
      out += "\\x";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return s.size() > 40 ? out + "..." : out;
}

}  // namespace

std::optional<std::string> wire_request::field(std::string_view lowercase_name) const {
  std::optional<std::string> value;
  for (const auto& [name, v] : fields) {
    if (name != lowercase_name) continue;
    value = value ? *value + ", " + v : v;
  }
  return value;
}

bool wire_request::keep_alive() const {
  const std::optional<std::string> connection = field("connection");
  if (minor_version == 0) return connection && has_token(*connection, "keep-alive");
  return !connection || !has_token(*connection, "close");
}

http_request_parser::http_request_parser(http_limits limits) : m_limits(limits) {}

const http_error& http_request_parser::fault() const {
  return *m_fault;
}

bool http_request_parser::take_continue() {
  return std::exchange(m_continue, false);
}

wire_request http_request_parser::take() {
  wire_request out = std::move(m_request);
  m_request = {};
  m_state = state::request_line;
  m_seen = false;
  m_line.clear();
  m_header_bytes = 0;
  m_blank_lines = 0;
  m_method_read = false;
  m_body_left = 0;
  m_continue = false;
  return out;
}

void http_request_parser::fail(int status, std::string detail) {
  m_state = state::failed;
  m_fault.emplace(status, std::move(detail));
}

std::size_t http_request_parser::feed(std::string_view bytes) {
  std::size_t used = 0;
  while (used < bytes.size() && m_state != state::done && m_state != state::failed) {
    const std::string_view rest = bytes.substr(used);
    if (m_state == state::body) {
      const std::size_t n = std::min(rest.size(), m_body_left);
      m_request.body.append(rest.data(), n);
      m_body_left -= n;
      used += n;
      if (m_body_left == 0) m_state = state::done;
      continue;
    }
    m_seen = true;
    const auto* newline = static_cast<const char*>(std::memchr(rest.data(), '\n', rest.size()));
    const std::size_t n = newline ? std::size_t(newline - rest.data()) : rest.size();
    // The limits hold before a line ends, so that a line never grows past them in memory.
    const std::size_t limit =
        m_state == state::request_line
            ? m_limits.max_target + 32
            : m_limits.max_header_bytes - std::min(m_header_bytes, m_limits.max_header_bytes);
    // The method's bytes are checked up to the limit only, so that the outcome is the same
    // however the bytes arrive.
    const std::size_t room = limit - std::min(limit, m_line.size());
    if (m_state == state::request_line && !m_method_read &&
        !check_method_chars(rest.substr(0, std::min(n, room))))
      return used + n;
    if (m_line.size() + n > limit) {
      if (m_state == state::request_line)
        fail(414, "the request line is over " + std::to_string(m_limits.max_target) +
                      " bytes of target; shorten the URL");
      else
        fail(431, "the request headers are over " + std::to_string(m_limits.max_header_bytes) +
                      " bytes in all");
      return used + n;
    }
    m_line.append(rest.data(), n);
    used += n;
    if (!newline) break;
    ++used;  // the LF
    end_line();
  }
  return used;
}

bool http_request_parser::check_method_chars(std::string_view piece) {
  // Checked as it arrives, so that a client speaking another protocol (TLS, say) is told at
  // once instead of after the header timeout.
  for (const char c : piece) {
    if (c == ' ' || c == '\r') {
      m_method_read = true;
      return true;
    }
    if (!is_token_char(static_cast<unsigned char>(c))) {
      fail(400, "this is not an HTTP/1.1 request: byte " + shown(std::string_view(&c, 1)) +
                    " where a method was expected");
      return false;
    }
  }
  return true;
}

void http_request_parser::end_line() {
  // RFC 9112 2.2: a line ends with CRLF; a bare LF is accepted, a bare CR is not.
  std::string_view line = m_line;
  if (line.ends_with('\r')) line.remove_suffix(1);
  if (line.find('\r') != std::string_view::npos) {
    fail(400, "a bare CR (not followed by LF) in the request head");
    return;
  }
  if (m_state == state::request_line) {
    if (line.empty()) {
      // RFC 9112 2.2: a server SHOULD ignore at least one empty line before the request line.
      if (++m_blank_lines > 4) fail(400, "empty lines where the request line was expected");
      m_line.clear();
      m_method_read = false;
      return;
    }
    read_request_line(line);
  } else if (line.empty()) {
    end_head();
  } else {
    m_header_bytes += m_line.size() + 1;
    read_header_line(line);
  }
  m_line.clear();
}

void http_request_parser::read_request_line(std::string_view line) {
  const std::size_t first = line.find(' ');
  const std::size_t last = line.rfind(' ');
  if (first == std::string_view::npos || first == last) {
    fail(400, "malformed request line '" + shown(line) + "'; expected 'METHOD /path HTTP/1.1'");
    return;
  }
  const std::string_view method = line.substr(0, first);
  const std::string_view target = line.substr(first + 1, last - first - 1);
  const std::string_view version = line.substr(last + 1);
  if (!is_token(method)) {
    fail(400, "malformed method '" + shown(method) + "'");
    return;
  }
  if (!is_target(target)) {
    fail(400, "malformed request target '" + shown(target) +
                  "': spaces and control characters must be percent-encoded");
    return;
  }
  if (target.size() > m_limits.max_target) {
    fail(414, "the request target is " + std::to_string(target.size()) + " bytes, over the " +
                  std::to_string(m_limits.max_target) + "-byte limit; shorten the URL");
    return;
  }
  if (version.size() != 8 || !version.starts_with("HTTP/") || version[6] != '.' ||
      version[5] < '0' || version[5] > '9' || version[7] < '0' || version[7] > '9') {
    fail(400, "malformed HTTP version '" + shown(version) + "'");
    return;
  }
  if (version[5] != '1' || (version[7] != '0' && version[7] != '1')) {
    fail(505, "HTTP version " + std::string(version.substr(5)) +
                  " is not supported; use HTTP/1.1 or HTTP/1.0");
    return;
  }
  if (!is_known_method(method)) {
    fail(501, "method " + shown(method) + " is not implemented");
    return;
  }
  m_request.method = method;
  m_request.target = target;
  m_request.minor_version = version[7] - '0';
  m_state = state::headers;
}

void http_request_parser::read_header_line(std::string_view line) {
  if (line.front() == ' ' || line.front() == '\t') {
    fail(400, "a folded header line (obs-fold, RFC 9112 5.2) is not accepted");
    return;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    fail(400, "header line without a colon: '" + shown(line) + "'");
    return;
  }
  const std::string_view name = line.substr(0, colon);
  if (!is_token(name)) {
    // Includes whitespace before the colon, which RFC 9112 5.1 says to reject.
    fail(400, "malformed header name '" + shown(name) + "'");
    return;
  }
  const std::string_view value = trim_ows(line.substr(colon + 1));
  if (!is_field_value(value)) {
    fail(400, "header " + std::string(name) + ": control characters in its value");
    return;
  }
  if (m_request.fields.size() >= m_limits.max_headers) {
    fail(431, "more than " + std::to_string(m_limits.max_headers) + " header fields");
    return;
  }
  m_request.fields.emplace_back(lowercase_ascii(name), std::string(value));
}

void http_request_parser::end_head() {
  std::size_t hosts = 0;
  std::size_t lengths = 0;
  for (const auto& [name, value] : m_request.fields) {
    hosts += name == "host";
    lengths += name == "content-length";
  }
  if (m_request.minor_version == 1 && hosts != 1) {
    // RFC 9112 3.2: exactly one Host in an HTTP/1.1 request.
    fail(400, hosts == 0 ? "an HTTP/1.1 request needs a Host header" : "more than one Host header");
    return;
  }
  if (m_request.field("transfer-encoding")) {
    fail(lengths ? 400 : 501,
         lengths ? "both Transfer-Encoding and Content-Length: send only Content-Length"
                 : "Transfer-Encoding in a request is not supported; send Content-Length");
    return;
  }
  if (const std::optional<std::string> length = m_request.field("content-length")) {
    const std::optional<std::string_view> digits = single_length(*length);
    if (!digits) {
      fail(400, "Content-Length: expected one whole number of bytes, got '" + shown(*length) + "'");
      return;
    }
    const std::string_view d =
        digits->substr(std::min(digits->find_first_not_of('0'), digits->size()));
    const std::string limit = std::to_string(m_limits.max_body);
    if (d.size() > limit.size() || (d.size() == limit.size() && d > limit)) {
      fail(413,
           "a request body of " + shown(d) + " bytes is over the limit of " + limit + " bytes");
      return;
    }
    m_body_left = d.empty() ? 0 : std::stoul(std::string(d));
  }
  if (const std::optional<std::string> expect = m_request.field("expect")) {
    if (lowercase_ascii(*expect) != "100-continue") {
      fail(417, "Expect: only 100-continue is supported");
      return;
    }
    m_continue = m_body_left > 0;
  }
  m_state = m_body_left > 0 ? state::body : state::done;
}

}  // namespace server
