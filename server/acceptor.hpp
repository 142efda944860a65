#pragma once
#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>

namespace server {

/// The server could not start listening (busy port, bad address).
class edge_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The listening socket and the thread that accepts connections on it. When the process runs
/// out of file descriptors it does not spin: a spare descriptor is given up to accept the
/// connection, answer `refusal` and close it, so the client hears why and the backlog drains.
class acceptor {
 public:
  /// Binds and listens at once; a busy port or a bad address is an edge_error.
  acceptor(const std::string& host, std::uint16_t port, int backlog = 4096);
  ~acceptor();
  acceptor(const acceptor&) = delete;
  acceptor& operator=(const acceptor&) = delete;

  /// The port bound (the one the system picked when 0 was asked).
  std::uint16_t port() const { return m_port; }
  /// Starts accepting on a thread of its own; `on_accept` gets each new non-blocking socket.
  void start(std::function<void(int fd, const sockaddr_storage& address)> on_accept,
             std::string refusal);
  /// Stops accepting and closes the listening socket.
  void stop();

 private:
  void run();
  void refuse_one();

  int m_listen = -1;
  int m_wake = -1;   // eventfd that stop() writes to
  int m_spare = -1;  // kept open to be given up when descriptors run out
  std::uint16_t m_port = 0;
  std::function<void(int, const sockaddr_storage&)> m_on_accept;
  std::string m_refusal;
  std::thread m_thread;
};

}  // namespace server
