// What every store does with the server's records (pledges made through the API,
// realizations, the audit log, idempotent answers, tokens, sign-in links) and with
// transactions, whichever store it is (store_conformance.hpp).
#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "tests/geo/store_conformance.hpp"

namespace store_conformance {
namespace {

TEST_P(StoreConformance, InsertsApiPledgeWithOriginApiAndSourceRowZero) {
  store_pledge_parties();
  geo::pledge p = pledge("P000016", "T02", "committed");
  p.row = 7;  // ignored: an API pledge has no row
  store().begin();
  store().insert_pledge(p);
  store().commit();
  EXPECT_EQ(query("SELECT id || ' ' || origin || ' ' || source_row || ' ' || status || ' ' || "
                  "amount_idr FROM pledges"),
            "P000016 api 0 committed 500000\n");
  const std::vector<geo::pledge> loaded = store().load_pledges();
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].target_id, "T02");
  EXPECT_EQ(loaded[0].quantity, std::nullopt);
  EXPECT_EQ(loaded[0].flag, "");
}

TEST_P(StoreConformance, RefusesApiPledgeOnATargetAlreadyHeld) {
  store_pledge_parties();
  store().begin();
  store().insert_pledge(pledge("P000016", "T02", "committed"));
  try {
    store().insert_pledge(pledge("P000017", "T02", "committed"));
    FAIL() << "no error";
  } catch (const geo::conflict_error& e) {
    EXPECT_EQ(e.kind(), geo::conflict_kind::target_taken);
    EXPECT_EQ(e.holder(), "P000016");
    EXPECT_STREQ(e.what(), "target T02 already has pledge P000016 (committed) for program pangan");
  } catch (const geo::store_error& e) {
    // The SQLite store names the holder from the change feed's merge on (issue 13).
    EXPECT_EQ(GetParam(), backend::spatialite) << e.what();
  }
  store().rollback();
}

TEST_P(StoreConformance, SetsPledgeStatusAndNotesWhenTheServerChangedIt) {
  store_pledge_parties();
  store().begin();
  store().sync_pledges({pledge("P01", "T01", "committed")});
  store().set_pledge_status("P01", "cancelled");
  store().commit();
  EXPECT_EQ(store().load_pledges().at(0).status, "cancelled");
  EXPECT_EQ(query("SELECT origin || ' ' || CASE WHEN updated_at IS NULL THEN 0 ELSE 1 END FROM "
                  "pledges"),
            "import 1\n");
}

TEST_P(StoreConformance, SetPledgeStatusOfAnUnknownIdIsNotFound) {
  store_pledge_parties();
  store().begin();
  try {
    store().set_pledge_status("P99", "cancelled");
    FAIL() << "no error";
  } catch (const geo::not_found_error& e) {
    EXPECT_STREQ(e.what(), "pledge P99 does not exist");
  }
  store().rollback();
}

TEST_P(StoreConformance, StoresAndLoadsRealizations) {
  store_pledge_parties();
  const geo::realization r{"R000001",           "P01",        "Pak Joko", "2024-03-01",
                           "diterima ketua RT", std::nullopt, 20,         "2024-03-02T10:00:00Z"};
  store().begin();
  store().sync_pledges({pledge("P01", "T01", "delivered")});
  store().insert_realization(r);
  store().commit();
  const std::vector<geo::realization> loaded = store().load_realizations();
  ASSERT_EQ(loaded.size(), 1u);
  const geo::realization& l = loaded[0];
  EXPECT_EQ(std::tie(l.id, l.pledge_id, l.delivered_by, l.delivered_at, l.note, l.amount_idr,
                     l.quantity, l.recorded_at),
            std::tie(r.id, r.pledge_id, r.delivered_by, r.delivered_at, r.note, r.amount_idr,
                     r.quantity, r.recorded_at));
}

TEST_P(StoreConformance, RefusesRealizationOfAnUnknownPledge) {
  store().begin();
  EXPECT_THROW(
      store().insert_realization(
          {"R000001", "P99", "Pak Joko", "2024-03-01", "", {}, {}, "2024-03-02T10:00:00Z"}),
      geo::store_error);
  store().rollback();
}

