#include "server/etag.hpp"

#include <gtest/gtest.h>

namespace {

TEST(Etag, IsAQuotedHashOfTheExactBytes) {
  const std::string tag = server::strong_etag("tile bytes");
  EXPECT_EQ(tag.size(), 18u);
  EXPECT_EQ(tag.front(), '"');
  EXPECT_EQ(tag.back(), '"');
  EXPECT_EQ(server::strong_etag("tile bytes"), tag);
  EXPECT_NE(server::strong_etag("tile byteS"), tag);
  EXPECT_EQ(server::strong_etag(""), "\"cbf29ce484222325\"");  // FNV-1a's offset basis
  EXPECT_EQ(server::gzip_etag(tag), tag.substr(0, 17) + "-gzip\"");
}

TEST(Etag, NoneMatchAcceptsEitherFormAListOrAStar) {
  const std::string tag = server::strong_etag("a");
  EXPECT_FALSE(server::none_match(std::nullopt, tag));
  EXPECT_TRUE(server::none_match(tag, tag));
  EXPECT_TRUE(server::none_match(server::gzip_etag(tag), tag));
  EXPECT_TRUE(server::none_match("\"0000000000000000\", " + tag, tag));
  EXPECT_TRUE(server::none_match("*", tag));
  EXPECT_FALSE(server::none_match(server::strong_etag("b"), tag));
}

}  // namespace
