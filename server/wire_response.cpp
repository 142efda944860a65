#include "server/wire_response.hpp"

#include <chrono>
#include <ctime>

#include "server/problem.hpp"

namespace server {

std::string http_date_now() {
  // Formatted once a second per thread: strftime per response would cost more than the rest.
  thread_local std::time_t cached_second = 0;
  thread_local std::string cached;
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  if (now != cached_second) {
    std::tm utc{};
    gmtime_r(&now, &utc);
    char buffer[40];
    cached.assign(buffer, std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &utc));
    cached_second = now;
  }
  return cached;
}

std::string wire_response(int status,
                          const std::vector<std::pair<std::string, std::string>>& headers,
                          std::string_view body, bool head_only, bool keep_alive) {
  const bool bodiless = status < 200 || status == 204 || status == 304;
  std::string out;
  out.reserve(256 + headers.size() * 48 + (head_only || bodiless ? 0 : body.size()));
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += reason_phrase(status);
  out += "\r\nDate: ";
  out += http_date_now();
  out += "\r\n";
  for (const auto& [name, value] : headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (!bodiless) {
    out += "Content-Length: ";
    out += std::to_string(body.size());
    out += "\r\n";
  }
  out += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  if (!bodiless && !head_only) out += body;
  return out;
}

}  // namespace server
