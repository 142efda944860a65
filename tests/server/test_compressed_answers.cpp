// Answers kept ready to send (server/compressed_answers): the LRU bound, many threads, and
// kept_answer's ETags, 304s and encodings, checked against zlib and a count of builds.
#include "server/compressed_answers.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "server/etag.hpp"
#include "tests/support/gunzip.hpp"

namespace {

using server::compressed_answers;
using test_support::gunzip;

std::shared_ptr<const compressed_answers::answer> answer_of(std::size_t size, char fill) {
  auto a = std::make_shared<compressed_answers::answer>();
  a->body.assign(size, fill);
  a->content_type = "x";  // 1 byte
  return a;
}

// A GeoJSON-like body of about 60 KB that differs with `seed`.
std::string geojson_body(int seed) {
  std::string out = "{\"type\":\"FeatureCollection\",\"features\":[";
  for (int i = 0; i < 600; ++i)
    out += "{\"type\":\"Feature\",\"id\":\"" + std::to_string(seed * 1000 + i) +
           "\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[106." + std::to_string(i * 37) +
           ",-6." + std::to_string(i * 13) + "]}},";
  out.back() = ']';
  return out + "}";
}

server::request get(std::string accept_encoding = "", std::string if_none_match = "") {
  server::request r;
  r.method = "GET";
  r.path = "/ogc/collections/kelurahan/items";
  if (!accept_encoding.empty()) r.headers["accept-encoding"] = std::move(accept_encoding);
  if (!if_none_match.empty()) r.headers["if-none-match"] = std::move(if_none_match);
  return r;
}

std::optional<std::string> header(const server::response& r, const std::string& name) {
  for (const auto& [n, v] : r.headers)
    if (n == name) return v;
  return std::nullopt;
}

TEST(CompressedAnswers, DropsTheLeastRecentlyUsedBeyondTheBound) {
  // Each entry costs key (1) + body (300) + type (1) + 128 = 430 bytes: two fit in 1000.
  compressed_answers kept(1000);
  kept.put("a", answer_of(300, 'a'));
  kept.put("b", answer_of(300, 'b'));
  EXPECT_EQ(kept.bytes(), 860u);
  ASSERT_NE(kept.find("a"), nullptr);  // a is now the most recently used
  kept.put("c", answer_of(300, 'c'));  // b goes
  EXPECT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept.bytes(), 860u);
  EXPECT_EQ(kept.find("b"), nullptr);
  EXPECT_EQ(kept.find("a")->body, std::string(300, 'a'));
  EXPECT_EQ(kept.find("c")->body, std::string(300, 'c'));
}

TEST(CompressedAnswers, KeepsNothingOverTheBoundOrWhenSizedZero) {
  compressed_answers small(1000);
  small.put("big", answer_of(2000, 'x'));
  EXPECT_EQ(small.size(), 0u);
  EXPECT_EQ(small.bytes(), 0u);
  compressed_answers none(0);
  none.put("a", answer_of(1, 'a'));
  EXPECT_EQ(none.find("a"), nullptr);
}

TEST(CompressedAnswers, ReplacesWhatAKeyHeld) {
  compressed_answers kept(10000);
  kept.put("a", answer_of(300, 'a'));
  kept.put("a", answer_of(100, 'b'));
  EXPECT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept.bytes(), 1u + 100u + 1u + 128u);
  EXPECT_EQ(kept.find("a")->body, std::string(100, 'b'));
}

TEST(KeptAnswer, GzipsToExactlyTheIdentityBytesAndTagsEachFormApart) {
  compressed_answers kept(1 << 20);
  const std::string body = geojson_body(1);
  const auto build = [&] { return server::response{200, "application/geo+json", body, {}}; };
  const server::response plain = server::kept_answer(kept, get(), "k1", build);
  const server::response packed = server::kept_answer(kept, get("gzip, deflate"), "k1", build);
  EXPECT_EQ(plain.body, body);
  EXPECT_EQ(header(plain, "Content-Encoding"), std::nullopt);
  EXPECT_EQ(header(packed, "Content-Encoding"), "gzip");
  EXPECT_EQ(gunzip(packed.body), body);
  EXPECT_LT(packed.body.size(), body.size() / 4);
  EXPECT_EQ(packed.content_type, "application/geo+json");
  const std::string tag = server::key_etag("k1");
  EXPECT_EQ(header(plain, "ETag"), tag);
  EXPECT_EQ(header(packed, "ETag"), server::gzip_etag(tag));
  EXPECT_NE(tag, server::gzip_etag(tag));
  EXPECT_NE(server::key_etag("k1"), server::key_etag("k2"));
}

