// What only the PostgreSQL store has: its schema (PostGIS columns, the version table), the
// change feed over several connections (seqs in commit order, serials, LISTEN/NOTIFY), the
// pledge constraint when two servers race, and connections that come and go. Runs on the
// server of SASARAN_TEST_PG_URL, a database per test; skips when it is unset.
#include "geo/store/postgres_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <barrier>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "geo/error.hpp"
#include "geo/store/pg_connection.hpp"
#include "tests/support/pg_test_database.hpp"

namespace {

using namespace std::chrono_literals;

geo::target target(std::string id, std::optional<double> lon = 106.805) {
  geo::target t;
  t.id = std::move(id);
  t.program = "pangan";
  t.need = "beras";
  t.household_size = 4;
  t.priority = 3;
  t.lon = lon;
  t.lat = lon ? std::optional<double>(-6.195) : std::nullopt;
  t.declared_rt = "3171010001001001";
  t.row = 2;
  return t;
}

geo::pledge pledge(std::string id, std::string target_id) {
  geo::pledge p;
  p.id = std::move(id);
  p.collaborator_id = "C1";
  p.target_id = std::move(target_id);
  p.program = "pangan";
  p.form = "uang";
  p.amount_idr = 500000;
  p.status = "committed";
  p.pledged_at = "2024-02-01T08:00:00Z";
  return p;
}

std::string text_of(const std::vector<geo::store_change>& changes) {
  std::string out;
  for (const geo::store_change& c : changes)
    out += std::to_string(c.seq) + " " + c.kind + " " + c.key + "\n";
  return out;
}

class PostgresStore : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto url = test_support::test_pg_url();
    if (!url) GTEST_SKIP() << test_support::no_pg_url;
    m_server_url = *url;
    m_db = std::make_unique<test_support::pg_test_database>(*url);
    m_store = std::make_unique<geo::postgres_store>(m_db->url());
  }
  void TearDown() override {
    m_store.reset();
    m_db.reset();
  }

  geo::postgres_store& store() { return *m_store; }
  std::string query(const std::string& sql) { return m_db->query(sql); }

  // A collaborator C1, located targets T01 and T02, T03 without a point (import run 1: the
  // feed's change 1).
  void store_parties() {
    geo::collaborator c;
    c.id = "C1";
    c.name = "Budi Santoso";
    c.kind = "perorangan";
    store().begin();
    store().sync_collaborators({c});
    store().sync_targets({target("T01"), target("T02"), target("T03", std::nullopt)});
    store().record_import("dataset", {});
    store().commit();
  }

  std::string m_server_url;
  std::unique_ptr<test_support::pg_test_database> m_db;
  std::unique_ptr<geo::postgres_store> m_store;
};

TEST_F(PostgresStore, KeepsGeometriesInPostgisColumnsWithGistIndexes) {
  store_parties();
  EXPECT_EQ(query("SELECT version FROM schema_version"), "1\n");
  EXPECT_EQ(query("SELECT f_table_name || '.' || f_geometry_column || ' ' || type || ' ' || srid "
                  "FROM geometry_columns ORDER BY 1"),
            "areas.geom MULTIPOLYGON 4326\ntargets.geom POINT 4326\n");
  EXPECT_EQ(query("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%USING gist%' "
                  "ORDER BY 1"),
            "areas_geom\ntargets_geom\n");
  EXPECT_EQ(query("SELECT id || ' ' || coalesce(ST_AsText(geom), 'null') FROM targets ORDER BY id"),
            "T01 POINT(106.805 -6.195)\nT02 POINT(106.805 -6.195)\nT03 null\n");
}

TEST_F(PostgresStore, CreatesPostgisItselfInAnEmptyDatabase) {
  test_support::pg_test_database empty(m_server_url, false);
  EXPECT_EQ(empty.query("SELECT count(*) FROM pg_extension WHERE extname = 'postgis'"), "0\n");
  {
    geo::postgres_store fresh(empty.url());
    EXPECT_TRUE(fresh.load_targets().empty());
  }
  EXPECT_EQ(empty.query("SELECT count(*) FROM pg_extension WHERE extname = 'postgis'"), "1\n");
  EXPECT_EQ(empty.query("SELECT version FROM schema_version"), "1\n");
}

