#include "server/pistache_transport.hpp"

#include <sys/timerfd.h>
#include <unistd.h>

#include <iostream>
#include <vector>

#include "server/http_connections.hpp"

namespace server {

using namespace Pistache;

pistache_transport::pistache_transport(const std::shared_ptr<http_connections>& handler)
    : Tcp::Transport(handler), m_handler(handler) {}

pistache_transport::~pistache_transport() {
  if (m_timer >= 0) ::close(m_timer);
}

void pistache_transport::registerPoller(Polling::Epoll& poller) {
  Tcp::Transport::registerPoller(poller);
  m_mailbox.bind(poller);
  m_timer = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (m_timer < 0) throw std::system_error(errno, std::generic_category(), "timerfd_create");
  itimerspec tick{};
  tick.it_interval.tv_nsec = 100'000'000;
  tick.it_value.tv_nsec = 100'000'000;
  ::timerfd_settime(m_timer, 0, &tick, nullptr);
  poller.addFd(m_timer, Flags<Polling::NotifyOn>(Polling::NotifyOn::Read), timer_tag());
}

void pistache_transport::onReady(const Aio::FdSet& fds) {
  // An exception escaping here would end the process (Pistache runs this on its own thread
  // with no handler), so it is caught and logged.
  try {
    std::vector<Polling::Event> rest;
    rest.reserve(fds.size());
    for (const auto& entry : fds) {
      const Polling::Tag tag = entry.getTag();
      if (tag == m_mailbox.tag()) {
        while (auto mail = m_mailbox.popSafe())
          m_handler->on_mail(std::move(*mail));
        continue;
      }
      if (tag == timer_tag()) {
        std::uint64_t ticks = 0;
        [[maybe_unused]] const auto n = ::read(m_timer, &ticks, sizeof ticks);
        m_handler->on_tick();
        continue;
      }
      // Reads and writes of our connections are ours (http_connections::on_readable, pump);
      // Pistache gets the end of a stream, to remove the connection, and its own events.
      const int fd = static_cast<int>(tag.value());
      const bool ours = m_handler->owns(fd);
      if (ours && entry.isWritable()) m_handler->on_writable(fd);
      bool readable = entry.isReadable();
      if (ours && readable)
        readable = m_handler->on_readable(fd) == http_connections::read_result::ended;
      if (ours && !readable) continue;
      Polling::Event event(tag);
      if (readable) event.flags.setFlag(Polling::NotifyOn::Read);
      if (entry.isHangup()) event.flags.setFlag(Polling::NotifyOn::Hangup);
      rest.push_back(std::move(event));
    }
    // Ends of streams and new connections.
    Tcp::Transport::onReady(Aio::FdSet(std::move(rest)));
  } catch (const std::exception& e) {
    std::cerr << "sasaran serve: I/O thread: " << e.what() << std::endl;
  }
}

Polling::Tag pistache_transport::timer_tag() const {
  return Polling::Tag(static_cast<std::uint64_t>(m_timer));
}

void pistache_transport::watch_writable(int fd, bool on) {
  const Polling::NotifyOn read = Polling::NotifyOn::Read | Polling::NotifyOn::Shutdown;
  reactor()->modifyFd(key(), fd, on ? read | Polling::NotifyOn::Write : read, Polling::Mode::Edge);
}

std::shared_ptr<Aio::Handler> pistache_transport::clone() const {
  return std::make_shared<pistache_transport>(
      std::static_pointer_cast<http_connections>(m_handler->clone()));
}

void pistache_transport::post(connection_mail mail) {
  m_mailbox.push(std::move(mail));
}

}  // namespace server
