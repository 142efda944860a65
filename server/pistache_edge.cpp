#include "server/pistache_edge.hpp"

#include <pistache/endpoint.h>
#include <pistache/http.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <iostream>
#include <random>
#include <sstream>

#include "geo/error.hpp"
#include "server/gzip.hpp"
#include "server/problem.hpp"
#include "server/url.hpp"
#include "tiles/error.hpp"

namespace server {
namespace {

using namespace Pistache;

// Pistache drops headers added raw to a response (STACK-NOTES.md), so every header we write
// goes through this typed header with a name chosen at run time.
class named_header final : public Http::Header::Header {
 public:
  named_header(std::string name, std::string value)
      : m_name(std::move(name)), m_value(std::move(value)) {}
  const char* name() const override { return m_name.c_str(); }
  void write(std::ostream& os) const override { os << m_value; }
  std::uint64_t hash() const override {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : m_name)
      h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    return h;
  }

 private:
  std::string m_name;
  std::string m_value;
};

std::string lowercase(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::unordered_map<std::string, std::string> headers_of(const Http::Request& req) {
  std::unordered_map<std::string, std::string> out;
  // Pistache parses the headers it knows into typed objects; of those, we read three, through
  // write(), which gives their value back.
  for (const auto& h : req.headers().list()) {
    const std::string name = lowercase(h->name());
    if (name != "host" && name != "authorization" && name != "content-type") continue;
    std::ostringstream value;
    h->write(value);
    out.emplace(name, value.str());
  }
  for (const auto& [name, raw] : req.headers().rawList())
    out.emplace(lowercase(name), raw.value());
  return out;
}

std::string_view path_of(const std::string& resource) {
  std::string_view path = resource;
  return path.substr(0, path.find('?'));
}

bool is_json_type(const std::string& content_type) {
  const std::string t = lowercase(content_type.substr(0, content_type.find(';')));
  return t == "application/json" || (t.starts_with("application/") && t.ends_with("+json"));
}

// HTTP/1.1 connections persist unless the client says otherwise (RFC 9112, 9.3), but
// Pistache answers "Connection: Close" to a request without a Connection header (and then
// keeps the socket open anyway). Say keep-alive instead, so clients reuse the connection.
void keep_alive_by_default(const Http::Request& req, Http::ResponseWriter& writer) {
  if (req.version() != Http::Version::Http11) return;
  const auto asked = req.headers().tryGet<Http::Header::Connection>();
  if (asked && asked->control() == Http::ConnectionControl::Close) return;
  writer.headers().remove<Http::Header::Connection>();
  writer.headers().add<Http::Header::Connection>(Http::ConnectionControl::KeepAlive);
}

std::string new_request_id() {
  static const std::uint64_t prefix = std::random_device{}();
  static std::atomic<std::uint64_t> counter{0};
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%08llx-%08llx",
                static_cast<unsigned long long>(prefix & 0xffffffffULL),
                static_cast<unsigned long long>(++counter));
  return buffer;
}

// Statuses for the errors geo/ raises; anything else is a bug and becomes a 500.
std::optional<http_error> mapped(const std::exception& e) {
  if (const auto* h = dynamic_cast<const http_error*>(&e)) return *h;
  if (dynamic_cast<const geo::not_found_error*>(&e)) return http_error(404, e.what());
  if (const auto* c = dynamic_cast<const geo::conflict_error*>(&e)) {
    http_error conflict(409, e.what());
    if (!c->holder().empty()) conflict.with("holder", c->holder());
    return conflict;
  }
  if (const auto* f = dynamic_cast<const geo::field_error*>(&e))
    return http_error(400, e.what(), f->field());
  if (dynamic_cast<const geo::input_error*>(&e)) return http_error(400, e.what());
  if (dynamic_cast<const tiles::error*>(&e)) return http_error(400, e.what());
  if (dynamic_cast<const geo::store_error*>(&e))
    return http_error(503, "the store could not complete the request; nothing was written");
  return std::nullopt;
}

struct edge_state {
  edge_options options;
  const router& routes;
  metrics& counters;
  authenticator authenticate;
  std::atomic<std::uint16_t> port{0};
};

// Pistache clones the handler for each worker thread, so it holds only a pointer to what the
// threads share.
class edge_handler final : public Http::Handler {
 public:
  HTTP_PROTOTYPE(edge_handler)