TEST_P(StoreConformance, AuditLogNumbersEntriesAndLoadsNewestFirst) {
  store().begin();
  for (const char* subject : {"P000001", "P000002", "P000003"})
    store().append_audit({0, "", "tok_1a2b3c4d", "collaborator", "pledge.create", subject, "req-1",
                          R"({"form":"uang"})"});
  store().append_audit(
      {0, "2024-03-01T08:00:00.000Z", "cli", "admin", "token.create", "tok_1a2b3c4d", "", "{}"});
  store().commit();
  const std::vector<geo::audit_entry> last = store().load_audit(3);
  ASSERT_EQ(last.size(), 3u);
  EXPECT_EQ(
      std::tie(last[0].id, last[0].at, last[0].actor, last[0].action, last[0].subject),
      std::make_tuple(std::int64_t{4}, std::string("2024-03-01T08:00:00.000Z"), std::string("cli"),
                      std::string("token.create"), std::string("tok_1a2b3c4d")));
  EXPECT_EQ(last[1].id, 3);
  EXPECT_EQ(last[1].subject, "P000003");
  EXPECT_EQ(last[1].role, "collaborator");
  EXPECT_EQ(last[1].request_id, "req-1");
  EXPECT_EQ(last[1].detail, R"({"form":"uang"})");
  // An empty `at` is now, in UTC with milliseconds.
  EXPECT_TRUE(std::regex_match(last[1].at, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << last[1].at;
  EXPECT_EQ(last[2].id, 2);
  EXPECT_EQ(store().load_audit(10).size(), 4u);
}

TEST_P(StoreConformance, AuditIdsHaveNoGapWhereATransactionRolledBack) {
  store().begin();
  store().append_audit({0, "", "cli", "admin", "token.create", "tok_1", "", "{}"});
  store().commit();
  store().begin();
  store().append_audit({0, "", "cli", "admin", "token.create", "tok_2", "", "{}"});
  store().rollback();
  store().begin();
  store().append_audit({0, "", "cli", "admin", "token.create", "tok_3", "", "{}"});
  store().commit();
  const std::vector<geo::audit_entry> log = store().load_audit(10);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(std::tie(log[0].id, log[0].subject), std::make_tuple(std::int64_t{2}, "tok_3"));
}

TEST_P(StoreConformance, KeepsIdempotentAnswersPerScopeAndKey) {
  const geo::stored_answer a{
      "tok_1a2b3c4d",        "key-1", "9f2c", 201, "application/json", R"({"id":"P000016"})",
      "2024-03-01T08:00:00Z"};
  store().begin();
  store().save_answer(a);
  store().save_answer({"tok_99999999", "key-1", "77aa", 409, "application/problem+json", "{}", ""});
  store().commit();
  const auto found = store().find_answer("tok_1a2b3c4d", "key-1");
  ASSERT_TRUE(found);
  EXPECT_EQ(
      std::tie(found->scope, found->key, found->fingerprint, found->status, found->content_type,
               found->body, found->created_at),
      std::tie(a.scope, a.key, a.fingerprint, a.status, a.content_type, a.body, a.created_at));
  const auto other = store().find_answer("tok_99999999", "key-1");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 409);
  EXPECT_TRUE(std::regex_match(other->created_at, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << other->created_at;
  EXPECT_FALSE(store().find_answer("tok_1a2b3c4d", "key-2"));
  store().begin();
  EXPECT_THROW(store().save_answer(a), geo::store_error);
  store().rollback();
}

TEST_P(StoreConformance, StoresTokensAndFindsThemByHash) {
  geo::access_token pic{"tok_0000000a",
                        geo::hash_secret("sst_a"),
                        geo::role::pic,
                        {"3171010001", "3171010002"},
                        "",
                        "2024-03-01T08:00:00Z",
                        false,
                        "Bu Sri"};
  geo::access_token session{"tok_0000000b",
                            geo::hash_secret("sst_b"),
                            geo::role::aggregator,
                            {},
                            "C6",
                            "2024-03-01T08:00:01Z",
                            false,
                            "",
                            "session",
                            "Ibu Sari",
                            "2024-03-02T08:00:01Z"};
  store().begin();
  store().insert_token(pic);
  store().insert_token(session);
  store().commit();
  const auto found = store().find_token(geo::hash_secret("sst_a"));
  ASSERT_TRUE(found);
  EXPECT_EQ(std::tie(found->id, found->secret_hash, found->who, found->areas,
                     found->collaborator_id, found->created_at, found->revoked, found->note,
                     found->kind, found->name, found->expires_at),
            std::tie(pic.id, pic.secret_hash, pic.who, pic.areas, pic.collaborator_id,
                     pic.created_at, pic.revoked, pic.note, pic.kind, pic.name, pic.expires_at));
  EXPECT_FALSE(store().find_token(geo::hash_secret("sst_c")));
  EXPECT_EQ(query("SELECT areas FROM tokens WHERE id = 'tok_0000000a'"),
            "[\"3171010001\",\"3171010002\"]\n");
  const std::vector<geo::access_token> all = store().load_tokens();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].who, geo::role::aggregator);
  EXPECT_EQ(std::tie(all[1].collaborator_id, all[1].kind, all[1].name, all[1].expires_at),
            std::tie(session.collaborator_id, session.kind, session.name, session.expires_at));
}

TEST_P(StoreConformance, RevokesATokenForGoodAndRefusesUnknownIds) {
  store().begin();
  store().insert_token(token("tok_0000000a"));
  store().revoke_token("tok_0000000a");
  try {
    store().revoke_token("tok_ffffffff");
    FAIL() << "no error";
  } catch (const geo::not_found_error& e) {
    EXPECT_STREQ(e.what(), "token tok_ffffffff does not exist");
  }
  store().commit();
  EXPECT_TRUE(store().find_token(geo::hash_secret("sst_tok_0000000a"))->revoked);
}

TEST_P(StoreConformance, ExchangesASignInLinkOnceOnly) {
  geo::sign_in_link link{"lnk_0000000a",
                         geo::hash_secret("code"),
                         "Ibu Sari",
                         geo::role::pic,
                         {"3171010001"},
                         "",
                         3600,
                         "2026-01-01T00:00:00Z",
                         "2026-01-02T00:00:00Z",
                         "",
                         ""};
  store().begin();
  store().insert_link(link);
  store().insert_token(token("tok_0000000s"));
  store().insert_token(token("tok_0000000t"));
  store().commit();
  const auto fresh = store().find_link(geo::hash_secret("code"));
  ASSERT_TRUE(fresh);
  EXPECT_EQ(std::tie(fresh->id, fresh->name, fresh->who, fresh->areas, fresh->session_seconds,
                     fresh->expires_at, fresh->used_at, fresh->session_id),
            std::tie(link.id, link.name, link.who, link.areas, link.session_seconds,
                     link.expires_at, link.used_at, link.session_id));
  store().begin();
  EXPECT_TRUE(store().use_link("lnk_0000000a", "2026-01-01T00:05:00Z", "tok_0000000s"));
  EXPECT_FALSE(store().use_link("lnk_0000000a", "2026-01-01T00:06:00Z", "tok_0000000t"));
  store().commit();
  const std::vector<geo::sign_in_link> all = store().load_links();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(std::tie(all[0].used_at, all[0].session_id),
            std::make_tuple(std::string("2026-01-01T00:05:00Z"), std::string("tok_0000000s")));
  EXPECT_FALSE(store().find_link(geo::hash_secret("other")));
}

TEST_P(StoreConformance, ASnapshotSeesNothingCommittedAfterItBegan) {
  store().begin();
  store().sync_targets({target("T01")});
  store().commit();
  std::unique_ptr<geo::store> other = second_connection();
  geo::store_snapshot snapshot(store());
  other->begin();
  other->sync_targets({target("T01"), target("T02")});
  other->commit();
  EXPECT_EQ(store().load_targets().size(), 1u);
  snapshot.end();
  EXPECT_EQ(store().load_targets().size(), 2u);
}

TEST_P(StoreConformance, TransactionsOfTwoThreadsDoNotMix) {
  const auto write = [&](const std::string& actor) {
    for (int i = 0; i < 20; ++i) {
      geo::store_transaction t(store());
      store().append_audit({0, "", actor, "admin", "token.create", std::to_string(i), "", "{}"});
      store().append_audit({0, "", actor, "admin", "token.revoke", std::to_string(i), "", "{}"});
      t.commit();
    }
  };
  std::thread a(write, "a"), b(write, "b");
  a.join();
  b.join();
  const std::vector<geo::audit_entry> log = store().load_audit(100);
  ASSERT_EQ(log.size(), 80u);
  for (std::size_t i = 0; i < log.size(); i += 2) {
    EXPECT_EQ(log[i].actor, log[i + 1].actor) << i;
    EXPECT_EQ(log[i].subject, log[i + 1].subject) << i;
  }
}

TEST_P(StoreConformance, TwoConnectionsWritingAtOnceNumberTheAuditWithoutGaps) {
  std::unique_ptr<geo::store> other = second_connection();
  const auto write = [](geo::store& s, const std::string& actor) {
    for (int i = 0; i < 10; ++i) {
      geo::store_transaction t(s);
      s.append_audit({0, "", actor, "admin", "token.create", std::to_string(i), "", "{}"});
      t.commit();
    }
  };
  std::thread a(write, std::ref(store()), "a"), b(write, std::ref(*other), "b");
  a.join();
  b.join();
  const std::vector<geo::audit_entry> log = store().load_audit(100);
  ASSERT_EQ(log.size(), 20u);
  for (std::size_t i = 0; i < log.size(); ++i)
    EXPECT_EQ(log[i].id, static_cast<std::int64_t>(20 - i));
}

}  // namespace
}  // namespace store_conformance
