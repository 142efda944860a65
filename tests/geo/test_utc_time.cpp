#include "geo/utc_time.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace {

using namespace std::chrono;

// Microseconds since 1970-01-01T00:00:00Z of a parsed date-time; -1 when it was refused.
long long micros(std::string_view text) {
  const std::optional<geo::utc_instant> at = geo::parse_rfc3339_date_time(text);
  return at ? static_cast<long long>(at->time_since_epoch().count()) : -1;
}

TEST(UtcTime, WritesUtcToTheSecondInTwentyCharacters) {
  EXPECT_EQ(geo::utc_time(system_clock::time_point{}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(geo::utc_time(sys_days{2024y / 2 / 29} + 23h + 59min + 59s + 999ms),
            "2024-02-29T23:59:59Z");
  EXPECT_EQ(geo::utc_time(sys_days{2026y / 12 / 7} + 9h + 5min + 3s), "2026-12-07T09:05:03Z");
}

TEST(UtcTime, NowIsInTheWrittenForm) {
  const std::string now = geo::utc_time_now();
  EXPECT_TRUE(std::regex_match(now, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"))) << now;
  EXPECT_TRUE(geo::is_rfc3339_date_time(now));
}

TEST(UtcTime, ReadsBackWhatItWrites) {
  const system_clock::time_point at = sys_days{2031y / 7 / 15} + 18h + 42min + 7s + 250ms;
  EXPECT_EQ(geo::parse_rfc3339_date_time(geo::utc_time(at)),
            std::optional<geo::utc_instant>(floor<seconds>(at)));
}

TEST(IsIsoDate, AcceptsCalendarDates) {
  EXPECT_TRUE(geo::is_iso_date("2024-01-31"));
  EXPECT_TRUE(geo::is_iso_date("2023-12-01"));
  EXPECT_TRUE(geo::is_iso_date("0000-01-01"));
  EXPECT_TRUE(geo::is_iso_date("9999-12-31"));
}

TEST(IsIsoDate, AcceptsFebruary29OnlyInLeapYears) {
  EXPECT_TRUE(geo::is_iso_date("2024-02-29"));
  EXPECT_TRUE(geo::is_iso_date("2000-02-29"));
  EXPECT_FALSE(geo::is_iso_date("2023-02-29"));
  EXPECT_FALSE(geo::is_iso_date("1900-02-29"));
}

TEST(IsIsoDate, RefusesDaysPastMonthEnd) {
  EXPECT_FALSE(geo::is_iso_date("2024-02-30"));
  EXPECT_FALSE(geo::is_iso_date("2024-04-31"));
  EXPECT_FALSE(geo::is_iso_date("2024-06-31"));
  EXPECT_FALSE(geo::is_iso_date("2024-09-31"));
  EXPECT_FALSE(geo::is_iso_date("2024-11-31"));
  EXPECT_FALSE(geo::is_iso_date("2024-01-32"));
  EXPECT_FALSE(geo::is_iso_date("2024-01-00"));
}

TEST(IsIsoDate, RefusesOtherLayouts) {
  EXPECT_FALSE(geo::is_iso_date("2024-13-01"));
  EXPECT_FALSE(geo::is_iso_date("2024-00-10"));
  EXPECT_FALSE(geo::is_iso_date("15-01-2024"));
  EXPECT_FALSE(geo::is_iso_date("2024/01/15"));
  EXPECT_FALSE(geo::is_iso_date("2024-1-15"));
  EXPECT_FALSE(geo::is_iso_date("2024-01-15T10:00"));
  EXPECT_FALSE(geo::is_iso_date("2024-01-15T10:00:00Z"));
  EXPECT_FALSE(geo::is_iso_date(""));
}

TEST(IsIsoDate, RefusesSignsAndSpacesInsideTheDate) {
  EXPECT_FALSE(geo::is_iso_date("2024-01- 5"));
  EXPECT_FALSE(geo::is_iso_date("2024-+1-05"));
  EXPECT_FALSE(geo::is_iso_date("+024-01-05"));
  EXPECT_FALSE(geo::is_iso_date(" 024-01-05"));
  EXPECT_FALSE(geo::is_iso_date("2024-01-05 "));
}

TEST(ParseRfc3339DateTime, ReadsUtcInstants) {
  EXPECT_EQ(micros("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(micros("2024-02-29T00:00:00Z"), 1709164800'000000);
  EXPECT_EQ(micros("2017-01-01T00:00:00Z"), 1483228800'000000);
}

TEST(ParseRfc3339DateTime, SubtractsTheOffsetToReachUtc) {
  EXPECT_EQ(micros("2018-02-12T08:00:00+07:00"), 1518397200'000000);
  EXPECT_EQ(micros("2018-02-11T19:30:00-05:30"), 1518397200'000000);
  EXPECT_EQ(micros("2018-02-12T01:00:00+00:00"), 1518397200'000000);
  EXPECT_EQ(micros("2018-02-12T01:00:00-00:00"), 1518397200'000000);  // §4.3: offset unknown
  EXPECT_EQ(micros("2000-03-01T05:30:00+23:59"), 951888600'000000 - 86340'000000);
}

TEST(ParseRfc3339DateTime, AcceptsLowerCaseTAndZAsSection5Point6Allows) {
  EXPECT_EQ(micros("2018-02-12t01:00:00z"), 1518397200'000000);
  EXPECT_EQ(micros("2018-02-12t08:00:00+07:00"), 1518397200'000000);
  EXPECT_EQ(micros("2018-02-12T01:00:00z"), 1518397200'000000);
}

TEST(ParseRfc3339DateTime, ReadsFractionsToTheMicrosecond) {
  EXPECT_EQ(micros("1970-01-01T00:00:00.5Z"), 500000);
  EXPECT_EQ(micros("1970-01-01T00:00:01.25Z"), 1250000);
  EXPECT_EQ(micros("1970-01-01T00:00:00.000001Z"), 1);
  EXPECT_EQ(micros("1970-01-01T00:00:00.123456789Z"), 123456);
  EXPECT_EQ(micros("1970-01-01T07:00:00.250+07:00"), 250000);
}

TEST(ParseRfc3339DateTime, ReadsALeapSecondAsTheNextMinutesFirst) {
  EXPECT_EQ(micros("2016-12-31T23:59:60Z"), 1483228800'000000);
}

TEST(ParseRfc3339DateTime, ChecksTheCalendar) {
  EXPECT_EQ(micros("2024-02-29T12:00:00Z"), 1709164800'000000 + 43200'000000);
  EXPECT_EQ(micros("2023-02-29T12:00:00Z"), -1);
  EXPECT_EQ(micros("1900-02-29T12:00:00Z"), -1);
  EXPECT_EQ(micros("2024-04-31T12:00:00Z"), -1);
  EXPECT_EQ(micros("2024-02-30T00:00:00Z"), -1);
}

TEST(ParseRfc3339DateTime, RefusesFieldsOutOfRange) {
  for (const char* bad :
       {"2024-03-01T24:00:00Z", "2024-03-01T23:60:00Z", "2024-03-01T23:59:61Z",
        "2024-03-01T10:00:00+24:00", "2024-03-01T10:00:00+07:60", "2024-13-01T10:00:00Z"})
    EXPECT_FALSE(geo::is_rfc3339_date_time(bad)) << bad;
}

TEST(ParseRfc3339DateTime, RefusesOtherLayouts) {
  for (const char* bad :
       {"", "2024-03-01", "2024-03-01T10:00", "2024-03-01T10:00:00", "2024-03-01 10:00:00Z",
        "2024-03-01T10:00:00.Z", "2024-03-01T1:00:00Z", "2024-03-01T10:00:00+0700",
        "2024-03-01T10:00:00+07", "2024-03-01T10:00:00Z ", "2024-03-01T10:00:00ZZ",
        "2024-03-01x10:00:00Z", "2024-03-01T10:00:00UTC", " 2024-03-01T10:00:00Z"})
    EXPECT_FALSE(geo::is_rfc3339_date_time(bad)) << bad;
}

}  // namespace
