#include "server/http_request_parser.hpp"

#include <gtest/gtest.h>

namespace {

using server::http_limits;
using server::http_request_parser;
using server::wire_request;

struct outcome {
  bool complete = false;
  int status = 0;  // of the fault, 0 when none
  std::size_t used = 0;
  wire_request request;
};

outcome feed_all(std::string_view bytes, http_limits limits = {}) {
  http_request_parser p(limits);
  outcome o;
  o.used = p.feed(bytes);
  o.complete = p.complete();
  if (p.failed()) o.status = p.fault().status();
  if (o.complete) o.request = p.take();
  return o;
}

int fault_of(std::string_view bytes, http_limits limits = {}) {
  return feed_all(bytes, limits).status;
}

TEST(HttpRequestParser, ReadsARequestFedOneByteAtATime) {
  const std::string text =
      "POST /api/v1/pledges?x=1 HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
      "Content-Length: 7\r\nX-Two: a\r\nx-two: b\r\n\r\n{\"a\":1}";
  http_request_parser p;
  for (const char c : text) {
    ASSERT_FALSE(p.complete());
    ASSERT_EQ(p.feed(std::string_view(&c, 1)), 1u);
  }
  ASSERT_TRUE(p.complete());
  const wire_request r = p.take();
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/api/v1/pledges?x=1");
  EXPECT_EQ(r.minor_version, 1);
  EXPECT_EQ(r.body, "{\"a\":1}");
  EXPECT_EQ(r.field("content-type"), "application/json");
  EXPECT_EQ(r.field("x-two"), "a, b");
  EXPECT_EQ(r.field("nothing"), std::nullopt);
  EXPECT_TRUE(r.keep_alive());
}

TEST(HttpRequestParser, StopsAtTheEndOfARequestSoPipelinedOnesStayApart) {
  const std::string one = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
  const std::string two = "GET /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
  http_request_parser p;
  const std::string both = one + two;
  const std::size_t used = p.feed(both);
  EXPECT_EQ(used, one.size());
  ASSERT_TRUE(p.complete());
  EXPECT_EQ(p.take().target, "/a");
  EXPECT_FALSE(p.started());
  EXPECT_EQ(p.feed(std::string_view(both).substr(used)), two.size());
  ASSERT_TRUE(p.complete());
  const wire_request b = p.take();
  EXPECT_EQ(b.target, "/b");
  EXPECT_FALSE(b.keep_alive());
}

TEST(HttpRequestParser, AcceptsBareLfLineEndsAndLeadingEmptyLines) {
  const outcome o = feed_all("\r\n\nGET /healthz HTTP/1.1\nHost: h\n\n");
  ASSERT_TRUE(o.complete) << o.status;
  EXPECT_EQ(o.request.target, "/healthz");
}

TEST(HttpRequestParser, RefusesATargetOverTheLimitBeforeTheLineEnds) {
  http_limits limits;
  limits.max_target = 100;
  const std::string start = "GET /" + std::string(5000, 'a');  // no line end yet
  const outcome o = feed_all(start, limits);
  EXPECT_EQ(o.status, 414);
  EXPECT_LE(o.used, start.size());
  EXPECT_EQ(fault_of("GET /" + std::string(120, 'a') + " HTTP/1.1\r\n", limits), 414);
  EXPECT_EQ(fault_of("GET /" + std::string(90, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n", limits), 0);
}

TEST(HttpRequestParser, RefusesHeadersOverTheLimitInBytesOrInNumber) {
  http_limits limits;
  limits.max_header_bytes = 200;
  limits.max_headers = 5;
  const outcome big = feed_all("GET / HTTP/1.1\r\nX-Big: " + std::string(5000, 'x'), limits);
  EXPECT_EQ(big.status, 431);
  std::string many = "GET / HTTP/1.1\r\nHost: h\r\n";
  for (int i = 0; i < 5; ++i)
    many += "X-" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(fault_of(many + "\r\n", limits), 431);
}

TEST(HttpRequestParser, RefusesABodyOverTheLimitFromItsContentLengthAlone) {
  http_limits limits;
  limits.max_body = 1000;
  const std::string head = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1001\r\n\r\n";
  const outcome o = feed_all(head + "x", limits);
  EXPECT_EQ(o.status, 413);
  EXPECT_EQ(o.used, head.size());
  EXPECT_EQ(fault_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n"),
            413);
  EXPECT_EQ(fault_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0001000\r\n\r\n", limits), 0);
}

TEST(HttpRequestParser, RefusesMalformedContentLengths) {
  for (const char* value : {"-1", "abc", "1.5", "", "1, 2", "+3", "0x10"})
    EXPECT_EQ(fault_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: " + std::string(value) +
                       "\r\n\r\n"),
              400)
        << value;
  const outcome same = feed_all("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2, 2\r\n\r\nab");
  ASSERT_TRUE(same.complete);
  EXPECT_EQ(same.request.body, "ab");
  EXPECT_EQ(
      fault_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n"),
      400);
}

TEST(HttpRequestParser, NamesTheStatusForEachMalformedHead) {
  EXPECT_EQ(fault_of("BREW /pot HTTP/1.1\r\nHost: h\r\n\r\n"), 501);
  EXPECT_EQ(fault_of("GET / HTTP/2.0\r\nHost: h\r\n\r\n"), 505);
  EXPECT_EQ(fault_of("GET / HTTP/1.2\r\nHost: h\r\n\r\n"), 505);
  EXPECT_EQ(fault_of("GET / HTTQ/1.1\r\nHost: h\r\n\r\n"), 400);
  EXPECT_EQ(fault_of("GET /a b HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
  EXPECT_EQ(fault_of("GET  / HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
  EXPECT_EQ(fault_of("GET\r\n"), 400);
  EXPECT_EQ(fault_of("GET / HTTP/1.1\r\nHost h\r\n\r\n"), 400);
  EXPECT_EQ(fault_of("GET / HTTP/1.1\r\nHost : h\r\n\r\n"), 400);
  EXPECT_EQ(fault_of("GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n"), 400);
  EXPECT_EQ(fault_of("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n"), 400);
  EXPECT_EQ(fault_of("GET / HTTP/1.1\r\nHost: a\x01z\r\n\r\n"), 400);
  EXPECT_EQ(fault_of("GET /\x7f HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
}

TEST(HttpRequestParser, GivesTheSameOutcomeHoweverTheBytesArrive) {
  http_limits limits;
  limits.max_target = 100;
  // A control byte in the method, past the length limit: the limit is met first either way.
  const std::string text = std::string(200, 'G') + "\x01 / HTTP/1.1\r\n";
  EXPECT_EQ(fault_of(text, limits), 414);
  http_request_parser p(limits);
  for (std::size_t at = 0; at < text.size() && !p.failed(); at += 7)
    p.feed(std::string_view(text).substr(at, 7));
  ASSERT_TRUE(p.failed());
  EXPECT_EQ(p.fault().status(), 414);
  EXPECT_EQ(fault_of("GE\x01T / HTTP/1.1\r\n", limits), 400);
}

TEST(HttpRequestParser, RefusesAnotherProtocolAtItsFirstByte) {
  const std::string tls_hello("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
  const outcome o = feed_all(tls_hello);
  EXPECT_EQ(o.status, 400);
  EXPECT_EQ(o.used, tls_hello.size());
}

TEST(HttpRequestParser, NeedsExactlyOneHostInHttp11ButNoneInHttp10) {
  EXPECT_EQ(fault_of("GET / HTTP/1.1\r\n\r\n"), 400);
  EXPECT_EQ(fault_of("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400);
  const outcome old = feed_all("GET / HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(old.complete);
  EXPECT_FALSE(old.request.keep_alive());
  const outcome old_kept = feed_all("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
  EXPECT_TRUE(old_kept.request.keep_alive());
}

TEST(HttpRequestParser, RefusesTransferCodingsAskingForContentLength) {
  EXPECT_EQ(fault_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"), 501);
  EXPECT_EQ(fault_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                     "Content-Length: 3\r\n\r\n"),
            400);
}

TEST(HttpRequestParser, AsksToContinueOnceWhenTheClientExpectsIt) {
  http_request_parser p;
  p.feed("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 2\r\n\r\n");
  EXPECT_TRUE(p.reading_body());
  EXPECT_TRUE(p.take_continue());
  EXPECT_FALSE(p.take_continue());
  p.feed("ok");
  ASSERT_TRUE(p.complete());
  EXPECT_EQ(fault_of("POST / HTTP/1.1\r\nHost: h\r\nExpect: tea\r\nContent-Length: 2\r\n\r\n"),
            417);
}

TEST(HttpRequestParser, NamesWhatWasWrongInTheFault) {
  http_request_parser p;
  p.feed("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n");
  ASSERT_TRUE(p.failed());
  EXPECT_EQ(std::string(p.fault().what()),
            "Content-Length: expected one whole number of bytes, got '-1'");
}

}  // namespace
