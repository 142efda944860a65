#pragma once
#include <pistache/peer.h>
#include <pistache/tcp.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "server/http_request_parser.hpp"

namespace server {

class edge;
class work_pool;
struct connection_mail;
struct wire_request;

/// How long a connection may take over each part of an exchange, and how many there may be.
struct connection_settings {
  http_limits limits;
  std::chrono::milliseconds idle_timeout{5000};     // keep-alive with no request
  std::chrono::milliseconds header_timeout{10000};  // from a request's first byte to its head
  std::chrono::milliseconds body_timeout{30000};    // from a request's first byte to its end
  std::chrono::milliseconds write_timeout{30000};   // an answer making no progress
  std::chrono::milliseconds linger{2000};           // reading what follows a final answer
  std::size_t max_connections = 4096;               // beyond, the longest idle ones are closed
  // Request bodies being read and answers waiting for their client, all connections together:
  // past it, an upload is refused with 503 and a client that does not read its answers is cut.
  std::size_t max_buffered_bytes = 512u << 20;
};

/// What the I/O threads share: the edge that answers, the pool for write and heavy routes,
/// and counts across all connections.
struct connection_hub {
  connection_hub(connection_settings s, const edge& e, work_pool& p)
      : settings(s), answers(e), pool(p) {}
  connection_settings settings;
  std::size_t io_threads = 1;
  const edge& answers;
  work_pool& pool;
  std::atomic<std::size_t> open{0};          // connections accepted and not yet closed
  std::atomic<std::size_t> evict_wanted{0};  // idle connections to close to make room
  std::atomic<std::size_t> unanswered{0};    // requests read whose answer is not yet sent
  std::atomic<std::size_t> buffered{0};      // bytes counted against max_buffered_bytes
  std::atomic<bool> draining{false};         // stopping: every answer closes its connection
  std::atomic<std::uint64_t> timeouts{0};
  std::atomic<std::uint64_t> evicted{0};
  std::atomic<std::uint64_t> dropped{0};          // closed for not reading their answer
  std::atomic<std::uint64_t> discarded_bytes{0};  // read and dropped after a final answer

  /// The longest-idle connection of each I/O thread, so that eviction closes the oldest ones
  /// across threads, not each thread's own oldest.
  std::mutex oldest_mutex;
  std::map<const void*, std::chrono::steady_clock::time_point> oldest_idle;

  /// More than three quarters of the connections in use: timeouts shorten, so that slow and
  /// idle clients make room for others.
  bool crowded() const { return open.load() > settings.max_connections / 4 * 3; }
};

/// The HTTP/1.1 side of the connections of one I/O thread: reads requests with
/// http_request_parser, answers light routes at once and hands write and heavy routes to the
/// work pool, writes answers in order in pieces, enforces every timeout, and closes
/// connections gracefully. All of it runs on the thread that owns the connections; other
/// threads reach it only through the transport's mailbox.
class http_connections final : public Pistache::Tcp::Handler {
 public:
  PROTOTYPE_OF(Pistache::Tcp::Handler, http_connections)

  explicit http_connections(std::shared_ptr<connection_hub> hub);
  http_connections(const http_connections& other);
  ~http_connections() override;

  void onConnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;
  void onInput(const char* buffer, size_t len,
               const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;
  void onDisconnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;

  void on_mail(connection_mail mail);
  /// The socket of `fd` has room again for an answer that did not fit.
  void on_writable(int fd);
  /// Whether `fd` is one of this thread's connections.
  bool owns(int fd) const { return m_connections.contains(fd); }
  enum class read_result { waiting, ended };
  /// Reads what `fd` has (a bounded amount per call, so that one client cannot hold the thread;
  /// the rest is read after the other connections' events). `ended`: the stream ended or
  /// failed, for Pistache to remove the connection.
  read_result on_readable(int fd);
  void on_tick();
  /// Closes what is left once the I/O threads have stopped.
  void close_all();

 private:
  struct connection;

  connection* find(int fd, std::size_t peer_id);
  void read(connection& c, std::string_view bytes);
  void dispatch(connection& c, wire_request&& wire);
  void queue_answer(connection& c, std::string bytes, bool keep_alive);
  bool reserve_body(connection& c);
  void pump(connection& c);
  void resume(connection& c);
  class pistache_transport& connections_transport();
  void hard_close(connection& c);
  void check_timeouts(connection& c, std::chrono::steady_clock::time_point now);
  void evict_idle();
  static bool is_idle(const connection& c);

  std::shared_ptr<connection_hub> m_hub;
  std::unordered_map<int, std::shared_ptr<connection>> m_connections;
};

}  // namespace server