TEST_F(PostgresStore, ServersStartingAtOnceOnANewDatabaseMakeOneSchema) {
  test_support::pg_test_database empty(m_server_url);
  std::vector<std::thread> starting;
  std::atomic<int> started{0};
  for (int i = 0; i < 3; ++i)
    starting.emplace_back([&] {
      geo::postgres_store s(empty.url());
      ++started;
    });
  for (std::thread& t : starting)
    t.join();
  EXPECT_EQ(started.load(), 3);
  EXPECT_EQ(empty.query("SELECT count(*) FROM schema_version"), "1\n");
}

TEST_F(PostgresStore, RefusesADatabaseOfANewerSchema) {
  query("UPDATE schema_version SET version = 2");
  try {
    geo::postgres_store newer(m_db->url());
    FAIL() << "no error";
  } catch (const geo::store_error& e) {
    const std::string message = e.what();
    EXPECT_TRUE(message.ends_with(" has schema version 2; this sasaran knows versions up to 1"))
        << message;
    EXPECT_TRUE(message.starts_with("postgresql://postgres@")) << message;
  }
}

TEST_F(PostgresStore, SaysWhichServerItCannotReachWithoutItsPassword) {
  try {
    geo::postgres_store nowhere("postgresql://someone:secret@127.0.0.1:1/sasaran");
    FAIL() << "no error";
  } catch (const geo::store_error& e) {
    const std::string message = e.what();
    EXPECT_TRUE(message.starts_with("cannot connect to postgresql://127.0.0.1:1/sasaran: "))
        << message;
    EXPECT_EQ(message.find("secret"), std::string::npos) << message;
  }
}

TEST_F(PostgresStore, AFailedStatementSaysWhatWhereAndItsSqlstate) {
  store().begin();
  try {
    store().insert_realization(
        {"R000001", "P99", "Pak Joko", "2024-03-01", "", {}, {}, "2024-03-02T10:00:00Z"});
    FAIL() << "no error";
  } catch (const geo::pg_error& e) {
    const std::string message = e.what();
    EXPECT_EQ(e.sqlstate(), "23503");
    EXPECT_EQ(e.constraint(), "realizations_pledge_id_fkey");
    EXPECT_EQ(message,
              "'INSERT INTO realizations(id, pledge_id, delivered_by, delive' failed in " +
                  m_db->url() +
                  ": ERROR: insert or update on table \"realizations\" violates foreign key "
                  "constraint \"realizations_pledge_id_fkey\"; DETAIL: Key (pledge_id)=(P99) is "
                  "not present in table \"pledges\". (SQLSTATE 23503)");
  }
  // The transaction is over for PostgreSQL: committing it is refused, not turned into a
  // silent rollback.
  EXPECT_THROW(store().commit(), geo::store_error);
  store().rollback();
}

TEST_F(PostgresStore, EveryWriteAppendsItsChangeInCommitOrder) {
  store_parties();
  geo::target located = target("T03");
  located.rt_code = "3171010001001001";
  store().begin();
  store().insert_pledge(pledge("P000001", "T01"));
  store().set_pledge_status("P000001", "delivered");
  store().insert_realization(
      {"R000001", "P000001", "Pak Joko", "2024-03-01", "", {}, 20, "2024-03-02T10:00:00Z"});
  store().locate_target(located, "tok_0000000p");
  store().insert_token(
      {"tok_0000000a", "h", geo::role::admin, {}, "", "2026-01-01T00:00:00Z", false, ""});
  store().revoke_token("tok_0000000a");
  store().commit();
  EXPECT_EQ(text_of(store().changes_after(0, 100)),
            "1 import 1\n2 pledge P000001\n3 pledge P000001\n4 realization R000001\n"
            "5 location T03\n6 token tok_0000000a\n");
  EXPECT_EQ(store().last_change(), 6);
  EXPECT_EQ(text_of(store().changes_after(4, 1)), "5 location T03\n");
  EXPECT_EQ(query("SELECT count(*) FROM changes WHERE at ~ "
                  "'^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$'"),
            "6\n");
}

TEST_F(PostgresStore, AWriteRolledBackOrRefusedLeavesNoChangeAndNoGap) {
  store_parties();
  store().begin();
  store().insert_pledge(pledge("P000001", "T01"));
  store().rollback();
  store().begin();
  EXPECT_THROW(store().set_pledge_status("P404", "cancelled"), geo::not_found_error);
  store().insert_pledge(pledge("P000002", "T02"));
  store().commit();
  EXPECT_EQ(text_of(store().changes_after(0, 100)), "1 import 1\n2 pledge P000002\n");
}

