#include "server/gzip.hpp"

#include <gtest/gtest.h>

#include "tests/support/gunzip.hpp"

namespace {

using test_support::gunzip;

TEST(Gzip, CompressesToAGzipMemberThatInflatesBack) {
  std::string text;
  for (int i = 0; i < 1000; ++i)
    text += "{\"id\":\"T" + std::to_string(i) + "\",\"program\":\"pangan\"},";
  const std::string packed = server::gzip(text);
  ASSERT_GE(packed.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(packed[0]), 0x1f);  // gzip magic
  EXPECT_EQ(static_cast<unsigned char>(packed[1]), 0x8b);
  EXPECT_LT(packed.size(), text.size() / 5);
  EXPECT_EQ(gunzip(packed), text);
  EXPECT_EQ(gunzip(server::gzip("")), "");
}

TEST(Gzip, InflatesBackAtEveryLevelAndRefusesAnUnknownLevel) {
  std::string text;
  for (int i = 0; i < 5000; ++i)
    text += "[106." + std::to_string(i * 7919 % 100000) + ",-6." + std::to_string(i * 31) + "],";
  for (int level : {1, 4, 6, 12})
    EXPECT_EQ(gunzip(server::gzip(text, level)), text) << "level " << level;
  EXPECT_EQ(server::gzip(text, 1), server::gzip(text, 1));
  EXPECT_THROW(server::gzip(text, 0), std::invalid_argument);
  EXPECT_THROW(server::gzip(text, 13), std::invalid_argument);
}

TEST(Gzip, ReadsAcceptEncodingWithQualities) {
  EXPECT_TRUE(server::accepts_gzip("gzip"));
  EXPECT_TRUE(server::accepts_gzip("deflate, gzip;q=0.8, br"));
  EXPECT_TRUE(server::accepts_gzip("*"));
  EXPECT_FALSE(server::accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(server::accepts_gzip("gzip; q=0.000"));
  EXPECT_FALSE(server::accepts_gzip("identity, br"));
  EXPECT_FALSE(server::accepts_gzip(""));
}

}  // namespace
