#include "server/edge.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <iostream>
#include <random>

#include "geo/error.hpp"
#include "server/gzip.hpp"
#include "server/http_request_parser.hpp"
#include "server/http_text.hpp"
#include "server/log_text.hpp"
#include "server/problem.hpp"
#include "server/url.hpp"
#include "server/wire_response.hpp"
#include "tiles/error.hpp"

namespace server {
namespace {

// Below this size gzip saves less than its header costs.
constexpr std::size_t min_gzip_bytes = 1024;
// Answers compressed here are compressed afresh for every request (those that are the same for
// many are kept compressed by their routes: tiles, OGC items of areas). From this size on the
// fast level pays: on a 222,634-byte kelurahan GeoJSON (libdeflate 1.14, one core, CPU time)
// level 1 took 0.86 ms for 58,065 bytes (26.1%), level 2 1.45 ms for 54,587, level 4 1.92 ms
// for 53,108, level 6 3.63 ms for 48,362 (21.7%): a quarter of the CPU for 20% more bytes.
// Smaller answers take well under a millisecond at level 6.
constexpr std::size_t fast_gzip_bytes = 64 * 1024;
// More query parameters than any route takes; a longer list is refused before it is decoded.
constexpr std::size_t max_query_parameters = 64;

// Eight hex digits of the process's random prefix, '-', at least eight of the counter. Written
// by hand: snprintf's format parsing was a visible share of a nearest-10 request's CPU.
std::string new_request_id() {
  static const std::uint64_t prefix = std::random_device{}();
  static std::atomic<std::uint64_t> counter{0};
  static constexpr char digits[] = "0123456789abcdef";
  const auto hex = [](std::string& out, std::uint64_t v, int width) {
    int n = width;
    while (n < 16 && (v >> (4 * n)) != 0)
      ++n;
    for (int i = n - 1; i >= 0; --i)
      out += digits[(v >> (4 * i)) & 0xf];
  };
  std::string id;
  id.reserve(24);
  hex(id, prefix & 0xffffffffULL, 8);
  id += '-';
  hex(id, ++counter, 8);
  return id;
}

// RFC 9110 5.1: field names compare case-insensitively; `lower` is given in lowercase.
bool is_field(std::string_view name, std::string_view lower) {
  return name.size() == lower.size() &&
         std::equal(name.begin(), name.end(), lower.begin(),
                    [](char a, char b) { return (a >= 'A' && a <= 'Z' ? a | 0x20 : a) == b; });
}

bool is_json_type(const std::string& content_type) {
  const std::string t = lowercase_ascii(content_type.substr(0, content_type.find(';')));
  return t == "application/json" || (t.starts_with("application/") && t.ends_with("+json"));
}

// Fields that say one thing; a second copy makes the request ambiguous (RFC 9110 5.3).
bool is_singleton(const std::string& name) {
  static constexpr std::array<std::string_view, 5> names = {"host", "authorization", "content-type",
                                                            "content-length", "origin"};
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::unordered_map<std::string, std::string> headers_of(const wire_request& w) {
  std::unordered_map<std::string, std::string> out;
  for (const auto& [name, value] : w.fields) {
    const auto [it, fresh] = out.emplace(name, value);
    if (fresh) continue;
    if (is_singleton(name))
      throw http_error(400, "the " + name + " header is given more than once", name);
    it->second += ", " + value;
  }
  return out;
}

// The path decoded segment by segment, so that an encoded '/' (%2F) stays data and never
// becomes a separator: a segment that decodes to one names no resource.
std::string decoded_path(std::string_view raw) {
  if (!raw.starts_with('/'))
    throw http_error(400, "the request target must be a path starting with '/'");
  std::string path;
  while (!raw.empty()) {
    raw.remove_prefix(1);
    const std::size_t slash = raw.find('/');
    const std::string segment = percent_decode(raw.substr(0, slash), false);
    if (segment.find('/') != std::string::npos)
      throw http_error(404, "no resource at " + path + "/" + std::string(raw.substr(0, slash)) +
                                ": an encoded '/' (%2F) is not a path separator");
    if (std::any_of(segment.begin(), segment.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
      throw http_error(400, "control characters in the path");
    path += "/" + segment;
    if (slash == std::string_view::npos) break;
    raw.remove_prefix(slash);
  }
  return path.empty() ? "/" : path;
}

// RFC 9112 3.2.2: a server accepts the absolute form, as proxies send it.
std::string_view origin_form(std::string_view target) {
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (target.size() < scheme.size() ||
        lowercase_ascii(std::string(target.substr(0, scheme.size()))) != scheme)
      continue;
    const std::size_t slash = target.find('/', scheme.size());
    return slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  return target;
}

std::vector<std::pair<std::string, std::string>> query_of(std::string_view query) {
  if (std::count(query.begin(), query.end(), '&') >= std::ptrdiff_t(max_query_parameters))
    throw http_error(400, "more than " + std::to_string(max_query_parameters) +
                              " query parameters; no endpoint takes that many");
  return parse_query(query);
}

// RFC 9110 7.2: uri-host [":" port]; checked because links in answers (and answers a proxy
// caches) are built from it.
bool is_host(std::string_view host) {
  return !host.empty() && host.size() <= 255 && std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
           c == '[' || c == ']' || c == '_';
  });
}

// Links name the scheme the client used: a proxy in front that ends TLS says so in
// X-Forwarded-Proto (deploy/nginx sets it).
std::string base_url_of(const request& r, const std::string& fallback_host) {
  const std::string host = r.header("host").value_or(fallback_host);
  if (!is_host(host)) throw http_error(400, "Host: not a host name or address", "Host");
  const std::string proto = lowercase_ascii(r.header("x-forwarded-proto").value_or("http"));
  return (proto == "https" ? "https://" : "http://") + host;
}

// A proxy in front names requests in its own log; answering with its id ties both logs
// together. Only a plain token is taken, so that the id is safe to echo and log.
void adopt_request_id(request& r) {
  const std::optional<std::string> given = r.header("x-request-id");
  if (!given || given->empty() || given->size() > 64) return;
  if (std::all_of(given->begin(), given->end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' ||
               c == '-';
      }))
    r.request_id = *given;
}

std::string conflict_type(geo::conflict_kind kind) {
  switch (kind) {
    case geo::conflict_kind::target_taken:
      return "target-taken";
    case geo::conflict_kind::pledge_cancelled:
      return "pledge-cancelled";
    case geo::conflict_kind::pledge_delivered:
      return "pledge-delivered";
    case geo::conflict_kind::target_located:
      return "target-already-located";
  }
  return "conflict";
}

// Statuses for the errors geo/ and tiles/ raise; anything else is a bug and becomes a 500.
std::optional<http_error> mapped(const std::exception& e) {
  if (const auto* h = dynamic_cast<const http_error*>(&e)) return *h;
  if (dynamic_cast<const geo::not_found_error*>(&e)) return http_error(404, e.what());
  if (const auto* c = dynamic_cast<const geo::conflict_error*>(&e)) {
    http_error conflict(409, e.what());
    conflict.typed(conflict_type(c->kind()));
    if (!c->holder().empty()) conflict.with("holder", c->holder());
    return conflict;
  }
  if (const auto* f = dynamic_cast<const geo::field_error*>(&e))
    return http_error(400, e.what(), f->field());
  if (dynamic_cast<const geo::input_error*>(&e)) return http_error(400, e.what());
  if (dynamic_cast<const tiles::error*>(&e)) return http_error(400, e.what());
  if (dynamic_cast<const geo::store_error*>(&e))
    return http_error(503, "the store could not complete the request; nothing was written")
        .typed("store-unavailable");
  return std::nullopt;
}

std::string allow_list(const std::vector<std::string>& methods) {
  std::vector<std::string> all = methods;
  if (std::find(all.begin(), all.end(), "GET") != all.end()) all.push_back("HEAD");
  all.push_back("OPTIONS");
  std::string out;
  for (const std::string& m : all)
    out += (out.empty() ? "" : ", ") + m;
  return out;
}

}  // namespace

edge::edge(std::string host, metrics& counters) : m_host(std::move(host)), m_metrics(counters) {}

void edge::serve(const router& routes, authenticator authenticate) {
  m_authenticate = std::move(authenticate);
  m_routes.store(&routes, std::memory_order_release);
}

exchange edge::accept(wire_request&& wire) const {
  exchange x;
  x.r.request_id = new_request_id();
  x.head = wire.method == "HEAD";
  x.keep_alive = wire.keep_alive();
  x.r.method = x.head ? "GET" : wire.method;
  try {
    std::string_view target = origin_form(wire.target);
    x.r.path = std::string(target.substr(0, target.find('?')));  // raw until decoded
    x.r.headers = headers_of(wire);
    adopt_request_id(x.r);
    x.r.base_url = base_url_of(x.r, m_host + ":" + std::to_string(m_port));
    if (target == "*" && wire.method == "OPTIONS") {
      x.route = "preflight";
      x.answer = {204, "", "", {{"Allow", "GET, HEAD, POST, OPTIONS"}}};
      return x;
    }
    x.r.path = decoded_path(x.r.path);
    if (const std::size_t q = target.find('?'); q != std::string_view::npos)
      x.r.query = query_of(target.substr(q + 1));
    x.r.body = std::move(wire.body);
    route(x);
  } catch (const std::exception& e) {
    x.run = nullptr;
    x.answer = refusal(e, x.r);
  }
  return x;
}

void edge::route(exchange& x) const {
  request& r = x.r;
  const router* routes = m_routes.load(std::memory_order_acquire);
  if (r.path == "/readyz") {
    x.route = "/readyz";
    if (!routes) throw http_error(503, "loading the store; not ready yet").typed("not-ready");
    x.answer = response::json("{\"status\":\"ready\"}");
    return;
  }
  if (!routes) {
    if (r.path == "/healthz") {
      x.route = "/healthz";
      x.answer = response::json("{\"status\":\"ok\",\"ready\":false}");
      return;
    }
    throw http_error(503, "loading the store; ready in a few seconds").typed("not-ready");
  }
  const router::match found =
      routes->find(r.method == "OPTIONS" ? std::string_view("GET") : std::string_view(r.method),
                   r.path, r.params);
  x.route = found.route;
  if (r.method == "OPTIONS") {
    if (!found.path_known) throw http_error(404, "no resource at " + r.path);
    x.route = "preflight";
    x.answer = preflight(found);
    return;
  }
  if (!found.run) {
    if (!found.path_known) throw http_error(404, "no resource at " + r.path);
    const std::string allowed = allow_list(found.allowed);
    x.answer = refusal(
        http_error(405, r.method + " is not allowed on " + r.path + "; allowed: " + allowed), r);
    x.answer.headers.emplace_back("Allow", allowed);  // RFC 9110 15.5.6
    return;
  }
  if (!r.body.empty() && !is_json_type(r.header("content-type").value_or("")))
    throw http_error(415, "request body must be application/json, got '" +
                              r.header("content-type").value_or("no Content-Type") + "'");
  x.run = found.run;
  x.cost = found.cost;
}

response edge::preflight(const router::match& found) const {
  std::vector<std::string> methods;
  for (const std::string& m : found.allowed)
    methods.push_back(m);
  const std::string allowed = allow_list(methods);
  return {204,
          "",
          "",
          {{"Allow", allowed},
           {"Access-Control-Allow-Methods", allowed},
           {"Access-Control-Allow-Headers",
            "Authorization, Content-Type, If-None-Match, Idempotency-Key"},
           {"Access-Control-Max-Age", "86400"}}};
}

void edge::run(exchange& x) const {
  const handler* h = std::exchange(x.run, nullptr);
  if (!h) return;
  try {
    x.r.caller = m_authenticate(x.r.header("authorization"));
    x.answer = (*h)(x.r);
  } catch (const std::exception& e) {
    x.answer = refusal(e, x.r);
  } catch (...) {
    x.answer = refusal(std::runtime_error("unknown exception"), x.r);
  }
}

void edge::shed(exchange& x, std::string why) const {
  x.run = nullptr;
  x.answer = refusal(http_error(503, std::move(why)), x.r);
}

response edge::refusal(const std::exception& e, const request& r) const {
  std::optional<http_error> known = mapped(e);
  if (!known) {
    // A bug: the client learns only the request id; the details go to the log, escaped, as
    // the path and message may quote the request.
    std::cerr << "sasaran serve: request " << r.request_id << " " << log_text(r.method, 16) << " "
              << log_text(r.path) << " failed: " << log_text(e.what(), 1024) << std::endl;
    known =
        http_error(500, "internal error; quote request id " + r.request_id + " to the operators");
  }
  response out{
      known->status(), "application/problem+json", problem_json(*known, r.path, r.request_id), {}};
  switch (known->status()) {
    case 401:
      out.headers.emplace_back("WWW-Authenticate", "Bearer");
      break;
    case 503:
      out.headers.emplace_back("Retry-After", ready() ? "1" : "5");
      break;
    default:
      break;
  }
  return out;
}

std::string edge::refuse_unread(const http_error& e) const {
  exchange x;
  x.r.request_id = new_request_id();
  x.r.path = "";
  x.keep_alive = false;
  x.route = "unread";
  x.answer = refusal(e, x.r);
  return finish(x);
}

std::string edge::finish(exchange& x) const {
  const request& r = x.r;
  response& out = x.answer;
  std::vector<std::pair<std::string, std::string>> headers;
  headers.reserve(8 + out.headers.size());
  headers.emplace_back("X-Request-Id", r.request_id);
  // Browsers send Origin on every cross-origin request; others need no CORS headers.
  if (r.headers.contains("origin")) {
    headers.emplace_back("Access-Control-Allow-Origin", "*");
    headers.emplace_back("Access-Control-Expose-Headers", "ETag, Link, Location, X-Request-Id");
  }
  // RFC 9110 15.4.5: a 304 repeats the Vary the 200 would have sent.
  if (!out.body.empty() || out.status == 304)
    headers.emplace_back("Vary", "Accept-Encoding, Authorization");
  if (!out.body.empty()) {
    headers.emplace_back("Content-Type", out.content_type);
    const bool encoded = std::any_of(out.headers.begin(), out.headers.end(), [](const auto& h) {
      return is_field(h.first, "content-encoding");
    });
    if (!encoded && out.body.size() >= min_gzip_bytes &&
        accepts_gzip(r.header("accept-encoding").value_or(""))) {
      out.body = gzip(out.body, out.body.size() >= fast_gzip_bytes ? gzip_fast : gzip_packed);
      headers.emplace_back("Content-Encoding", "gzip");
      // A strong ETag names exact bytes, so the gzipped form gets its own.
      for (auto& [name, value] : out.headers)
        if (is_field(name, "etag") && value.size() > 2 && value.back() == '"')
          value.insert(value.size() - 1, "-gzip");
    }
  }
  bool has_cache_control = false;
  for (const auto& [name, value] : out.headers) {
    has_cache_control |= is_field(name, "cache-control");
    headers.emplace_back(name, value);
  }
  if (!has_cache_control)
    headers.emplace_back("Cache-Control",
                         r.caller.token_id.empty() ? "no-cache" : "private, no-store");
  std::string bytes = wire_response(out.status, headers, out.body, x.head, x.keep_alive);
  m_metrics.record(
      x.route, out.status,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - x.started).count());
  return bytes;
}

}  // namespace server