TEST_F(PostgresStore, AWriteOutsideATransactionCommitsWithItsChange) {
  store_parties();
  store().insert_pledge(pledge("P000001", "T01"));
  geo::postgres_store other(m_db->url());
  EXPECT_EQ(other.last_change(), 2);
  EXPECT_EQ(other.find_pledge("P000001")->status, "committed");
}

TEST_F(PostgresStore, AnotherConnectionSeesChangesOnlyOnceCommitted) {
  store_parties();
  geo::postgres_store other(m_db->url());
  store().begin();
  store().insert_pledge(pledge("P000001", "T01"));
  EXPECT_EQ(other.last_change(), 1);
  store().commit();
  EXPECT_EQ(other.last_change(), 2);
}

TEST_F(PostgresStore, FindsEachRecordAsStoredNow) {
  store_parties();
  store().begin();
  store().insert_pledge(pledge("P000001", "T01"));
  store().insert_realization({"R000001",
                              "P000001",
                              "Pak Joko",
                              "2024-03-01",
                              "diterima",
                              500000,
                              {},
                              "2024-03-02T10:00:00Z"});
  store().commit();
  const auto p = store().find_pledge("P000001");
  ASSERT_TRUE(p);
  EXPECT_EQ(
      std::tie(p->target_id, p->status, p->amount_idr, p->pledged_at),
      std::make_tuple(std::string("T01"), std::string("committed"),
                      std::optional<std::int64_t>(500000), std::string("2024-02-01T08:00:00Z")));
  const auto r = store().find_realization("R000001");
  ASSERT_TRUE(r);
  EXPECT_EQ(std::tie(r->pledge_id, r->note, r->amount_idr, r->quantity),
            std::make_tuple(std::string("P000001"), std::string("diterima"),
                            std::optional<std::int64_t>(500000), std::optional<std::int64_t>()));
  const auto t = store().find_target("T02");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->lon, 106.805);
  EXPECT_FALSE(store().find_target("T99"));
  EXPECT_FALSE(store().find_pledge("P404"));
  EXPECT_FALSE(store().find_realization("R404"));
}

TEST_F(PostgresStore, FindTargetKnowsNoRetiredTarget) {
  store_parties();
  store().begin();
  store().insert_pledge(pledge("P000001", "T02"));
  store().commit();
  geo::sync_policy policy;
  policy.allow_removals = true;
  store().set_sync_policy(policy);
  store().begin();
  store().sync_targets({target("T01")});
  store().commit();
  EXPECT_FALSE(store().find_target("T02"));
  EXPECT_FALSE(store().find_target("T03"));
  EXPECT_TRUE(store().find_target("T01"));
}

TEST_F(PostgresStore, NextNumberIsAtLeastTheAskedOneAndNeverHandedOutTwice) {
  store().begin();
  EXPECT_EQ(store().next_number("pledge", 17), 17u);
  EXPECT_EQ(store().next_number("pledge", 1), 18u);
  EXPECT_EQ(store().next_number("pledge", 30), 30u);
  EXPECT_EQ(store().next_number("realization", 1), 1u);
  store().commit();
  store().begin();
  EXPECT_EQ(store().next_number("pledge", 1), 31u);
  store().rollback();
  store().begin();
  EXPECT_EQ(store().next_number("pledge", 1), 31u);  // the rolled-back one is free again
  store().commit();
}

TEST_F(PostgresStore, TwoConnectionsAtOnceNeverGetTheSameNumber) {
  geo::postgres_store other(m_db->url());
  std::vector<std::uint64_t> a, b;
  const auto take = [](geo::postgres_store& s, std::vector<std::uint64_t>& out) {
    for (int i = 0; i < 25; ++i) {
      geo::store_transaction t(s);
      out.push_back(s.next_number("pledge", 1));
      t.commit();
    }
  };
  std::thread first(take, std::ref(store()), std::ref(a));
  std::thread second(take, std::ref(other), std::ref(b));
  first.join();
  second.join();
  std::set<std::uint64_t> all(a.begin(), a.end());
  all.insert(b.begin(), b.end());
  ASSERT_EQ(all.size(), 50u);
  EXPECT_EQ(*all.begin(), 1u);
  EXPECT_EQ(*all.rbegin(), 50u);
}

