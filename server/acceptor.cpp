#include "server/acceptor.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace server {
namespace {

std::uint16_t bound_port(int fd) {
  sockaddr_storage address{};
  socklen_t size = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) return 0;
  if (address.ss_family == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port);
  return ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
}

}  // namespace

acceptor::acceptor(const std::string& host, std::uint16_t port, int backlog) {
  const std::string where = host + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  if (const int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found))
    throw edge_error("cannot listen on " + where + ": " + ::gai_strerror(rc));
  int error = 0;
  for (const addrinfo* a = found; a && m_listen < 0; a = a->ai_next) {
    const int fd =
        ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      error = errno;
      continue;
    }
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, backlog) != 0) {
      error = errno;
      ::close(fd);
      continue;
    }
    m_listen = fd;
  }
  ::freeaddrinfo(found);
  if (m_listen < 0) {
    const std::string why = std::strerror(error);
    throw edge_error("cannot listen on " + where + ": " + why +
                     (error == EADDRINUSE
                          ? " (another server is on that port; choose another with --port, or "
                            "--port 0 for any free one)"
                          : ""));
  }
  m_port = bound_port(m_listen);
  m_wake = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  m_spare = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

acceptor::~acceptor() {
  stop();
  if (m_wake >= 0) ::close(m_wake);
  if (m_spare >= 0) ::close(m_spare);
}

void acceptor::start(std::function<void(int, const sockaddr_storage&)> on_accept,
                     std::string refusal) {
  m_on_accept = std::move(on_accept);
  m_refusal = std::move(refusal);
  m_thread = std::thread([this] { run(); });
}

void acceptor::stop() {
  if (m_thread.joinable()) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(m_wake, &one, sizeof one);
    m_thread.join();
  }
  if (m_listen >= 0) {
    ::close(m_listen);
    m_listen = -1;
  }
}

void acceptor::run() {
  pollfd fds[2] = {{m_listen, POLLIN, 0}, {m_wake, POLLIN, 0}};
  while (true) {
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
    if (fds[1].revents) return;
    while (true) {
      sockaddr_storage address{};
      socklen_t size = sizeof address;
      const int fd = ::accept4(m_listen, reinterpret_cast<sockaddr*>(&address), &size,
                               SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd >= 0) {
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        m_on_accept(fd, address);
        continue;
      }
      if (errno == EMFILE || errno == ENFILE) {
        refuse_one();
        continue;
      }
      // EAGAIN: nothing more to accept; a connection reset before accept: try the next.
      if (errno == ECONNABORTED || errno == EINTR || errno == EPROTO) continue;
      break;
    }
  }
}

void acceptor::refuse_one() {
  ::close(m_spare);
  m_spare = -1;
  const int fd = ::accept4(m_listen, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd >= 0) {
    [[maybe_unused]] const auto n =
        ::send(fd, m_refusal.data(), m_refusal.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    ::close(fd);
  }
  m_spare = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  // Another thread took the descriptor: wait for one to be free rather than spin.
  if (fd < 0 || m_spare < 0) ::usleep(10'000);
}

}  // namespace server
