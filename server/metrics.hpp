#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace server {

/// Counters the server exposes at /metrics in Prometheus's text format: requests by route and
/// status, a latency histogram per route, and gauges read when scraped (index sizes).
class metrics {
 public:
  void record(const std::string& route, int status, double seconds);
  /// A gauge whose value is read at each scrape.
  void gauge(std::string name, std::string help, std::function<double()> read);
  std::string text() const;

 private:
  static constexpr std::array<double, 12> bounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                    0.01,   0.025,   0.05,   0.1,   0.5,    1.0};
  struct histogram {
    std::array<std::uint64_t, bounds.size()> buckets{};  // cumulative when written
    std::uint64_t count = 0;
    double sum = 0;
  };
  struct gauge_entry {
    std::string name;
    std::string help;
    std::function<double()> read;
  };
  mutable std::mutex m_mutex;
  std::map<std::pair<std::string, int>, std::uint64_t> m_requests;
  std::map<std::string, histogram> m_latency;
  std::vector<gauge_entry> m_gauges;
};

}  // namespace server
