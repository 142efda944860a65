// The HTTP edge over real sockets, in process: routes made for the test (blocking, slow, large),
// so that each hostile pattern is reproduced exactly and without the Jakarta data.
#include "server/pistache_edge.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <thread>
#include <vector>

#include "tests/support/raw_connection.hpp"

namespace {

using namespace std::chrono_literals;
using server::route_cost;
using test_support::raw_answer;
using test_support::raw_connection;

// Lets a test hold a handler until it says go, and know when the handler was entered.
class gate {
 public:
  void wait_in_handler() {
    std::unique_lock lock(m_mutex);
    ++m_entered;
    m_changed.notify_all();
    m_changed.wait(lock, [&] { return m_open; });
  }
  bool wait_entered(int count, std::chrono::milliseconds within = 60s) {
    std::unique_lock lock(m_mutex);
    return m_changed.wait_for(lock, within, [&] { return m_entered >= count; });
  }
  void open() {
    const std::lock_guard lock(m_mutex);
    m_open = true;
    m_changed.notify_all();
  }

 private:
  std::mutex m_mutex;
  std::condition_variable m_changed;
  int m_entered = 0;
  bool m_open = false;
};

class PistacheEdge : public ::testing::Test {
 protected:
  PistacheEdge() {
    m_options.port = 0;
    m_routes.add("GET", "/light", [](server::request&) { return server::response::json("{}"); });
    m_routes.add("GET", "/healthz",
                 [](server::request&) { return server::response::json("{\"status\":\"ok\"}"); });
    m_routes.add(
        "GET", "/held",
        [this](server::request&) {
          m_gate.wait_in_handler();
          return server::response::json("{\"held\":true}");
        },
        route_cost::heavy);
    m_routes.add(
        "GET", "/large",
        [this](server::request&) {
          std::this_thread::sleep_for(m_large_delay);
          return server::response{200, "text/plain", std::string(m_large_bytes, 'x'), {}};
        },
        route_cost::heavy);
  }
  ~PistacheEdge() override {
    m_gate.open();
    if (m_edge) m_edge->stop(0ms);
  }

  void start() {
    m_edge = std::make_unique<server::pistache_edge>(m_options, m_metrics);
    m_edge->start();
    m_edge->serve(m_routes, [](const std::optional<std::string>&) { return server::principal{}; });
  }
  std::uint16_t port() const { return m_edge->port(); }

  raw_answer get(raw_connection& c, const std::string& path) {
    EXPECT_TRUE(c.send("GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n"));
    std::optional<raw_answer> a = c.read_answer();
    if (!a) throw std::runtime_error("no answer to " + path);
    return *a;
  }

  bool healthy() {
    raw_connection c(port());
    return get(c, "/healthz").status == 200;
  }

