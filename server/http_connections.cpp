#include "server/http_connections.hpp"

#include <pistache/stream.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <deque>
#include <vector>

#include "server/edge.hpp"
#include "server/pistache_transport.hpp"
#include "server/work_pool.hpp"

namespace server {
namespace {

using namespace Pistache;
using clock = std::chrono::steady_clock;

// Answers queued on one connection (pipelined requests) before reading waits for them.
constexpr std::size_t max_outbox_bytes = 4 << 20;
// Read at once from one connection before the thread turns to the others.
constexpr std::size_t read_chunk = 64 * 1024;
constexpr int chunks_per_turn = 4;
// Read and dropped after a final answer before the connection is cut: enough for a client to
// finish sending a refused request, less than a flood.
constexpr std::size_t max_discarded_bytes = 4 << 20;

}  // namespace

struct http_connections::connection {
  std::size_t id = 0;
  int fd = -1;
  http_request_parser parser;
  std::string pending;             // read while an answer was being made; parsed after it
  std::deque<std::string> outbox;  // answers in order; the front is being sent
  std::size_t outbox_bytes = 0;
  std::size_t offset = 0;          // bytes of the front answer already sent
  bool watching_writable = false;  // the socket was full: waiting for room
  bool busy = false;               // the work pool is making an answer
  bool closing = false;            // no more requests: close once the last answer is out
  bool half_closed = false;
  bool shut = false;
  std::size_t discarded = 0;  // bytes read and dropped after the final answer
  std::size_t reserved = 0;   // of the hub's buffer budget, for the body being read
  clock::time_point last_activity = clock::now();
  clock::time_point request_started;
  clock::time_point progress;      // the last bytes sent
  clock::time_point linger_until;  // after half_closed
};

http_connections::http_connections(std::shared_ptr<connection_hub> hub) : m_hub(std::move(hub)) {}

http_connections::http_connections(const http_connections& other)
    : Tcp::Handler(other), m_hub(other.m_hub) {}

http_connections::~http_connections() = default;

http_connections::connection* http_connections::find(int fd, std::size_t peer_id) {
  const auto it = m_connections.find(fd);
  return it == m_connections.end() || it->second->id != peer_id ? nullptr : it->second.get();
}

void http_connections::onConnection(const std::shared_ptr<Tcp::Peer>& peer) {
  auto c = std::make_shared<connection>();
  c->id = peer->getID();
  c->fd = peer->fd();
  c->parser = http_request_parser(m_hub->settings.limits);
  m_connections[c->fd] = std::move(c);
}

void http_connections::onDisconnection(const std::shared_ptr<Tcp::Peer>& peer) {
  const auto it = m_connections.find(peer->fd());
  if (it == m_connections.end() || it->second->id != peer->getID()) return;
  m_hub->unanswered -= it->second->outbox.size();
  m_hub->buffered -= it->second->outbox_bytes + it->second->reserved;
  m_connections.erase(it);
  --m_hub->open;
}

void http_connections::onInput(const char* buffer, size_t len,
                               const std::shared_ptr<Tcp::Peer>& peer) {
  connection* c = find(peer->fd(), peer->getID());
  if (!c) return;
  c->last_activity = clock::now();
  read(*c, std::string_view(buffer, len));
}

http_connections::read_result http_connections::on_readable(int fd) {
  const auto it = m_connections.find(fd);
  if (it == m_connections.end()) return read_result::ended;
  const std::shared_ptr<connection> c = it->second;
  // Pistache reads 4 KiB at a time until the socket is empty; a client sending megabytes
  // would hold the thread for all of it.
  thread_local std::array<char, read_chunk> buffer;
  for (int turn = 0; turn < chunks_per_turn; ++turn) {
    const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n == 0) return read_result::ended;
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK ? read_result::waiting : read_result::ended;
    }
    c->last_activity = clock::now();
    this->read(*c, std::string_view(buffer.data(), std::size_t(n)));
    if (c->shut) return read_result::waiting;  // Pistache sees the end on the next event
  }
  connections_transport().post({connection_mail::kind::read_more, fd, c->id, {}, true});
  return read_result::waiting;
}

