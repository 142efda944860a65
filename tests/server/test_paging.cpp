#include "server/paging.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using server::over_limit;
using server::page_limits;
using server::page_window;

// "limit offset" as read from a query, or "STATUS PARAMETER: MESSAGE" of the refusal.
std::string read(std::vector<std::pair<std::string, std::string>> query,
                 const page_limits& limits) {
  server::request r;
  r.query = std::move(query);
  try {
    const page_window w =
        server::read_page_window(server::query_params(r, {"limit", "offset"}), limits);
    return std::to_string(w.limit) + " " + std::to_string(w.offset);
  } catch (const server::http_error& e) {
    return std::to_string(e.status()) + " " + e.parameter() + ": " + e.what();
  }
}

const page_limits api = {.default_limit = 100, .max_limit = 1000};
const page_limits ogc = {.default_limit = 100,
                         .max_limit = 10000,
                         .larger = over_limit::read_as_max,
                         .max_offset = 1'000'000'000};

TEST(ReadPageWindow, TakesTheDefaultsWhenAbsent) {
  EXPECT_EQ(read({}, api), "100 0");
  EXPECT_EQ(read({}, ogc), "100 0");
}

TEST(ReadPageWindow, ReadsLimitAndOffsetWithinTheirRanges) {
  EXPECT_EQ(read({{"limit", "1"}, {"offset", "0"}}, api), "1 0");
  EXPECT_EQ(read({{"limit", "1000"}, {"offset", "100000000"}}, api), "1000 100000000");
  EXPECT_EQ(read({{"offset", "1000000000"}}, ogc), "100 1000000000");
}

TEST(ReadPageWindow, RefusesALimitOutOfRangeOnTheApi) {
  EXPECT_EQ(read({{"limit", "0"}}, api),
            "400 limit: limit: expected an integer from 1 to 1000, got '0'");
  EXPECT_EQ(read({{"limit", "1001"}}, api),
            "400 limit: limit: expected an integer from 1 to 1000, got '1001'");
  EXPECT_EQ(read({{"limit", "-1"}}, api),
            "400 limit: limit: expected an integer from 1 to 1000, got '-1'");
  EXPECT_EQ(read({{"limit", "ten"}, {"offset", "x"}}, api),
            "400 limit: limit: expected an integer from 1 to 1000, got 'ten'");
}

TEST(ReadPageWindow, ReadsALargerLimitAsTheMaximumOnOgc) {
  EXPECT_EQ(read({{"limit", "10001"}}, ogc), "10000 0");
  EXPECT_EQ(read({{"limit", "99999999999999999999999"}}, ogc), "10000 0");
  const std::string expected =
      "400 limit: limit: expected an integer from 1 to 10000 (larger ones are read as 10000), got ";
  EXPECT_EQ(read({{"limit", "0"}}, ogc), expected + "'0'");
  EXPECT_EQ(read({{"limit", ""}}, ogc), expected + "''");
  EXPECT_EQ(read({{"limit", "-5"}}, ogc), expected + "'-5'");
  EXPECT_EQ(read({{"limit", "5x"}}, ogc), expected + "'5x'");
}

TEST(ReadPageWindow, RefusesAnOffsetOutOfRange) {
  EXPECT_EQ(read({{"offset", "100000001"}}, api),
            "400 offset: offset: expected an integer from 0 to 100000000, got '100000001'");
  EXPECT_EQ(read({{"offset", "-1"}}, ogc),
            "400 offset: offset: expected an integer from 0 to 1000000000, got '-1'");
}

TEST(PageWindow, ShowsPositionsFromOffsetUpToLimit) {
  const page_window w{.limit = 3, .offset = 4};
  std::vector<std::size_t> shown;
  for (std::size_t i = 0; i < 10; ++i)
    if (w.shows(i)) shown.push_back(i);
  EXPECT_EQ(shown, (std::vector<std::size_t>{4, 5, 6}));
}

TEST(PageWindow, CutsTheListItPages) {
  const page_window w{.limit = 3, .offset = 4};
  // total: first, end, returned, has_next
  const auto of = [&](std::size_t total) {
    return std::to_string(w.first(total)) + " " + std::to_string(w.end(total)) + " " +
           std::to_string(w.returned(total)) + " " + (w.has_next(total) ? "next" : "last");
  };
  EXPECT_EQ(of(10), "4 7 3 next");
  EXPECT_EQ(of(8), "4 7 3 next");
  EXPECT_EQ(of(7), "4 7 3 last");
  EXPECT_EQ(of(5), "4 5 1 last");
  EXPECT_EQ(of(4), "4 4 0 last");
  EXPECT_EQ(of(0), "0 0 0 last");
}

TEST(PageWindow, NamesTheNeighbouringPages) {
  EXPECT_EQ((page_window{.limit = 3, .offset = 4}.next_offset()), 7u);
  EXPECT_EQ((page_window{.limit = 3, .offset = 4}.previous_offset()), 1u);
  EXPECT_EQ((page_window{.limit = 3, .offset = 3}.previous_offset()), 0u);
  EXPECT_EQ((page_window{.limit = 10, .offset = 4}.previous_offset()), 0u);
}

TEST(PageWindow, DoesNotOverflowAtTheLargestOffsetAndLimit) {
  const page_window w{.limit = 10000, .offset = 1'000'000'000};
  EXPECT_FALSE(w.shows(0));
  EXPECT_TRUE(w.shows(1'000'009'999));
  EXPECT_FALSE(w.shows(1'000'010'000));
  EXPECT_EQ(w.returned(20), 0u);
}

}  // namespace
