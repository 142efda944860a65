#include "server/metrics.hpp"

#include <sstream>

namespace server {
namespace {

std::string quoted(const std::string& label) {
  std::string out = "\"";
  for (const char c : label) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c == '\n' ? ' ' : c);
  }
  return out + "\"";
}

}  // namespace

void metrics::record(const std::string& route, int status, double seconds) {
  const std::lock_guard lock(m_mutex);
  ++m_requests[{route, status}];
  histogram& h = m_latency[route];
  for (std::size_t i = 0; i < bounds.size(); ++i)
    if (seconds <= bounds[i]) {
      ++h.buckets[i];
      break;
    }
  ++h.count;
  h.sum += seconds;
}

void metrics::gauge(std::string name, std::string help, std::function<double()> read) {
  const std::lock_guard lock(m_mutex);
  m_gauges.push_back({std::move(name), std::move(help), std::move(read)});
}

std::string metrics::text() const {
  std::ostringstream out;
  const std::lock_guard lock(m_mutex);
  out << "# HELP sasaran_http_requests_total HTTP requests answered, by route and status.\n"
         "# TYPE sasaran_http_requests_total counter\n";
  for (const auto& [key, n] : m_requests)
    out << "sasaran_http_requests_total{route=" << quoted(key.first) << ",status=\"" << key.second
        << "\"} " << n << '\n';
  out << "# HELP sasaran_http_request_duration_seconds Time from request to response, by "
         "route.\n# TYPE sasaran_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : m_latency) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < bounds.size(); ++i) {
      cumulative += h.buckets[i];
      out << "sasaran_http_request_duration_seconds_bucket{route=" << quoted(route) << ",le=\""
          << bounds[i] << "\"} " << cumulative << '\n';
    }
    out << "sasaran_http_request_duration_seconds_bucket{route=" << quoted(route)
        << ",le=\"+Inf\"} " << h.count << '\n'
        << "sasaran_http_request_duration_seconds_sum{route=" << quoted(route) << "} " << h.sum
        << '\n'
        << "sasaran_http_request_duration_seconds_count{route=" << quoted(route) << "} " << h.count
        << '\n';
  }
  for (const gauge_entry& g : m_gauges)
    out << "# HELP " << g.name << ' ' << g.help << "\n# TYPE " << g.name << " gauge\n"
        << g.name << ' ' << g.read() << '\n';
  return out.str();
}

}  // namespace server