void http_connections::read(connection& c, std::string_view bytes) {
  const connection_settings& s = m_hub->settings;
  while (!bytes.empty()) {
    if (c.closing || c.shut) {
      // What follows a final answer is dropped; a client that keeps sending is cut off.
      c.discarded += bytes.size();
      m_hub->discarded_bytes += bytes.size();
      if (c.discarded > max_discarded_bytes) hard_close(c);
      return;
    }
    if (c.busy || c.outbox_bytes > max_outbox_bytes) {
      // One answer at a time is made per connection; pipelined requests wait as bytes.
      c.pending.append(bytes);
      if (c.pending.size() > s.limits.max_target + s.limits.max_header_bytes + s.limits.max_body)
        hard_close(c);
      return;
    }
    if (!c.parser.started()) c.request_started = clock::now();
    bytes.remove_prefix(c.parser.feed(bytes));
    if (c.parser.take_continue()) {
      ++m_hub->unanswered;
      queue_answer(c, "HTTP/1.1 100 Continue\r\n\r\n", true);
    }
    if (c.parser.failed()) {
      ++m_hub->unanswered;
      queue_answer(c, m_hub->answers.refuse_unread(c.parser.fault()), false);
      return;
    }
    if (c.parser.reading_body() && c.reserved == 0 && !reserve_body(c)) return;
    if (!c.parser.complete()) return;
    m_hub->buffered -= std::exchange(c.reserved, 0);
    dispatch(c, c.parser.take());
  }
}

void http_connections::dispatch(connection& c, wire_request&& wire) {
  const edge& answers = m_hub->answers;
  auto x = std::make_shared<exchange>(answers.accept(std::move(wire)));
  if (m_hub->draining) x->keep_alive = false;
  ++m_hub->unanswered;
  if (!x->run || x->cost == route_cost::light) {
    answers.run(*x);
    queue_answer(c, answers.finish(*x), x->keep_alive);
    return;
  }
  c.busy = true;
  pistache_transport* transport = &connections_transport();
  const std::shared_ptr<connection_hub> hub = m_hub;
  const int fd = c.fd;
  const std::size_t id = c.id;
  const bool queued = hub->pool.submit(x->cost, [hub, transport, fd, id, x](bool shed) {
    if (shed)
      hub->answers.shed(*x, "the server is too busy to start this request in time; retry");
    else
      hub->answers.run(*x);
    if (hub->draining) x->keep_alive = false;
    transport->post(
        {connection_mail::kind::answer, fd, id, hub->answers.finish(*x), x->keep_alive});
  });
  if (queued) return;
  c.busy = false;
  answers.shed(*x, "the server is busy with requests of this kind; retry");
  queue_answer(c, answers.finish(*x), x->keep_alive);
}

bool http_connections::reserve_body(connection& c) {
  const std::size_t length = c.parser.body_length();
  if (m_hub->buffered.fetch_add(length) + length > m_hub->settings.max_buffered_bytes) {
    m_hub->buffered -= length;
    ++m_hub->unanswered;
    queue_answer(c,
                 m_hub->answers.refuse_unread(
                     http_error(503, "too many uploads in progress; retry in a moment")),
                 false);
    return false;
  }
  c.reserved = length;
  return true;
}

void http_connections::queue_answer(connection& c, std::string bytes, bool keep_alive) {
  if (!c.shut && !c.outbox.empty() &&
      m_hub->buffered.load() + bytes.size() > m_hub->settings.max_buffered_bytes) {
    // Answers pile up for a client that does not read them, and memory is short: cut it off.
    ++m_hub->dropped;
    hard_close(c);
  }
  if (c.shut) {
    --m_hub->unanswered;
    return;
  }
  m_hub->buffered += bytes.size();
  c.outbox_bytes += bytes.size();
  c.outbox.push_back(std::move(bytes));
  if (!keep_alive) c.closing = true;
  pump(c);
}

void http_connections::pump(connection& c) {
  // Written here, on the thread that owns the connection, never through Pistache's write
  // queue: Debian's Pistache 0.0.5 spins in Transport::asyncWriteImpl while a client's socket
  // is full (fixed upstream in 8e60fd49, January 2025), which would stop every connection of
  // the thread for as long as one client does not read.
  while (!c.shut && !c.outbox.empty()) {
    const std::string& front = c.outbox.front();
    const ssize_t n =
        ::send(c.fd, front.data() + c.offset, front.size() - c.offset, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        if (!c.watching_writable) connections_transport().watch_writable(c.fd, true);
        c.watching_writable = true;
        return;
      }
      hard_close(c);  // reset or closed by the client
      return;
    }
    c.progress = c.last_activity = clock::now();
    c.offset += std::size_t(n);
    if (c.offset < front.size()) continue;
    c.outbox_bytes -= front.size();
    m_hub->buffered -= front.size();
    c.outbox.pop_front();
    c.offset = 0;
    --m_hub->unanswered;
  }
  if (c.watching_writable && !c.shut) connections_transport().watch_writable(c.fd, false);
  c.watching_writable = false;
  if (c.closing && c.outbox.empty() && !c.half_closed && !c.shut) {
    // Half-close, then read (and drop) what the client still sends until it closes too, so
    // that unread bytes do not turn our close into a reset that loses the answer.
    ::shutdown(c.fd, SHUT_WR);
    c.half_closed = true;
    c.linger_until = clock::now() + m_hub->settings.linger;
  }
}

void http_connections::on_writable(int fd) {
  const auto it = m_connections.find(fd);
  if (it == m_connections.end()) return;
  connection& c = *it->second;
  pump(c);
  resume(c);
}

