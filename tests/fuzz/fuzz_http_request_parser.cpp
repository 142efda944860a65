// The incremental HTTP/1.1 request reader (server/http_request_parser) over any bytes, fed
// whole and in pieces. Input: when the first byte is a digit d, the next d bytes give the piece
// sizes in turn (1 + byte % 64); otherwise the input is fed one byte at a time. The rest is
// what a client sent, possibly several requests in a row. Small limits (below) make every
// refusal reachable with short inputs.
// Checked: feed() never uses more bytes than given; a complete request is taken and the
// parser then reads the next one; a fault is one of 400, 413, 414, 417, 431, 501, 505; requests
// stay within the limits; and the outcome fed whole is the outcome fed in pieces.
#include <algorithm>
#include <vector>

#include "server/http_request_parser.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using fuzz_support::require;

constexpr server::http_limits limits{
    .max_target = 64, .max_header_bytes = 256, .max_headers = 8, .max_body = 128};

struct outcome {
  std::vector<server::wire_request> requests;
  int fault = 0;         // the status, when the parser failed
  bool pending = false;  // the bytes ended inside a request
};

bool same(const server::wire_request& a, const server::wire_request& b) {
  return a.method == b.method && a.target == b.target && a.minor_version == b.minor_version &&
         a.fields == b.fields && a.body == b.body;
}

bool same(const outcome& a, const outcome& b) {
  return a.fault == b.fault && a.pending == b.pending &&
         std::equal(a.requests.begin(), a.requests.end(), b.requests.begin(), b.requests.end(),
                    [](const auto& x, const auto& y) { return same(x, y); });
}

std::string describe(const outcome& o) {
  std::string out = std::to_string(o.requests.size()) + " requests";
  for (const server::wire_request& r : o.requests)
    out += " [" + r.method + " " + r.target + ", " + std::to_string(r.fields.size()) +
           " fields, body " + std::to_string(r.body.size()) + "]";
  return out + ", fault " + std::to_string(o.fault) + (o.pending ? ", pending" : "");
}

void check_request(const server::wire_request& r) {
  require(!r.method.empty() && !r.target.empty(), "a request without method or target");
  require(r.target.size() <= limits.max_target, "a target over the limit was accepted");
  require(r.fields.size() <= limits.max_headers, "more fields than the limit were accepted");
  require(r.body.size() <= limits.max_body, "a body over the limit was accepted");
  require(r.minor_version == 0 || r.minor_version == 1, "a version other than 1.0 or 1.1");
  for (const auto& [name, value] : r.fields)
    for (const char c : name)
      require(!(c >= 'A' && c <= 'Z'), "a field name not lowercased");
  r.keep_alive();
}

// After take(), the parser reads a well-formed request from the start.
void check_accepts_next(const server::http_request_parser& parser) {
  server::http_request_parser next = parser;
  const std::string_view request = "GET /next HTTP/1.1\r\nHost: a\r\n\r\n";
  require(next.feed(request) == request.size() && next.complete(),
          "the parser does not read a request after take()");
  require(next.take().target == "/next", "the request after take() was misread");
}

// Feeds `bytes` in pieces of the sizes given in turn (all of it at once when there are none),
// taking every complete request, until the bytes end or the parser fails.
outcome parse(std::string_view bytes, std::string_view sizes) {
  server::http_request_parser parser(limits);
  outcome out;
  std::size_t at = 0;
  std::size_t turn = 0;
  while (at < bytes.size()) {
    const std::size_t piece =
        sizes.empty() ? bytes.size()
                      : 1 + static_cast<unsigned char>(sizes[turn++ % sizes.size()]) % 64;
    const std::string_view given = bytes.substr(at, piece);
    std::size_t used_of_piece = 0;
    while (used_of_piece < given.size()) {
      const std::size_t used = parser.feed(given.substr(used_of_piece));
      require(used <= given.size() - used_of_piece, "feed() used more bytes than given");
      used_of_piece += used;
      if (parser.failed()) {
        const int s = parser.fault().status();
        require(s == 400 || s == 413 || s == 414 || s == 417 || s == 431 || s == 501 || s == 505,
                "a fault with status " + std::to_string(s) + ": " + parser.fault().what());
        out.fault = s;
        return out;
      }
      if (parser.complete()) {
        parser.take_continue();
        out.requests.push_back(parser.take());
        check_request(out.requests.back());
        require(!parser.complete() && !parser.failed() && !parser.started(),
                "the parser is not fresh after take()");
        check_accepts_next(parser);
        continue;
      }
      require(used_of_piece == given.size(),
              "feed() stopped before the end of the bytes without a request or a fault");
    }
    at += given.size();
  }
  out.pending = parser.started();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input = fuzz_support::text_of(data, size);
  // One byte at a time unless the input says otherwise ('\0' % 64 + 1 is 1).
  std::string_view sizes("\0", 1);
  if (!input.empty() && input.front() >= '0' && input.front() <= '9') {
    const std::size_t n = std::min(static_cast<std::size_t>(input.front() - '0'), input.size() - 1);
    if (n > 0) sizes = input.substr(1, n);
    input.remove_prefix(1 + n);
  }
  const outcome whole = parse(input, {});
  const outcome pieces = parse(input, sizes);
  require(same(whole, pieces),
          "fed whole: " + describe(whole) + "; in pieces: " + describe(pieces));
  return 0;
}
