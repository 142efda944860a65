#include "tests/support/raw_connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace test_support {

raw_connection::raw_connection(std::uint16_t port) {
  m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (m_fd < 0 || ::connect(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
}

raw_connection::~raw_connection() {
  if (m_fd >= 0) ::close(m_fd);
}

bool raw_connection::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(m_fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += std::size_t(n);
  }
  return true;
}

bool raw_connection::fill(std::chrono::steady_clock::time_point deadline) {
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{m_fd, POLLIN, 0};
    if (::poll(&p, 1, int(left.count())) <= 0) continue;
    char chunk[65536];
    const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    m_buffer.append(chunk, std::size_t(n));
    return true;
  }
}

std::optional<raw_answer> raw_connection::read_answer(std::chrono::milliseconds within, bool head) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  std::size_t end = 0;
  while ((end = m_buffer.find("\r\n\r\n")) == std::string::npos)
    if (!fill(deadline)) return std::nullopt;
  raw_answer a;
  std::size_t at = m_buffer.find("\r\n");
  a.status = std::stoi(m_buffer.substr(9, 3));
  while (at < end) {
    const std::size_t next = m_buffer.find("\r\n", at + 2);
    const std::string line = m_buffer.substr(at + 2, next - at - 2);
    const std::size_t colon = line.find(':');
    std::string name = line.substr(0, colon);
    for (char& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    a.headers[name] = line.substr(colon + 2);
    at = next;
  }
  std::size_t length = 0;
  if (!head && a.headers.contains("content-length"))
    length = std::stoul(a.headers["content-length"]);
  while (m_buffer.size() < end + 4 + length)
    if (!fill(deadline)) return std::nullopt;
  a.body = m_buffer.substr(end + 4, length);
  m_buffer.erase(0, end + 4 + length);
  return a;
}

bool raw_connection::closed_within(std::chrono::milliseconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{m_fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char chunk[65536];
    const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return true;
  }
  return false;
}

}  // namespace test_support
