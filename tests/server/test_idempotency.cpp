// Idempotent writes when two servers share a store: of two requests with one key, the one that
// loses the race (its write conflicts with the winner's, or its kept answer is a duplicate)
// answers with the winner's kept answer.
#include "server/idempotency.hpp"

#include <gtest/gtest.h>

#include "geo/access_token.hpp"
#include "geo/error.hpp"
#include "geo/store/spatialite_store.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using server::request;
using server::response;

request pledge_request(const std::string& key) {
  request r;
  r.method = "POST";
  r.path = "/api/v1/pledges";
  r.body = R"({"target":"T01","form":"uang","amount_idr":150000})";
  if (!key.empty()) r.headers["idempotency-key"] = key;
  r.caller.who = geo::role::collaborator;
  r.caller.token_id = "tok_0000000c";
  return r;
}

class Idempotency : public ::testing::Test {
 protected:
  Idempotency() : m_path(m_dir / "sasaran.db"), m_here(m_path), m_there(m_path) {
    m_here.begin();
    m_here.commit();
  }

  // What the other server does: its write and its kept answer, committed.
  void answered_there(const request& r, const response& answer) {
    m_there.begin();
    server::remember(m_there, r, answer);
    m_there.commit();
  }

  test_support::temp_dir m_dir;
  std::string m_path;
  geo::spatialite_store m_here;   // this server's connection
  geo::spatialite_store m_there;  // another server's, to the same file
};

TEST_F(Idempotency, AKeptAnswerIsReplayedWithoutWriting) {
  const request r = pledge_request("k-1");
  answered_there(r, response::json(R"({"id":"P000001"})", 201));
  bool wrote = false;
  const response out = server::write_once(m_here, r, [&] {
    wrote = true;
    return response::json("{}", 201);
  });
  EXPECT_FALSE(wrote);
  EXPECT_EQ(out.status, 201);
  EXPECT_EQ(out.body, R"({"id":"P000001"})");
  ASSERT_EQ(out.headers.size(), 1u);
  EXPECT_EQ(out.headers[0],
            std::make_pair(std::string("Idempotent-Replayed"), std::string("true")));
}

TEST_F(Idempotency, AWriteThatConflictsWithTheWinnerOfItsKeyAnswersTheWinnersAnswer) {
  const request r = pledge_request("k-2");
  const response out = server::write_once(m_here, r, [&]() -> response {
    // The other server committed the same request first; ours then finds the target taken.
    answered_there(r, response::json(R"({"id":"P000007"})", 201));
    throw geo::conflict_error(geo::conflict_kind::target_taken, "target T01 already has pledge",
                              "P000007");
  });
  EXPECT_EQ(out.status, 201);
  EXPECT_EQ(out.body, R"({"id":"P000007"})");
}

TEST_F(Idempotency, ADuplicateKeptAnswerRollsBackAndAnswersTheWinnersAnswer) {
  const request r = pledge_request("k-3");
  const response out = server::write_once(m_here, r, [&] {
    answered_there(r, response::json(R"({"id":"P000008"})", 201));
    geo::store_transaction write(m_here);
    server::remember(m_here, r, response::json(R"({"id":"P000009"})", 201));  // duplicate
    write.commit();
    return response::json(R"({"id":"P000009"})", 201);
  });
  EXPECT_EQ(out.body, R"({"id":"P000008"})");
  EXPECT_EQ(m_here.find_answer("tok_0000000c", "k-3")->body, R"({"id":"P000008"})");
}

TEST_F(Idempotency, AFailedWriteWhoseKeyNoOneAnsweredFailsAsItDid) {
  const request r = pledge_request("k-4");
  EXPECT_THROW(server::write_once(m_here, r,
                                  []() -> response {
                                    throw geo::conflict_error(geo::conflict_kind::target_taken,
                                                              "taken", "P000001");
                                  }),
               geo::conflict_error);
  EXPECT_FALSE(m_here.find_answer("tok_0000000c", "k-4"));
}

TEST_F(Idempotency, AFailedWriteWithoutAKeyFailsAsItDid) {
  const request r = pledge_request("");
  EXPECT_THROW(server::write_once(
                   m_here, r, []() -> response { throw geo::store_error("database is locked"); }),
               geo::store_error);
}

TEST_F(Idempotency, TheWinnersAnswerToAnotherRequestIsA422) {
  const request r = pledge_request("k-5");
  request other = r;
  other.body = R"({"target":"T02","form":"uang","amount_idr":150000})";
  try {
    server::write_once(m_here, r, [&]() -> response {
      answered_there(other, response::json(R"({"id":"P000010"})", 201));
      throw geo::conflict_error(geo::conflict_kind::target_taken, "taken", "P000010");
    });
    FAIL() << "no error";
  } catch (const server::http_error& e) {
    EXPECT_EQ(e.status(), 422);
    EXPECT_EQ(e.parameter(), "Idempotency-Key");
  }
}

}  // namespace
