#pragma once
#include <pistache/mailbox.h>
#include <pistache/transport.h>

#include <cstddef>
#include <memory>
#include <string>

namespace server {

class http_connections;

/// A finished answer from the work pool to one connection, handled on the I/O thread that
/// owns it.
struct connection_mail {
  enum class kind { answer, read_more } what = kind::answer;
  int fd = -1;
  std::size_t peer_id = 0;  // with fd, names the connection; a closed one's mail is dropped
  std::string bytes;        // the answer on the wire
  bool keep_alive = true;
};

/// Pistache's TCP transport (epoll, reads, peers) with what server/http_connections needs
/// added: a mailbox, so that answers made on other threads are written by the thread that owns
/// the connection (never by fd from elsewhere, where the fd may already belong to a new
/// client); a 100 ms tick for timeouts; and write readiness handled here instead of by
/// Pistache's write queue (see http_connections::pump). Pistache's HTTP transport is not used:
/// its keep-alive check removes connections whose answer is still queued, and an event for
/// such a connection in the same epoll batch ends the process ("could not find write data").
class pistache_transport final : public Pistache::Tcp::Transport {
 public:
  explicit pistache_transport(const std::shared_ptr<http_connections>& handler);
  ~pistache_transport() override;

  void registerPoller(Pistache::Polling::Epoll& poller) override;
  void onReady(const Pistache::Aio::FdSet& fds) override;
  std::shared_ptr<Pistache::Aio::Handler> clone() const override;

  /// Any thread.
  void post(connection_mail mail);
  /// Whether to be told (on_writable) when the socket of `fd` has room; I/O thread only.
  void watch_writable(int fd, bool on);
  http_connections& connections() { return *m_handler; }

 private:
  Pistache::Polling::Tag timer_tag() const;

  std::shared_ptr<http_connections> m_handler;
  Pistache::PollableQueue<connection_mail> m_mailbox;
  int m_timer = -1;
};

}  // namespace server