TEST(KeptAnswer, BuildsOncePerEncodingThenSendsTheSameBytes) {
  compressed_answers kept(1 << 20);
  int builds = 0;
  const auto build = [&] {
    ++builds;
    return server::response{200, "application/geo+json", geojson_body(2), {}};
  };
  const std::string first = server::kept_answer(kept, get("gzip"), "k", build).body;
  const std::string again = server::kept_answer(kept, get("gzip"), "k", build).body;
  EXPECT_EQ(builds, 1);
  EXPECT_EQ(again, first);
  EXPECT_EQ(server::kept_answer(kept, get(), "k", build).body, geojson_body(2));
  EXPECT_EQ(builds, 2);
  EXPECT_EQ(kept.hits(), 1u);
}

TEST(KeptAnswer, Answers304ForEitherFormWithoutBuilding) {
  compressed_answers kept(1 << 20);
  int builds = 0;
  const auto build = [&] {
    ++builds;
    return server::response{200, "application/geo+json", geojson_body(3), {}};
  };
  const std::string tag = server::key_etag("k");
  const server::response plain = server::kept_answer(kept, get("", tag), "k", build);
  EXPECT_EQ(plain.status, 304);
  EXPECT_EQ(plain.body, "");
  EXPECT_EQ(header(plain, "ETag"), tag);
  const server::response packed =
      server::kept_answer(kept, get("gzip", "\"x\", " + server::gzip_etag(tag)), "k", build);
  EXPECT_EQ(packed.status, 304);
  EXPECT_EQ(header(packed, "ETag"), server::gzip_etag(tag));
  EXPECT_EQ(header(packed, "Content-Encoding"), std::nullopt);
  EXPECT_EQ(builds, 0);
  // Another key's tag is no match.
  EXPECT_EQ(server::kept_answer(kept, get("", server::key_etag("other")), "k", build).status, 200);
  EXPECT_EQ(builds, 1);
}

TEST(KeptAnswer, NeverKeepsAnError) {
  compressed_answers kept(1 << 20);
  const auto refuse = [] { return server::response{404, "application/problem+json", "{}", {}}; };
  EXPECT_EQ(server::kept_answer(kept, get("gzip"), "k", refuse).status, 404);
  EXPECT_EQ(kept.size(), 0u);
  const auto fail = []() -> server::response { throw server::http_error(400, "bbox: no"); };
  EXPECT_THROW(server::kept_answer(kept, get("gzip"), "k", fail), server::http_error);
  EXPECT_EQ(kept.size(), 0u);
}

TEST(KeptAnswer, SendsIdentityToHostileOrRefusingAcceptEncodings) {
  compressed_answers kept(1 << 20);
  const std::string body = geojson_body(4);
  const auto build = [&] { return server::response{200, "application/geo+json", body, {}}; };
  const std::string huge(64 * 1024, 'x');
  for (const std::string& given :
       {std::string("gzip;q=0"), std::string("gzip; q=0.000, identity"),
        std::string("\x01\xff;;,,"), std::string("br, zstd"), huge, std::string(",,,;q=,gzip;q")}) {
    const server::response r = server::kept_answer(kept, get(given), "k", build);
    // "gzip;q" (no value) is gzip at the default quality: the last case is gzipped.
    const bool gzipped = given == ",,,;q=,gzip;q";
    EXPECT_EQ(header(r, "Content-Encoding").has_value(), gzipped) << given.substr(0, 40);
    EXPECT_EQ(gzipped ? gunzip(r.body) : r.body, body) << given.substr(0, 40);
  }
}

TEST(KeptAnswer, GivesManyThreadsUnderOneKeyTheSameBytes) {
  compressed_answers kept(1 << 20);
  const std::string body = geojson_body(5);
  const auto build = [&] { return server::response{200, "application/geo+json", body, {}}; };
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  std::vector<std::string> seen(4);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const server::response r = server::kept_answer(kept, get("gzip"), "k", build);
        if (seen[std::size_t(t)].empty()) seen[std::size_t(t)] = r.body;
        if (r.body != seen[std::size_t(t)] || r.status != 200) ++wrong;
        // Another key now and then, so that the LRU list moves under the others.
        server::kept_answer(kept, get(), "k" + std::to_string(i % 3), build);
      }
    });
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(wrong, 0);
  for (const std::string& s : seen) {
    EXPECT_EQ(s, seen[0]);
    EXPECT_EQ(gunzip(s), body);
  }
}

}  // namespace