TEST_F(PostgresStore, NextNumberOutsideATransactionIsAStoreError) {
  EXPECT_THROW(store().next_number("pledge", 1), geo::store_error);
}

TEST_F(PostgresStore, TwoServersPledgingOneTargetAtOnceGiveItToExactlyOne) {
  store_parties();
  geo::postgres_store other(m_db->url());
  // Both transactions are open before either inserts, as two servers answering two requests
  // at the same moment would be.
  std::barrier both_open(2);
  std::vector<std::string> won(2), lost_to(2);
  const auto pledge_it = [&](geo::postgres_store& s, int i) {
    s.begin();
    both_open.arrive_and_wait();
    try {
      s.insert_pledge(pledge("P00000" + std::to_string(i + 1), "T01"));
      s.append_audit({0, "", "tok", "collaborator", "pledge.create", "P", "", "{}"});
      s.commit();
      won[static_cast<std::size_t>(i)] = "P00000" + std::to_string(i + 1);
    } catch (const geo::conflict_error& e) {
      EXPECT_EQ(e.kind(), geo::conflict_kind::target_taken);
      lost_to[static_cast<std::size_t>(i)] = e.holder();
      s.rollback();
    }
  };
  std::thread a(pledge_it, std::ref(store()), 0), b(pledge_it, std::ref(other), 1);
  a.join();
  b.join();
  const std::string winner = won[0].empty() ? won[1] : won[0];
  ASSERT_FALSE(winner.empty());
  EXPECT_TRUE(won[0].empty() != won[1].empty()) << won[0] << " " << won[1];
  EXPECT_EQ(lost_to[won[0].empty() ? 0 : 1], winner);
  EXPECT_EQ(query("SELECT id FROM pledges"), winner + "\n");
  EXPECT_EQ(query("SELECT count(*) FROM audit_log"), "1\n");
}

TEST_F(PostgresStore, APledgeWhoseIdExistsIsAStoreErrorNotAConflict) {
  store_parties();
  store().begin();
  store().insert_pledge(pledge("P000001", "T01"));
  try {
    store().insert_pledge(pledge("P000001", "T02"));
    FAIL() << "no error";
  } catch (const geo::conflict_error&) {
    FAIL() << "a conflict";
  } catch (const geo::store_error& e) {
    EXPECT_EQ(std::string(e.what()), "pledge P000001 exists already in " + m_db->url());
  }
  store().rollback();
}

TEST_F(PostgresStore, WaitForChangeReturnsWhenAnotherConnectionCommits) {
  store_parties();
  geo::postgres_store other(m_db->url());
  const std::int64_t seen = store().last_change();
  // Listening already: the first wait connects and listens, then times out.
  store().wait_for_change(seen, 10ms);
  std::thread writer([&] {
    std::this_thread::sleep_for(100ms);
    other.insert_pledge(pledge("P000001", "T01"));
  });
  const auto start = std::chrono::steady_clock::now();
  store().wait_for_change(seen, 60s);
  const auto waited = std::chrono::steady_clock::now() - start;
  writer.join();
  // Woken by the commit, not by the end of its minute.
  EXPECT_LT(waited, 30s);
  EXPECT_EQ(store().last_change(), seen + 1);
}

TEST_F(PostgresStore, WaitForChangeReturnsAtOnceForAChangeAlreadyCommitted) {
  store_parties();
  const auto start = std::chrono::steady_clock::now();
  store().wait_for_change(0, 60s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
}

TEST_F(PostgresStore, WaitForChangeEndsAfterItsTimeoutWhenNothingChanges) {
  store_parties();
  const auto start = std::chrono::steady_clock::now();
  store().wait_for_change(store().last_change(), 200ms);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);
}

TEST_F(PostgresStore, ConnectsAgainAfterTheServerEndedItsSession) {
  store_parties();
  query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
      "AND pid <> pg_backend_pid()");
  // The next transaction finds the connection lost and opens a new one.
  store().begin();
  store().insert_pledge(pledge("P000001", "T01"));
  store().commit();
  EXPECT_EQ(store().load_pledges().size(), 1u);
}

}  // namespace
