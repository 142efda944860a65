#include "geo/number_parse.hpp"

#include <gtest/gtest.h>

#include <optional>

namespace {

TEST(Trim, RemovesSpacesAndTabsOnly) {
  EXPECT_EQ(geo::trim(" \t106.8\t "), "106.8");
  EXPECT_EQ(geo::trim(" \r1\r "), "\r1\r");
  EXPECT_EQ(geo::trim(" \t "), "");
}

TEST(ParseDecimal, ReadsDecimalPoint) {
  const auto parsed = geo::parse_decimal(" -6.2088 ");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->value, -6.2088);
  EXPECT_FALSE(parsed->decimal_comma);
}

TEST(ParseDecimal, ReadsDecimalCommaAndFlagsIt) {
  const auto parsed = geo::parse_decimal("106,8456");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->value, 106.8456);
  EXPECT_TRUE(parsed->decimal_comma);
}

TEST(ParseDecimal, ReadsIntegerAndLeadingPlus) {
  EXPECT_EQ(geo::parse_decimal("107")->value, 107.0);
  EXPECT_EQ(geo::parse_decimal("+1,5")->value, 1.5);
}

TEST(ParseDecimal, RefusesThousandsSeparatorWithDecimalPoint) {
  EXPECT_FALSE(geo::parse_decimal("1,234.5"));
  EXPECT_FALSE(geo::parse_decimal("1,234,5"));
}

TEST(ParseDecimal, RefusesNanInfinityAndExponent) {
  EXPECT_FALSE(geo::parse_decimal("nan"));
  EXPECT_FALSE(geo::parse_decimal("inf"));
  EXPECT_FALSE(geo::parse_decimal("-infinity"));
  EXPECT_FALSE(geo::parse_decimal("1e3"));
}

TEST(ParseDecimal, RefusesTextEmptyAndPartialNumbers) {
  EXPECT_FALSE(geo::parse_decimal(""));
  EXPECT_FALSE(geo::parse_decimal("  "));
  EXPECT_FALSE(geo::parse_decimal("abc"));
  EXPECT_FALSE(geo::parse_decimal("106.8.1"));
  EXPECT_FALSE(geo::parse_decimal("-"));
  EXPECT_FALSE(geo::parse_decimal("106.8E"));
}

TEST(ParseInteger, ReadsWholeNumbersWithSignAndSpaces) {
  EXPECT_EQ(geo::parse_integer(" 42\t"), std::optional<std::int64_t>(42));
  EXPECT_EQ(geo::parse_integer("+7"), std::optional<std::int64_t>(7));
  EXPECT_EQ(geo::parse_integer("-3"), std::optional<std::int64_t>(-3));
}

TEST(ParseInteger, RefusesAnythingButTheWholeTextAsInteger) {
  EXPECT_FALSE(geo::parse_integer("8400.pbf"));
  EXPECT_FALSE(geo::parse_integer("3.5"));
  EXPECT_FALSE(geo::parse_integer(""));
  EXPECT_FALSE(geo::parse_integer("12abc"));
  EXPECT_FALSE(geo::parse_integer("1e3"));
  EXPECT_FALSE(geo::parse_integer("3,0"));
}

TEST(ParseInteger, RefusesOverflow) {
  EXPECT_EQ(geo::parse_integer("9223372036854775807"),
            std::optional<std::int64_t>(9223372036854775807));
  EXPECT_FALSE(geo::parse_integer("9223372036854775808"));
}

TEST(ParseInteger, RefusesPlusFollowedByMinus) {
  EXPECT_FALSE(geo::parse_integer("+-3"));
  EXPECT_FALSE(geo::parse_decimal("+-6.2"));
}

}  // namespace