pistache_transport& http_connections::connections_transport() {
  return *static_cast<pistache_transport*>(transport());
}

void http_connections::on_mail(connection_mail mail) {
  connection* c = find(mail.fd, mail.peer_id);
  if (mail.what == connection_mail::kind::read_more) {
    // The stream's end found here has no epoll event left for Pistache to see: shutting the
    // socket down makes one.
    if (c && on_readable(mail.fd) == read_result::ended) hard_close(*c);
    return;
  }
  if (!c) {
    --m_hub->unanswered;
    return;
  }
  c->busy = false;
  queue_answer(*c, std::move(mail.bytes), mail.keep_alive);
  resume(*c);
}

void http_connections::resume(connection& c) {
  if (c.busy || c.closing || c.shut || c.pending.empty() || c.outbox_bytes > max_outbox_bytes)
    return;
  const std::string bytes = std::exchange(c.pending, {});
  read(c, bytes);
}

void http_connections::hard_close(connection& c) {
  if (c.shut) return;
  c.shut = true;
  // Pistache sees the end of the stream on its next read and removes the connection itself;
  // closing the fd here instead would race with its own bookkeeping.
  ::shutdown(c.fd, SHUT_RDWR);
}

void http_connections::on_tick() {
  const clock::time_point now = clock::now();
  auto oldest = clock::time_point::max();
  for (auto& [fd, c] : m_connections) {
    check_timeouts(*c, now);
    if (is_idle(*c)) oldest = std::min(oldest, c->last_activity);
  }
  {
    const std::lock_guard lock(m_hub->oldest_mutex);
    m_hub->oldest_idle[this] = oldest;
  }
  if (m_hub->evict_wanted.load() > 0) evict_idle();
}

bool http_connections::is_idle(const connection& c) {
  return !c.shut && !c.busy && !c.closing && c.outbox.empty() && !c.parser.started();
}

void http_connections::check_timeouts(connection& c, clock::time_point now) {
  const connection_settings& s = m_hub->settings;
  const bool crowded = m_hub->crowded();
  if (c.shut || c.busy) return;
  if (!c.outbox.empty()) {
    if (now - c.progress > s.write_timeout) {
      ++m_hub->dropped;
      hard_close(c);
    }
    return;
  }
  if (c.half_closed) {
    if (now > c.linger_until) hard_close(c);
    return;
  }
  if (c.closing) return;
  if (c.parser.started()) {
    const auto limit = c.parser.reading_body()
                           ? (crowded ? s.body_timeout / 3 : s.body_timeout)
                           : (crowded ? s.header_timeout / 5 : s.header_timeout);
    if (now - c.request_started <= limit) return;
    ++m_hub->timeouts;
    ++m_hub->unanswered;
    queue_answer(c,
                 m_hub->answers.refuse_unread(http_error(
                     408, "the request did not arrive in full within " +
                              std::to_string(std::chrono::milliseconds(limit).count()) + " ms")),
                 false);
    return;
  }
  const auto idle = crowded ? s.idle_timeout / 5 : s.idle_timeout;
  if (now - c.last_activity > idle) hard_close(c);
}

void http_connections::evict_idle() {
  // The connections that have waited longest without a request in progress go first, across
  // the I/O threads: this thread closes only those older than every other thread's oldest.
  std::vector<connection*> idle;
  for (auto& [fd, c] : m_connections)
    if (is_idle(*c)) idle.push_back(c.get());
  std::sort(idle.begin(), idle.end(), [](const connection* a, const connection* b) {
    return a->last_activity < b->last_activity;
  });
  auto others_oldest = clock::time_point::max();
  {
    // Each thread says its oldest at every tick; until all have, nobody evicts.
    const std::lock_guard lock(m_hub->oldest_mutex);
    if (m_hub->oldest_idle.size() < m_hub->io_threads) return;
    for (const auto& [thread, oldest] : m_hub->oldest_idle)
      if (thread != this) others_oldest = std::min(others_oldest, oldest);
  }
  std::size_t older = 0;
  while (older < idle.size() && idle[older]->last_activity <= others_oldest)
    ++older;
  std::size_t wanted = m_hub->evict_wanted.load();
  std::size_t take = 0;
  do {
    take = std::min(wanted, older);
  } while (take > 0 && !m_hub->evict_wanted.compare_exchange_weak(wanted, wanted - take));
  for (std::size_t i = 0; i < take; ++i)
    hard_close(*idle[i]);
  m_hub->evicted += take;
}

void http_connections::close_all() {
  for (auto& [fd, c] : m_connections) {
    m_hub->unanswered -= c->outbox.size();
    m_hub->buffered -= c->outbox_bytes + c->reserved;
    ::close(fd);
  }
  m_connections.clear();
}

}  // namespace server
