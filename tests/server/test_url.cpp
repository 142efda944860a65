#include "server/url.hpp"

#include <gtest/gtest.h>

#include "server/http.hpp"

namespace {

TEST(Url, DecodesPercentEscapesAndPlusOnlyInQueries) {
  EXPECT_EQ(server::percent_decode("Kebon%20Kelapa+Gambir", true), "Kebon Kelapa Gambir");
  EXPECT_EQ(server::percent_decode("a+b%2Fc", false), "a+b/c");
  EXPECT_EQ(server::percent_decode("%C3%A9", false), "\xC3\xA9");
}

TEST(Url, RefusesMalformedEscapesWith400) {
  for (const char* bad : {"%", "%2", "%zz", "ab%g1"}) {
    try {
      server::percent_decode(bad, true);
      ADD_FAILURE() << bad;
    } catch (const server::http_error& e) {
      EXPECT_EQ(e.status(), 400) << bad;
    }
  }
}

TEST(Url, SplitsAQueryKeepingOrderEmptyValuesAndDecoding) {
  using params = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(server::parse_query("q=kebon%20kelapa&level=rw&&flag&x="),
            (params{{"q", "kebon kelapa"}, {"level", "rw"}, {"flag", ""}, {"x", ""}}));
  EXPECT_EQ(server::parse_query(""), params{});
}

TEST(Url, EncodesEverythingButUnreservedCharactersAndCommas) {
  EXPECT_EQ(server::percent_encode("106.8,-6.2 a/b&c=d~_"), "106.8,-6.2%20a%2Fb%26c%3Dd~_");
}

}  // namespace
