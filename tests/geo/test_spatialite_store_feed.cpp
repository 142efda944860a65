// The change feed of the embedded store: every write appends its change in its own
// transaction, in commit order; serials never hand a number out twice, even to two
// connections; a follower reads each record back as stored.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "geo/error.hpp"
#include "geo/store/spatialite_schema.hpp"
#include "geo/store/spatialite_store.hpp"
#include "geo/store/sqlite_db.hpp"
#include "geo/store/sqlite_statement.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using test_support::temp_dir;

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

// A collaborator C1, located targets T01 and T02, T03 without a point (import run 1: change 1).
class SpatialiteStoreFeed : public ::testing::Test {
 protected:
  SpatialiteStoreFeed() : m_path(m_dir / "sasaran.db"), m_store(m_path) {
    m_store.begin();
    geo::collaborator c;
    c.id = "C1";
    c.name = "Budi Santoso";
    c.kind = "perorangan";
    m_store.sync_collaborators({c});
    m_store.sync_targets({target("T01"), target("T02"), target("T03", std::nullopt)});
    m_store.record_import("targets", geo::import_report{});
    m_store.commit();
  }

  temp_dir m_dir;
  std::string m_path;
  geo::spatialite_store m_store;
};

TEST_F(SpatialiteStoreFeed, EveryWriteAppendsItsChangeInCommitOrder) {
  m_store.begin();
  m_store.insert_pledge(pledge("P000001", "T01"));
  m_store.insert_pledge(pledge("P000002", "T02"));
  m_store.commit();
  m_store.begin();
  m_store.set_pledge_status("P000001", "delivered");
  m_store.insert_realization(
      {"R000001", "P000001", "Pak Joko", "2024-03-01", "", {}, {}, "2024-03-02T10:00:00Z"});
  m_store.set_pledge_status("P000002", "cancelled");
  geo::target located = target("T03");
  located.rt_code = "3171010001001001";
  m_store.locate_target(located, "tok_0000000a");
  m_store.insert_token(
      {"tok_0000000a", geo::hash_secret("sst_a"), geo::role::pic, {}, "", "", false, ""});
  m_store.revoke_token("tok_0000000a");
  m_store.commit();
  EXPECT_EQ(text_of(m_store.changes_after(0, 100)),
            "1 import 1\n"
            "2 pledge P000001\n"
            "3 pledge P000002\n"
            "4 pledge P000001\n"
            "5 realization R000001\n"
            "6 pledge P000002\n"
            "7 location T03\n"
            "8 token tok_0000000a\n");
  EXPECT_EQ(m_store.last_change(), 8);
  EXPECT_EQ(text_of(m_store.changes_after(5, 2)), "6 pledge P000002\n7 location T03\n");
  EXPECT_TRUE(m_store.changes_after(8, 100).empty());
}

TEST_F(SpatialiteStoreFeed, AWriteRolledBackOrRefusedLeavesNoChange) {
  m_store.begin();
  m_store.insert_pledge(pledge("P000001", "T01"));
  m_store.rollback();
  m_store.begin();
  EXPECT_THROW(m_store.set_pledge_status("P000099", "cancelled"), geo::not_found_error);
  EXPECT_THROW(m_store.locate_target(target("T01"), "tok_0000000a"), geo::conflict_error);
  m_store.commit();
  EXPECT_EQ(text_of(m_store.changes_after(0, 100)), "1 import 1\n");
}

TEST_F(SpatialiteStoreFeed, AWriteOutsideATransactionCommitsWithItsChange) {
  m_store.insert_pledge(pledge("P000001", "T01"));
  EXPECT_THROW(m_store.insert_pledge(pledge("P000002", "T01")), geo::conflict_error);
  geo::spatialite_store other(m_path);
  EXPECT_EQ(text_of(other.changes_after(1, 100)), "2 pledge P000001\n");
  EXPECT_EQ(other.find_pledge("P000001")->status, "committed");
  EXPECT_FALSE(other.find_pledge("P000002"));
}

TEST_F(SpatialiteStoreFeed, AnotherConnectionSeesChangesOnlyOnceCommitted) {
  geo::spatialite_store other(m_path);
  m_store.begin();
  m_store.insert_pledge(pledge("P000001", "T01"));
  EXPECT_EQ(other.last_change(), 1);
  m_store.commit();
  EXPECT_EQ(other.last_change(), 2);
  EXPECT_EQ(text_of(other.changes_after(1, 10)), "2 pledge P000001\n");
}

TEST_F(SpatialiteStoreFeed, NextNumberIsAtLeastTheAskedOneAndNeverHandedOutTwice) {
  geo::spatialite_store other(m_path);
  m_store.begin();
  EXPECT_EQ(m_store.next_number("pledge", 14), 14u);
  EXPECT_EQ(m_store.next_number("pledge", 14), 15u);
  EXPECT_EQ(m_store.next_number("realization", 1), 1u);
  m_store.commit();
  // A second server whose memory knows only up to 13 still gets the next free number.
  other.begin();
  EXPECT_EQ(other.next_number("pledge", 14), 16u);
  EXPECT_EQ(other.next_number("pledge", 40), 40u);
  other.rollback();
  // Numbers of a transaction rolled back were never used: they are handed out again.
  m_store.begin();
  EXPECT_EQ(m_store.next_number("pledge", 1), 16u);
  EXPECT_EQ(m_store.next_number("realization", 1), 2u);
  m_store.commit();
}