  server::edge_options m_options;
  server::metrics m_metrics;
  server::router m_routes;
  gate m_gate;
  std::size_t m_large_bytes = 2 << 20;
  std::chrono::milliseconds m_large_delay{20};
  std::unique_ptr<server::pistache_edge> m_edge;
};

// The pattern that crashed Pistache's own HTTP layer ("could not find write data"): many
// keep-alive clients whose large answers wait in line longer than the keep-alive timeout.
TEST_F(PistacheEdge, AnswersEveryClientWhenLargeAnswersWaitLongerThanTheKeepAlive) {
  // Answers wait in line about 2 s (24 clients x 100 ms on one heavy thread), twice the
  // keep-alive; a client still has a whole second between reading one answer and asking again.
  m_options.connections.idle_timeout = 1s;
  m_large_delay = 100ms;
  m_options.heavy.queue = 1000;
  m_options.heavy.max_wait = 10min;
  start();
  std::vector<std::future<int>> clients;
  for (int i = 0; i < 24; ++i)
    clients.push_back(std::async(std::launch::async, [this] {
      raw_connection c(port());
      int complete = 0;
      for (int round = 0; round < 3; ++round) {
        const raw_answer a = get(c, "/large");
        complete += a.status == 200 && a.body.size() == m_large_bytes;
      }
      return complete;
    }));
  for (auto& f : clients)
    EXPECT_EQ(f.get(), 3);
  EXPECT_TRUE(healthy());
}

TEST_F(PistacheEdge, DropsAClientThatStopsReadingAndKeepsAnsweringOthers) {
  m_options.connections.write_timeout = 300ms;
  m_large_bytes = 64 << 20;  // more than the socket buffers hold
  m_large_delay = 0ms;
  start();
  raw_connection stalled(port());
  ASSERT_TRUE(stalled.send("GET /large HTTP/1.1\r\nHost: t\r\n\r\n"));
  std::this_thread::sleep_for(100ms);
  raw_connection other(port());
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(get(other, "/light").status, 200);
  // Not reading, past the write timeout: the server gives up on it (reading now finds the
  // end of what the kernel already held, then the close, not the 64 MiB).
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (m_metrics.text().find("sasaran_http_slow_readers_dropped 1\n") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(50ms);
  EXPECT_NE(m_metrics.text().find("sasaran_http_slow_readers_dropped 1\n"), std::string::npos);
  EXPECT_TRUE(stalled.closed_within(60s));
  EXPECT_TRUE(healthy());
}

TEST_F(PistacheEdge, ShedsWith503AtOnceWhenTheHeavyLaneIsFullAndServesLightRoutesMeanwhile) {
  m_options.heavy.threads = 1;
  m_options.heavy.queue = 1;
  m_options.heavy.max_wait = 10min;
  start();
  raw_connection running(port()), waiting(port()), refused(port());
  ASSERT_TRUE(running.send("GET /held HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_TRUE(m_gate.wait_entered(1));
  ASSERT_TRUE(waiting.send("GET /held HTTP/1.1\r\nHost: t\r\n\r\n"));
  // Once it waits in the queue (however slow the machine), the queue is full.
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (m_metrics.text().find("sasaran_work_heavy_waiting 1\n") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  const raw_answer shed = get(refused, "/held");
  EXPECT_EQ(shed.status, 503);
  EXPECT_EQ(shed.headers.at("retry-after"), "1");
  EXPECT_EQ(shed.headers.at("content-type"), "application/problem+json");
  EXPECT_EQ(get(refused, "/light").status, 200);
  EXPECT_TRUE(healthy());
  m_gate.open();
  EXPECT_EQ(running.read_answer()->status, 200);
  EXPECT_EQ(waiting.read_answer()->status, 200);
}

TEST_F(PistacheEdge, AnswersARequestInFlightWhenStoppedThenClosesTheConnection) {
  start();
  raw_connection c(port());
  ASSERT_TRUE(c.send("GET /held HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_TRUE(m_gate.wait_entered(1));
  auto stopped = std::async(std::launch::async, [this] { m_edge->stop(60s); });
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(stopped.wait_for(0ms), std::future_status::timeout) << "stop did not wait";
  m_gate.open();
  const std::optional<raw_answer> a = c.read_answer();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->body, "{\"held\":true}");
  EXPECT_EQ(a->headers.at("connection"), "close");
  stopped.get();
  m_edge.reset();
}

TEST_F(PistacheEdge, ClosesTheLongestIdleConnectionsToMakeRoomForNewOnes) {
  m_options.connections.max_connections = 20;
  m_options.connections.idle_timeout = 10min;  // so that only eviction closes them
  start();
  std::vector<std::unique_ptr<raw_connection>> idle;
  for (int i = 0; i < 20; ++i) {
    idle.push_back(std::make_unique<raw_connection>(port()));
    EXPECT_EQ(get(*idle.back(), "/light").status, 200);
    std::this_thread::sleep_for(5ms);
  }
  raw_connection fresh(port());
  EXPECT_EQ(get(fresh, "/light").status, 200);
  EXPECT_TRUE(idle.front()->closed_within(10s)) << "the oldest idle connection stays open";
  EXPECT_FALSE(idle.back()->closed_within(200ms)) << "the newest idle connection was closed";
}

TEST_F(PistacheEdge, AnswersASlowHeaderWith408AndCloses) {
  m_options.connections.header_timeout = 200ms;
  start();
  raw_connection c(port());
  ASSERT_TRUE(c.send("GET /light HTTP/1.1\r\nHo"));
  const std::optional<raw_answer> a = c.read_answer(60s);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, 408);
  EXPECT_EQ(a->headers.at("content-type"), "application/problem+json");
  EXPECT_TRUE(c.closed_within(10s));
}

TEST_F(PistacheEdge, ClosesAnIdleKeepAliveConnectionAfterTheTimeout) {
  m_options.connections.idle_timeout = 200ms;
  start();
  raw_connection c(port());
  EXPECT_EQ(get(c, "/light").status, 200);
  EXPECT_TRUE(c.closed_within(10s));
}

TEST_F(PistacheEdge, RefusesA2MbUrlWith414ProblemBeforeReadingItAll) {
  start();
  raw_connection c(port());
  c.send("GET /light?q=" + std::string(2 << 20, 'a') + " HTTP/1.1\r\nHost: t\r\n\r\n");
  const std::optional<raw_answer> a = c.read_answer();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, 414);
  EXPECT_EQ(a->headers.at("content-type"), "application/problem+json");
  EXPECT_EQ(a->headers.at("connection"), "close");
  EXPECT_TRUE(healthy());
}

TEST_F(PistacheEdge, AnswersPipelinedRequestsInOrderAcrossLanes) {
  start();
  raw_connection c(port());
  m_gate.open();
  c.send(
      "GET /light HTTP/1.1\r\nHost: t\r\n\r\n"
      "GET /held HTTP/1.1\r\nHost: t\r\n\r\n"
      "GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n"
      "HEAD /light HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(c.read_answer()->body, "{}");
  EXPECT_EQ(c.read_answer()->body, "{\"held\":true}");
  EXPECT_EQ(c.read_answer()->status, 404);
  const std::optional<raw_answer> head = c.read_answer(60s, true);
  EXPECT_EQ(head->headers.at("content-length"), "2");
  EXPECT_EQ(get(c, "/light").status, 200) << "the connection stays usable";
}

TEST_F(PistacheEdge, RefusesAnUploadPastTheBufferBudgetWith503AndServesOthers) {
  m_options.connections.max_buffered_bytes = 100'000;
  m_routes.add("POST", "/upload", [](server::request& r) {
    return server::response::json(std::to_string(r.body.size()));
  });
  start();
  raw_connection big(port());
  big.send(
      "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
      "Content-Length: 200000\r\n\r\n[");
  const std::optional<raw_answer> refused = big.read_answer();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(refused->headers.at("retry-after"), "1");
  raw_connection small(port());
  small.send(
      "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
      "Content-Length: 2\r\n\r\n[]");
  EXPECT_EQ(small.read_answer()->body, "2");
  // Everything given back once the answers are out (the count drops just after the send).
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (m_metrics.text().find("sasaran_http_buffered_bytes 0\n") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  EXPECT_NE(m_metrics.text().find("sasaran_http_buffered_bytes 0\n"), std::string::npos);
}

TEST_F(PistacheEdge, ABusyPortIsAnEdgeErrorAtOnce) {
  start();
  server::edge_options again = m_options;
  again.port = port();
  server::metrics other;
  server::pistache_edge second(again, other);
  EXPECT_THROW(second.start(), server::edge_error);
}

TEST_F(PistacheEdge, AnswersHealthzBeforeTheRoutesAreServed) {
  m_edge = std::make_unique<server::pistache_edge>(m_options, m_metrics);
  m_edge->start();
  raw_connection c(port());
  EXPECT_EQ(get(c, "/healthz").body, "{\"status\":\"ok\",\"ready\":false}");
  EXPECT_EQ(get(c, "/readyz").status, 503);
  EXPECT_EQ(get(c, "/light").status, 503);
}

}  // namespace