  explicit edge_handler(std::shared_ptr<edge_state> state)
      : m_state(std::move(state)),
        m_options(m_state->options),
        m_routes(m_state->routes),
        m_metrics(m_state->counters),
        m_authenticate(m_state->authenticate) {}
  // The copy keeps the base's settings (maximum request size): Pistache sets them once on the
  // prototype and clones it per thread.
  edge_handler(const edge_handler& other)
      : Http::Handler(other),
        m_state(other.m_state),
        m_options(m_state->options),
        m_routes(m_state->routes),
        m_metrics(m_state->counters),
        m_authenticate(m_state->authenticate) {}

  void onRequest(const Http::Request& req, Http::ResponseWriter writer) override {
    const auto started = std::chrono::steady_clock::now();
    request r;
    r.request_id = new_request_id();
    std::string route = "unmatched";
    response out;
    const bool head = req.method() == Http::Method::Head;
    try {
      out = answer(req, r, route, head);
    } catch (const std::exception& e) {
      out = refusal(e, r);
    } catch (...) {
      out = refusal(std::runtime_error("unknown exception"), r);
    }
    keep_alive_by_default(req, writer);
    send(writer, r, out, head);
    m_metrics.record(
        route, out.status,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }

 private:
  response answer(const Http::Request& req, request& r, std::string& route, bool head) {
    r.method = head ? "GET" : Http::methodString(req.method());
    const std::string_view raw_path = path_of(req.resource());
    r.path = percent_decode(raw_path, false);
    for (auto it = req.query().parameters_begin(); it != req.query().parameters_end(); ++it)
      r.query.emplace_back(percent_decode(it->first, true), percent_decode(it->second, true));
    std::sort(r.query.begin(), r.query.end());
    r.headers = headers_of(req);
    r.base_url = "http://" + r.header("host").value_or(m_options.host + ":" +
                                                       std::to_string(m_state->port.load()));
    if (req.method() == Http::Method::Options) return preflight(r, route);

    const router::match found = m_routes.find(r.method, r.path, r.params);
    route = found.route;
    if (!found.run) {
      if (!found.path_known) throw http_error(404, "no resource at " + r.path);
      std::string allowed;
      for (const std::string& m : found.allowed)
        allowed += (allowed.empty() ? "" : ", ") + m;
      throw http_error(405, r.method + " is not allowed on " + r.path + "; allowed: " + allowed);
    }
    if (req.body().size() > m_options.max_body_bytes)
      throw http_error(413, "request body of " + std::to_string(req.body().size()) +
                                " bytes is over the limit of " +
                                std::to_string(m_options.max_body_bytes) + " bytes");
    if (!req.body().empty() && !is_json_type(r.header("content-type").value_or("")))
      throw http_error(415, "request body must be application/json, got '" +
                                r.header("content-type").value_or("no Content-Type") + "'");
    r.body = req.body();
    r.caller = m_authenticate(r.header("authorization"));
    return (*found.run)(r);
  }

  response preflight(const request& r, std::string& route) {
    route = "preflight";
    response out{204, "", "", {}};
    out.headers = {{"Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"},
                   {"Access-Control-Allow-Headers",
                    "Authorization, Content-Type, If-None-Match, Idempotency-Key"},
                   {"Access-Control-Max-Age", "86400"}};
    (void)r;
    return out;
  }

  response refusal(const std::exception& e, const request& r) {
    std::optional<http_error> known = mapped(e);
    if (!known) {
      // A bug: the client learns only the request id; the details go to the log.
      std::cerr << "sasaran serve: request " << r.request_id << " " << r.method << " " << r.path
                << " failed: " << e.what() << std::endl;
      known =
          http_error(500, "internal error; quote request id " + r.request_id + " to the operators");
    }
    response out{known->status(),
                 "application/problem+json",
                 problem_json(*known, r.path, r.request_id),
                 {}};
    if (known->status() == 401) out.headers.emplace_back("WWW-Authenticate", "Bearer");
    return out;
  }

  void send(Http::ResponseWriter& writer, const request& r, response& out, bool head) {
    auto& headers = writer.headers();
    headers.add(std::make_shared<named_header>("X-Request-Id", r.request_id));
    // Browsers send Origin on every cross-origin request; others need no CORS headers.
    if (r.headers.contains("origin")) {
      headers.add(std::make_shared<named_header>("Access-Control-Allow-Origin", "*"));
      headers.add(std::make_shared<named_header>("Access-Control-Expose-Headers",
                                                 "ETag, Link, Location, X-Request-Id"));
    }
    if (!out.body.empty()) {
      headers.add(std::make_shared<named_header>("Content-Type", out.content_type));
      headers.add(std::make_shared<named_header>("Vary", "Accept-Encoding, Authorization"));
      const bool encoded = std::any_of(out.headers.begin(), out.headers.end(), [](const auto& h) {
        return lowercase(h.first) == "content-encoding";
      });
      if (!encoded && out.body.size() >= 1024 &&
          accepts_gzip(r.header("accept-encoding").value_or(""))) {
        out.body = gzip(out.body);
        headers.add(std::make_shared<named_header>("Content-Encoding", "gzip"));
        // A strong ETag names exact bytes, so the gzipped form gets its own.
        for (auto& [name, value] : out.headers)
          if (lowercase(name) == "etag" && value.size() > 2 && value.back() == '"')
            value.insert(value.size() - 1, "-gzip");
      }
    }
    bool has_cache_control = false;
    for (const auto& [name, value] : out.headers) {
      has_cache_control |= lowercase(name) == "cache-control";
      headers.add(std::make_shared<named_header>(name, value));
    }
    if (!has_cache_control)
      headers.add(std::make_shared<named_header>(
          "Cache-Control", r.caller.token_id.empty() ? "no-cache" : "private, no-store"));
    writer.send(static_cast<Http::Code>(out.status), head ? std::string() : out.body);
  }

  std::shared_ptr<edge_state> m_state;
  const edge_options& m_options;
  const router& m_routes;
  metrics& m_metrics;
  const authenticator& m_authenticate;
};

}  // namespace

class pistache_edge::impl {
 public:
  std::shared_ptr<edge_state> state;
  std::unique_ptr<Http::Endpoint> endpoint;
};

pistache_edge::pistache_edge(edge_options options, const router& routes, metrics& counters,
                             authenticator authenticate)
    : m_impl(std::make_unique<impl>()) {
  m_impl->state =
      std::make_shared<edge_state>(std::move(options), routes, counters, std::move(authenticate));
}

pistache_edge::~pistache_edge() {
  stop();
}

void pistache_edge::start() {
  const edge_options& o = m_impl->state->options;
  const std::string where = o.host + ":" + std::to_string(o.port);
  try {
    m_impl->endpoint = std::make_unique<Http::Endpoint>(Address(o.host, Port(o.port)));
    // Bodies up to the limit plus headers reach us, so that a larger body gets our 413 with a
    // problem document rather than Pistache's plain one.
    m_impl->endpoint->init(Http::Endpoint::options()
                               .threads(static_cast<int>(o.threads))
                               .flags(Tcp::Options::ReuseAddr)
                               .maxRequestSize(o.max_body_bytes * 2 + 64 * 1024)
                               .maxResponseSize(256 * 1024 * 1024)
                               .keepaliveTimeout(o.keepalive)
                               .headerTimeout(std::chrono::seconds(30))
                               .bodyTimeout(std::chrono::seconds(60)));
    m_impl->endpoint->setHandler(Http::make_handler<edge_handler>(m_impl->state));
    m_impl->endpoint->serveThreaded();
  } catch (const std::exception& e) {
    m_impl->endpoint.reset();
    const std::string why = e.what();
    throw edge_error("cannot listen on " + where + ": " + why +
                     (why.find("in use") != std::string::npos
                          ? " (another server is on that port; choose another with --port, or "
                            "--port 0 for any free one)"
                          : ""));
  }
  m_impl->state->port = static_cast<std::uint16_t>(m_impl->endpoint->getPort());
}

std::uint16_t pistache_edge::port() const {
  return m_impl->state->port.load();
}

void pistache_edge::stop() {
  if (!m_impl || !m_impl->endpoint) return;
  m_impl->endpoint->shutdown();
  m_impl->endpoint.reset();
}

}  // namespace server
