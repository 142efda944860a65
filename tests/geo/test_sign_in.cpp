#include "geo/engine/sign_in.hpp"

#include <gtest/gtest.h>

#include <ctime>
#include <fstream>
#include <regex>
#include <thread>

#include "geo/store/spatialite_schema.hpp"
#include "geo/store/spatialite_store.hpp"
#include "geo/store/sqlite_db.hpp"
#include "geo/store/sqlite_statement.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using geo::role;
using test_support::temp_dir;

std::time_t parse_utc(const std::string& text) {
  std::tm t{};
  EXPECT_NE(strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &t), nullptr) << text;
  return timegm(&t);
}

std::string base64url_of(std::string_view text) {
  return geo::base64url(std::span<const unsigned char>(
      reinterpret_cast<const unsigned char*>(text.data()), text.size()));
}

TEST(SignInLink, EncodesBase64urlWithoutPadding) {
  // RFC 4648 §10 test vectors, padding removed, and the two characters §5 changes.
  EXPECT_EQ(base64url_of(""), "");
  EXPECT_EQ(base64url_of("f"), "Zg");
  EXPECT_EQ(base64url_of("fo"), "Zm8");
  EXPECT_EQ(base64url_of("foo"), "Zm9v");
  EXPECT_EQ(base64url_of("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_of("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url_of("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64url_of("\xfb\xff"), "-_8");
}

TEST(SignInLink, IssuesA256BitCodeStoredOnlyAsItsHash) {
  const geo::issued_link l = geo::issue_link(role::pic, {"3171010001"}, "", "Ibu Sari",
                                             std::chrono::hours(72), std::chrono::hours(24 * 30));
  EXPECT_TRUE(std::regex_match(l.code, std::regex("[A-Za-z0-9_-]{43}"))) << l.code;
  EXPECT_TRUE(geo::looks_like_link_code(l.code));
  EXPECT_TRUE(std::regex_match(l.record.id, std::regex("lnk_[0-9a-f]{8}"))) << l.record.id;
  EXPECT_EQ(l.record.code_hash, geo::hash_secret(l.code));
  EXPECT_EQ(l.record.name, "Ibu Sari");
  EXPECT_EQ(l.record.session_seconds, 30 * 24 * 3600);
  EXPECT_EQ(parse_utc(l.record.expires_at) - parse_utc(l.record.created_at), 72 * 3600);
  EXPECT_TRUE(l.record.used_at.empty());
  const geo::issued_link other = geo::issue_link(role::pic, {"3171010001"}, "", "Ibu Sari",
                                                 std::chrono::hours(1), std::chrono::hours(1));
  EXPECT_NE(other.code, l.code);
}

TEST(SignInLink, RefusesCodesOfAnotherShape) {
  EXPECT_FALSE(geo::looks_like_link_code(""));
  EXPECT_FALSE(geo::looks_like_link_code(std::string(42, 'A')));
  EXPECT_FALSE(geo::looks_like_link_code(std::string(44, 'A')));
  EXPECT_FALSE(geo::looks_like_link_code(std::string(42, 'A') + "+"));
  EXPECT_FALSE(geo::looks_like_link_code(std::string(42, 'A') + "="));
  EXPECT_TRUE(geo::looks_like_link_code(std::string(42, 'A') + "_"));
}

class SignIn : public ::testing::Test {
 protected:
  SignIn() : m_path(m_dir / "store.sqlite"), m_store(m_path) {
    m_store.begin();
    m_store.commit();
  }

  geo::issued_link issue(std::chrono::seconds valid_for = std::chrono::hours(72)) {
    geo::issued_link l = geo::issue_link(role::pic, {"3171010001", "3171010002"}, "", "Ibu Sari",
                                         valid_for, std::chrono::hours(24 * 30));
    geo::record_link(m_store, l, {"cli", "admin", ""});
    return l;
  }

  std::string query(const std::string& sql) {
    geo::sqlite_statement s = m_store.db().prepare(sql);
    std::string out;
    while (s.step())
      out += s.column_text(0) + "\n";
    return out;
  }

  temp_dir m_dir;
  std::string m_path;
  geo::spatialite_store m_store;
};

TEST_F(SignIn, ExchangesALinkOnceForASessionOfItsRoleAndScope) {
  const geo::issued_link l = issue();
  const auto first = geo::exchange_link(m_store, l.code, "req-1");
  ASSERT_TRUE(std::holds_alternative<geo::issued_token>(first));
  const geo::issued_token& s = std::get<geo::issued_token>(first);
  EXPECT_TRUE(std::regex_match(s.secret, std::regex("sst_[0-9a-f]{64}")));
  EXPECT_EQ(s.record.kind, "session");
  EXPECT_EQ(s.record.name, "Ibu Sari");
  EXPECT_EQ(s.record.who, role::pic);
  EXPECT_EQ(s.record.areas, (std::vector<std::string>{"3171010001", "3171010002"}));
  EXPECT_EQ(parse_utc(s.record.expires_at) - parse_utc(s.record.created_at), 30 * 24 * 3600);

  const std::optional<geo::access_token> stored = m_store.find_token(geo::hash_secret(s.secret));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->id, s.record.id);
  EXPECT_EQ(stored->kind, "session");
  EXPECT_EQ(stored->name, "Ibu Sari");
  EXPECT_EQ(stored->expires_at, s.record.expires_at);
  EXPECT_FALSE(stored->revoked);
  const std::vector<geo::sign_in_link> links = m_store.load_links();
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].used_at, s.record.created_at);
  EXPECT_EQ(links[0].session_id, s.record.id);

  const auto again = geo::exchange_link(m_store, l.code, "req-2");
  ASSERT_TRUE(std::holds_alternative<geo::link_refusal>(again));
  EXPECT_EQ(std::get<geo::link_refusal>(again), geo::link_refusal::used);
  EXPECT_EQ(query("SELECT count(*) FROM tokens"), "1\n");
  EXPECT_EQ(query("SELECT action || ' ' || actor || ' ' || subject || ' ' || request_id FROM "
                  "audit_log ORDER BY id"),
            "link.issue cli " + l.record.id + " \nsession.start " + s.record.id + " " +
                l.record.id + " req-1\n");
  // Neither the code nor the session's secret is kept anywhere in the file.
  m_store.db().exec("PRAGMA wal_checkpoint(TRUNCATE)");
  for (const char* suffix : {"", "-wal"}) {
    std::ifstream in(m_path + suffix, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    EXPECT_EQ(bytes.find(l.code), std::string::npos) << suffix;
    EXPECT_EQ(bytes.find(s.secret), std::string::npos) << suffix;
  }
}

TEST_F(SignIn, RefusesAnExpiredLinkAndChangesNothing) {
  const geo::issued_link l = issue();
  m_store.db().exec("UPDATE sign_in_links SET expires_at = '2024-01-01T00:00:00Z'");
  const auto r = geo::exchange_link(m_store, l.code, "req-1");
  ASSERT_TRUE(std::holds_alternative<geo::link_refusal>(r));
  EXPECT_EQ(std::get<geo::link_refusal>(r), geo::link_refusal::expired);
  EXPECT_EQ(query("SELECT count(*) FROM tokens"), "0\n");
  EXPECT_EQ(query("SELECT coalesce(used_at, '-') FROM sign_in_links"), "-\n");
  EXPECT_EQ(query("SELECT action FROM audit_log"), "link.issue\n");
}

TEST_F(SignIn, RefusesUnknownAndMalformedCodes) {
  const geo::issued_link l = issue();
  std::string wrong = l.code;
  wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
  for (const std::string& code : {wrong, std::string("abc"), l.code + "A", std::string()}) {
    const auto r = geo::exchange_link(m_store, code, "");
    ASSERT_TRUE(std::holds_alternative<geo::link_refusal>(r)) << code;
    EXPECT_EQ(std::get<geo::link_refusal>(r), geo::link_refusal::unknown) << code;
  }
  EXPECT_EQ(query("SELECT count(*) FROM tokens"), "0\n");
  // The link still works after the wrong guesses.
  EXPECT_TRUE(std::holds_alternative<geo::issued_token>(geo::exchange_link(m_store, l.code, "")));
}

TEST_F(SignIn, TwoConnectionsExchangingOneCodeAtOnceGiveExactlyOneSession) {
  for (int round = 0; round < 10; ++round) {
    const geo::issued_link l = issue();
    geo::spatialite_store a(m_path), b(m_path);
    std::variant<geo::issued_token, geo::link_refusal> ra, rb;
    std::thread ta([&] { ra = geo::exchange_link(a, l.code, "a"); });
    std::thread tb([&] { rb = geo::exchange_link(b, l.code, "b"); });
    ta.join();
    tb.join();
    EXPECT_NE(std::holds_alternative<geo::issued_token>(ra),
              std::holds_alternative<geo::issued_token>(rb))
        << round;
    const auto& lost = std::holds_alternative<geo::link_refusal>(ra) ? ra : rb;
    ASSERT_TRUE(std::holds_alternative<geo::link_refusal>(lost)) << round;
    EXPECT_EQ(std::get<geo::link_refusal>(lost), geo::link_refusal::used) << round;
  }
  EXPECT_EQ(query("SELECT count(*) FROM tokens WHERE kind = 'session'"), "10\n");
  EXPECT_EQ(query("SELECT count(*) FROM sign_in_links WHERE session_id IS NOT NULL"), "10\n");
  EXPECT_EQ(query("SELECT count(*) FROM audit_log WHERE action = 'session.start'"), "10\n");
}

TEST_F(SignIn, TwoThreadsOnOneConnectionExchangingOneCodeGiveExactlyOneSession) {
  const geo::issued_link l = issue();
  std::variant<geo::issued_token, geo::link_refusal> ra, rb;
  std::thread ta([&] { ra = geo::exchange_link(m_store, l.code, "a"); });
  std::thread tb([&] { rb = geo::exchange_link(m_store, l.code, "b"); });
  ta.join();
  tb.join();
  EXPECT_NE(std::holds_alternative<geo::issued_token>(ra),
            std::holds_alternative<geo::issued_token>(rb));
  EXPECT_EQ(query("SELECT count(*) FROM tokens"), "1\n");
}

TEST_F(SignIn, EndingASessionRevokesItOnceAndAuditsIt) {
  const geo::issued_link l = issue();
  const geo::issued_token s = std::get<geo::issued_token>(geo::exchange_link(m_store, l.code, ""));
  EXPECT_TRUE(geo::end_token(m_store, s.record.id, "session.end", {s.record.id, "pic", "req-9"}));
  EXPECT_FALSE(geo::end_token(m_store, s.record.id, "session.end", {s.record.id, "pic", "req-10"}));
  EXPECT_TRUE(m_store.find_token(geo::hash_secret(s.secret))->revoked);
  EXPECT_EQ(query("SELECT action || ' ' || subject || ' ' || request_id FROM audit_log WHERE "
                  "action = 'session.end'"),
            "session.end " + s.record.id + " req-9\n");
  EXPECT_THROW(geo::end_token(m_store, "tok_ffffffff", "session.end", {"cli", "admin", ""}),
               geo::not_found_error);
}

TEST_F(SignIn, ExpiryIsComparedAsUtcText) {
  geo::access_token t;
  EXPECT_FALSE(geo::has_expired(t, "2030-01-01T00:00:00Z"));
  t.expires_at = "2026-12-07T08:00:00Z";
  EXPECT_FALSE(geo::has_expired(t, "2026-12-07T07:59:59Z"));
  EXPECT_TRUE(geo::has_expired(t, "2026-12-07T08:00:00Z"));
}

TEST_F(SignIn, MigratesAVersion3DatabaseKeepingItsTokensAsApiTokens) {
  const geo::issued_token api = geo::issue_token(role::planner, {}, "", "GIS desk");
  m_store.begin();
  m_store.insert_token(api.record);
  m_store.commit();
  // Back to version 3: no links table, no kind, name nor end on tokens (nor version 5's
  // locations recorded in the field, nor version 6's change feed).
  m_store.db().exec(
      "DROP TABLE sign_in_links; ALTER TABLE tokens DROP COLUMN kind; ALTER TABLE tokens DROP "
      "COLUMN name; ALTER TABLE tokens DROP COLUMN expires_at; ALTER TABLE targets DROP COLUMN "
      "located_at; ALTER TABLE targets DROP COLUMN located_by; DROP TABLE changes; DROP TABLE "
      "serials; PRAGMA user_version = 3");
  geo::spatialite_store migrated(m_path);
  EXPECT_EQ(geo::schema_version_of(migrated.db()), 6);
  const std::vector<geo::access_token> tokens = migrated.load_tokens();
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].id, api.record.id);
  EXPECT_EQ(tokens[0].kind, "api");
  EXPECT_EQ(tokens[0].name, "");
  EXPECT_EQ(tokens[0].expires_at, "");
  EXPECT_TRUE(migrated.load_links().empty());
}

}  // namespace
