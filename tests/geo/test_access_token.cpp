#include "geo/access_token.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace {

using geo::role;

TEST(AccessToken, HashesSecretWithSha256AsLowercaseHex) {
  // FIPS 180-4 example vectors (NIST CSRC, SHA256.pdf): "abc" and the empty message.
  EXPECT_EQ(geo::hash_secret("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(geo::hash_secret(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(geo::hash_secret("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(AccessToken, IssuesSecretIdAndHashInTheirFormats) {
  const geo::issued_token t = geo::issue_token(role::pic, {"3171010001"}, "", "Bu Sri");
  EXPECT_TRUE(std::regex_match(t.secret, std::regex("sst_[0-9a-f]{64}"))) << t.secret;
  EXPECT_TRUE(std::regex_match(t.record.id, std::regex("tok_[0-9a-f]{8}"))) << t.record.id;
  EXPECT_EQ(t.record.secret_hash, geo::hash_secret(t.secret));
  EXPECT_TRUE(
      std::regex_match(t.record.created_at, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << t.record.created_at;
  EXPECT_EQ(t.record.who, role::pic);
  EXPECT_EQ(t.record.areas, std::vector<std::string>{"3171010001"});
  EXPECT_EQ(t.record.note, "Bu Sri");
  EXPECT_FALSE(t.record.revoked);
}

TEST(AccessToken, IssuesADifferentSecretAndIdEachTime) {
  std::set<std::string> secrets, ids;
  for (int i = 0; i < 100; ++i) {
    const geo::issued_token t = geo::issue_token(role::planner, {}, "", "");
    secrets.insert(t.secret);
    ids.insert(t.record.id);
  }
  EXPECT_EQ(secrets.size(), 100u);
  EXPECT_EQ(ids.size(), 100u);
}

TEST(AccessToken, NamesAndParsesEveryRole) {
  for (const role r : {role::anonymous, role::collaborator, role::aggregator, role::planner,
                       role::pic, role::admin})
    EXPECT_EQ(geo::parse_role(geo::role_name(r)), r) << geo::role_name(r);
  EXPECT_EQ(geo::role_name(role::aggregator), "aggregator");
  EXPECT_EQ(geo::parse_role("PIC"), std::nullopt);
  EXPECT_EQ(geo::parse_role("agregator"), std::nullopt);
}

}  // namespace