TEST_F(SpatialiteStoreFeed, NextNumberOutsideATransactionIsAStoreError) {
  try {
    m_store.next_number("pledge", 1);
    FAIL() << "no error";
  } catch (const geo::store_error& e) {
    EXPECT_EQ(e.what(), "next_number of 'pledge' outside a transaction in '" + m_path + "'");
  }
}

TEST_F(SpatialiteStoreFeed, FindsEachRecordAsStoredNow) {
  m_store.begin();
  m_store.insert_pledge(pledge("P000001", "T01"));
  m_store.set_pledge_status("P000001", "delivered");
  m_store.insert_realization({"R000001", "P000001", "Pak Joko", "2024-03-01", "diterima", 250000,
                              std::nullopt, "2024-03-02T10:00:00Z"});
  geo::target located = target("T03", 106.81);
  located.rt_code = "3171010001001002";
  located.rw_code = "3171010001001";
  m_store.locate_target(located, "tok_0000000a");
  m_store.commit();

  const std::optional<geo::pledge> p = m_store.find_pledge("P000001");
  ASSERT_TRUE(p);
  EXPECT_EQ(
      std::tie(p->collaborator_id, p->target_id, p->program, p->form, p->status, p->pledged_at,
               p->flag),
      std::make_tuple("C1", "T01", "pangan", "uang", "delivered", "2024-02-01T08:00:00Z", ""));
  EXPECT_EQ(p->amount_idr, 500000);
  EXPECT_FALSE(m_store.find_pledge("P000002"));

  const std::optional<geo::realization> r = m_store.find_realization("R000001");
  ASSERT_TRUE(r);
  EXPECT_EQ(
      std::tie(r->pledge_id, r->delivered_by, r->delivered_at, r->note, r->recorded_at),
      std::make_tuple("P000001", "Pak Joko", "2024-03-01", "diterima", "2024-03-02T10:00:00Z"));
  EXPECT_EQ(r->amount_idr, 250000);
  EXPECT_EQ(r->quantity, std::nullopt);
  EXPECT_FALSE(m_store.find_realization("R000002"));

  const std::optional<geo::target> t = m_store.find_target("T03");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->lon, 106.81);
  EXPECT_EQ(t->lat, -6.195);
  EXPECT_EQ(t->rt_code, "3171010001001002");
  EXPECT_EQ(t->rw_code, "3171010001001");
  EXPECT_FALSE(m_store.find_target("T99"));
}

TEST_F(SpatialiteStoreFeed, FindTargetKnowsNoRetiredTarget) {
  m_store.begin();
  m_store.insert_pledge(pledge("P000001", "T01"));
  m_store.commit();
  geo::sync_policy policy;
  policy.allow_removals = true;
  m_store.set_sync_policy(policy);
  m_store.begin();
  m_store.sync_targets({target("T02"), target("T03", std::nullopt)});  // T01 retired: pledged
  m_store.commit();
  EXPECT_FALSE(m_store.find_target("T01"));
  EXPECT_EQ(m_store.find_pledge("P000001")->flag, "target_retired");
}

TEST_F(SpatialiteStoreFeed, WaitForChangeReturnsWhenAnotherConnectionCommits) {
  geo::spatialite_store other(m_path);
  const std::int64_t seen = m_store.last_change();
  // Generous: the wait must end by the commit, long before this.
  std::jthread waiter([&] { m_store.wait_for_change(seen, std::chrono::minutes(5)); });
  other.begin();
  other.insert_pledge(pledge("P000001", "T01"));
  other.commit();
  waiter.join();
  EXPECT_EQ(m_store.last_change(), seen + 1);
}

TEST_F(SpatialiteStoreFeed, WaitForChangeReturnsWhenThisConnectionCommits) {
  const std::int64_t seen = m_store.last_change();
  std::jthread waiter([&] { m_store.wait_for_change(seen, std::chrono::minutes(5)); });
  m_store.begin();
  m_store.insert_pledge(pledge("P000001", "T01"));
  m_store.commit();
  waiter.join();
  EXPECT_EQ(m_store.last_change(), seen + 1);
}

TEST_F(SpatialiteStoreFeed, WaitForChangeEndsAfterItsTimeoutWhenNothingChanges) {
  m_store.wait_for_change(m_store.last_change(), std::chrono::milliseconds(30));
  m_store.wait_for_change(0, std::chrono::minutes(5));  // a change is there already
  EXPECT_EQ(m_store.last_change(), 1);
}

TEST_F(SpatialiteStoreFeed, MigratesVersion5AddingAnEmptyFeed) {
  m_store.db().exec("DROP TABLE changes; DROP TABLE serials; PRAGMA user_version = 5");
  geo::spatialite_store migrated(m_path);
  EXPECT_EQ(geo::schema_version_of(migrated.db()), 6);
  EXPECT_EQ(migrated.last_change(), 0);
  migrated.begin();
  migrated.insert_pledge(pledge("P000001", "T01"));
  EXPECT_EQ(migrated.next_number("pledge", 2), 2u);
  migrated.commit();
  EXPECT_EQ(text_of(migrated.changes_after(0, 10)), "1 pledge P000001\n");
}

}  // namespace
