#include "geo/engine/ledger.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <regex>
#include <thread>

#include "geo/error.hpp"
#include "geo/import/dataset_description.hpp"
#include "geo/import/importer.hpp"
#include "geo/store/spatialite_store.hpp"
#include "geo/store/sqlite_db.hpp"
#include "geo/store/sqlite_statement.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using geo::target_status;

const geo::write_origin by_c3{"tok_0000000c", "collaborator", "req-1"};

// The tiny dataset (see test_engine.cpp): collaborators C1, C2, C3 and C5; pledges P01 (C1 on
// T01, pangan, committed), P12 (C2 on T02, cancelled) and P13 (C1 on T02, pendidikan, barang,
// committed); T03 (pangan), T04 (umkm), T05 (pangan) and T06 (permukiman) are open.
class Ledger : public ::testing::Test {
 protected:
  Ledger() : m_store(init(m_dir / "sasaran.db")), m_engine(m_store), m_ledger(m_store, m_engine) {}

  // Imports the tiny dataset into `path`.
  static std::string init(const std::string& path) {
    geo::spatialite_store s(path);
    geo::silent_progress progress;
    geo::importer importer(s, progress);
    importer.import_dataset(geo::load_dataset_description(
        std::string(SASARAN_TEST_DATA) + "/dataset-tiny.json", SASARAN_TEST_DATA));
    return path;
  }

  static geo::pledge_request money(std::string collaborator, std::string target,
                                   std::int64_t amount) {
    return {std::move(collaborator), std::move(target), std::nullopt, "uang", amount, std::nullopt};
  }

  std::string query(const std::string& sql) {
    geo::sqlite_statement select = m_store.db().prepare(sql);
    std::string out;
    while (select.step())
      out += select.column_text(0) + "\n";
    return out;
  }

  target_status status(const std::string& target_id) {
    return m_engine.status_of(*m_engine.find_target(target_id));
  }

  geo::coverage coverage(const std::string& code, const std::string& program) {
    return m_engine.coverage_of(code, program).value();
  }

  // Memory, store and engine as the fixture made them.
  void expect_untouched() {
    EXPECT_EQ(m_ledger.pledge_count(), 3u);
    EXPECT_EQ(query("SELECT group_concat(id || ' ' || status, ', ') FROM "
                    "(SELECT * FROM pledges ORDER BY id)"),
              "P01 committed, P12 cancelled, P13 committed\n");
    EXPECT_EQ(query("SELECT count(*) FROM realizations"), "0\n");
    EXPECT_TRUE(m_store.load_audit(10).empty());
    EXPECT_EQ(m_ledger.find("P01")->status, "committed");
    EXPECT_EQ(m_ledger.find("P13")->status, "committed");
    EXPECT_TRUE(m_ledger.realizations_of("P13").empty());
    EXPECT_EQ(status("T01"), target_status::pledged);
    EXPECT_EQ(status("T02"), target_status::pledged);
    EXPECT_EQ(status("T03"), target_status::open);
  }

  test_support::temp_dir m_dir;
  geo::spatialite_store m_store;
  geo::engine m_engine;
  geo::ledger m_ledger;
};

TEST_F(Ledger, LoadsPledgesCollaboratorsAndRealizationsOfTheStore) {
  EXPECT_EQ(m_ledger.pledge_count(), 3u);
  std::vector<std::string> ids;
  for (const geo::pledge& p : m_ledger.of_collaborator("C1"))
    ids.push_back(p.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"P01", "P13"}));
  EXPECT_EQ(m_ledger.active_for("T01", "pangan")->id, "P01");
  EXPECT_EQ(m_ledger.active_for("T02", "pendidikan")->id, "P13");
  EXPECT_FALSE(m_ledger.active_for("T03", "pangan"));
  EXPECT_EQ(m_ledger.find("P12")->status, "cancelled");
  EXPECT_FALSE(m_ledger.find("P99"));
  EXPECT_EQ(m_ledger.find_collaborator("C2")->name, "PT Maju Jaya");
  EXPECT_FALSE(m_ledger.find_collaborator("C4"));  // rejected by the import
  EXPECT_TRUE(m_ledger.of_collaborator("C5").empty());
}

TEST_F(Ledger, CreatesACommittedPledgeNumberedAfterTheLargestId) {
  const geo::pledge p = m_ledger.create(money("C3", "T03", 250000), by_c3);
  EXPECT_EQ(p.id, "P000014");  // after P13
  EXPECT_EQ(p.collaborator_id, "C3");
  EXPECT_EQ(p.target_id, "T03");
  EXPECT_EQ(p.program, "pangan");
  EXPECT_EQ(p.form, "uang");
  EXPECT_EQ(p.amount_idr, 250000);
  EXPECT_EQ(p.quantity, std::nullopt);
  EXPECT_EQ(p.status, "committed");
  EXPECT_TRUE(std::regex_match(p.pledged_at, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << p.pledged_at;
  EXPECT_EQ(m_ledger.find("P000014")->target_id, "T03");
  EXPECT_EQ(m_ledger.active_for("T03", "pangan")->id, "P000014");
  EXPECT_EQ(m_ledger.pledge_count(), 4u);
  EXPECT_EQ(query("SELECT id || ' ' || origin || ' ' || source_row || ' ' || status || ' ' || "
                  "pledged_at FROM pledges WHERE id = 'P000014'"),
            "P000014 api 0 committed " + p.pledged_at + "\n");
  EXPECT_EQ(m_ledger.create(money("C3", "T05", 100000), by_c3).id, "P000015");
}

TEST_F(Ledger, TakesTheProgramInAnyCase) {
  geo::pledge_request r = money("C3", "T03", 250000);
  r.program = "PANGAN";
  EXPECT_EQ(m_ledger.create(r, by_c3).program, "pangan");
}

TEST_F(Ledger, CatchUpTakesInPledgesAnotherLedgerWroteAndTheEngineFollows) {
  // A second ledger over the same store and its own engine, as a server's next generation.
  geo::engine engine(m_store);
  geo::ledger next(m_store, engine);
  const geo::pledge made = m_ledger.create(money("C3", "T03", 250000), by_c3);
  m_ledger.cancel("P01", by_c3);
  EXPECT_FALSE(next.find(made.id));
  next.catch_up();
  EXPECT_EQ(next.find(made.id)->status, "committed");
  EXPECT_EQ(next.find("P01")->status, "cancelled");
  EXPECT_EQ(next.pledge_count(), m_ledger.pledge_count());
  EXPECT_EQ(engine.coverage_of("3171010001", "pangan")->pledged,
            m_engine.coverage_of("3171010001", "pangan")->pledged);
  next.catch_up();  // twice is once
  EXPECT_EQ(next.pledge_count(), m_ledger.pledge_count());
  // Its next pledge id follows the other's.
  EXPECT_EQ(next.create(money("C3", "T05", 100000), by_c3).id, "P000015");
}

// Two ledgers over one store, each with its own engine, as two servers over one database.
TEST_F(Ledger, TwoLedgersOverOneStoreNeverMakeTheSameId) {
  geo::engine engine(m_store);
  geo::ledger other(m_store, engine);
  EXPECT_EQ(m_ledger.create(money("C3", "T03", 250000), by_c3).id, "P000014");
  // The other knows only up to P13 and takes the next number of the store's serial.
  EXPECT_EQ(other.create(money("C3", "T05", 100000), by_c3).id, "P000015");
  const auto [p, r] = m_ledger.realize("P01", {"Pak Joko", "2024-03-01", "", {}, {}}, by_c3);
  EXPECT_EQ(r.id, "R000001");
  EXPECT_EQ(other.realize("P13", {"Pak Joko", "2024-03-01", "", {}, 5}, by_c3).second.id,
            "R000002");
}

TEST_F(Ledger, APledgeOnATargetAnotherLedgerTookIsAConflictNamingItsPledge) {
  geo::engine engine(m_store);
  geo::ledger other(m_store, engine);
  const geo::pledge made = m_ledger.create(money("C3", "T03", 250000), by_c3);
  try {
    other.create(money("C3", "T03", 100000), by_c3);
    FAIL() << "no error";
  } catch (const geo::conflict_error& e) {
    EXPECT_EQ(e.kind(), geo::conflict_kind::target_taken);
    EXPECT_EQ(e.holder(), made.id);
    EXPECT_STREQ(e.what(), "target T03 already has pledge P000014 (committed) for program pangan");
  }
  EXPECT_EQ(query("SELECT count(*) FROM pledges WHERE target_id = 'T03'"), "1\n");
}

TEST_F(Ledger, TakesInWhatAnotherLedgerWroteOnceAndTheEngineFollows) {
  geo::engine engine(m_store);
  geo::ledger other(m_store, engine);
  const geo::pledge made = other.create(money("C3", "T03", 250000), by_c3);
  other.cancel("P01", by_c3);
  const auto [delivered, done] = other.realize("P13", {"Pak Joko", "2024-03-01", "", {}, 5}, by_c3);
  EXPECT_EQ(status("T03"), target_status::open);

  EXPECT_TRUE(m_ledger.take_in(*m_store.find_pledge(made.id)));
  EXPECT_TRUE(m_ledger.take_in(*m_store.find_pledge("P01")));
  EXPECT_TRUE(m_ledger.take_in(*m_store.find_pledge("P13")));
  EXPECT_TRUE(m_ledger.take_in(*m_store.find_realization(done.id)));
  EXPECT_EQ(m_ledger.find(made.id)->status, "committed");
  EXPECT_EQ(m_ledger.active_for("T03", "pangan")->id, made.id);
  EXPECT_EQ(m_ledger.find("P01")->status, "cancelled");
  EXPECT_FALSE(m_ledger.active_for("T01", "pangan"));
  EXPECT_EQ(m_ledger.realizations_of("P13").at(0).id, done.id);
  EXPECT_EQ(status("T03"), target_status::pledged);
  EXPECT_EQ(status("T01"), target_status::open);
  EXPECT_EQ(status("T02"), target_status::delivered);
  EXPECT_EQ(coverage("3171010001", "pangan").pledged,
            engine.coverage_of("3171010001", "pangan")->pledged);
  // Taken in again (the feed names a pledge once per write): nothing changes.
  EXPECT_FALSE(m_ledger.take_in(*m_store.find_pledge(made.id)));
  EXPECT_FALSE(m_ledger.take_in(*m_store.find_realization(done.id)));
  EXPECT_EQ(m_ledger.realizations_of("P13").size(), 1u);
  EXPECT_EQ(m_ledger.pledge_count(), other.pledge_count());
}

TEST_F(Ledger, APledgeOnATargetWhoseHolderAnotherLedgerCancelledGoesThrough) {
  geo::engine engine(m_store);
  geo::ledger other(m_store, engine);
  other.cancel("P01", by_c3);
  // This ledger still holds P01 as committed; the store says it is not.
  const geo::pledge made = m_ledger.create(money("C3", "T01", 250000), by_c3);
  EXPECT_EQ(m_ledger.active_for("T01", "pangan")->id, made.id);
  EXPECT_EQ(m_ledger.find("P01")->status, "cancelled");
  EXPECT_EQ(status("T01"), target_status::pledged);
  // A holder the store still has active is refused as before.
  EXPECT_THROW(m_ledger.create(money("C3", "T01", 100000), by_c3), geo::conflict_error);
}

TEST_F(Ledger, CancelOfAPledgeAnotherLedgerDeliveredIsAConflictAndMemoryLearnsIt) {
  geo::engine engine(m_store);
  geo::ledger other(m_store, engine);
  other.realize("P01", {"Pak Joko", "2024-03-01", "", {}, {}}, by_c3);
  try {
    m_ledger.cancel("P01", by_c3);
    FAIL() << "no error";
  } catch (const geo::conflict_error& e) {
    EXPECT_EQ(e.kind(), geo::conflict_kind::pledge_delivered);
    EXPECT_STREQ(e.what(), "pledge P01 is delivered and can no longer be cancelled");
  }
  EXPECT_EQ(query("SELECT status FROM pledges WHERE id = 'P01'"), "delivered\n");
  EXPECT_EQ(m_ledger.find("P01")->status, "delivered");
  EXPECT_EQ(status("T01"), target_status::delivered);
  EXPECT_THROW(m_ledger.realize("P01", {"Pak Joko", "2024-03-01", "", {}, {}}, by_c3),
               geo::conflict_error);
  EXPECT_EQ(query("SELECT count(*) FROM realizations"), "1\n");
}

TEST_F(Ledger, CreateAuditsWhoWroteWhat) {
  const geo::pledge p =
      m_ledger.create({"C2", "T04", std::string("umkm"), "barang", std::nullopt, 3}, by_c3);
  const std::vector<geo::audit_entry> log = m_store.load_audit(10);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].actor, "tok_0000000c");
  EXPECT_EQ(log[0].role, "collaborator");
  EXPECT_EQ(log[0].action, "pledge.create");
  EXPECT_EQ(log[0].subject, p.id);
  EXPECT_EQ(log[0].request_id, "req-1");
  EXPECT_EQ(log[0].detail,
            R"({"collaborator_id":"C2","target_id":"T04","program":"umkm","form":"barang",)"
            R"("amount_idr":null,"quantity":3,"status":"committed","pledged_at":")" +
                p.pledged_at + "\"}");
}

TEST_F(Ledger, CreateCountsTheTargetAsPledgedInEveryArea) {
  EXPECT_EQ(coverage("3171010001", "pangan").pledged, 1u);
  m_ledger.create(money("C3", "T03", 250000), by_c3);
  EXPECT_EQ(status("T03"), target_status::pledged);
  EXPECT_EQ(coverage("3171010001002001", "pangan").pledged, 1u);
  EXPECT_EQ(coverage("3171010001", "pangan").pledged, 2u);
  EXPECT_EQ(coverage("3171", "pangan").pledged, 2u);
}

TEST_F(Ledger, RefusesDoubleHelpNamingTheHoldingPledge) {
  try {
    m_ledger.create(money("C3", "T01", 250000), by_c3);
    FAIL() << "no error";
  } catch (const geo::conflict_error& e) {
    EXPECT_STREQ(e.what(), "target T01 already has pledge P01 (committed) for program pangan");
    EXPECT_EQ(e.holder(), "P01");
  }
  expect_untouched();
}

struct bad_pledge {
  geo::pledge_request request;
  std::string field;
  std::string message;
};

TEST_F(Ledger, RefusesEachBadPledgeFieldNamingIt) {
  const std::optional<std::int64_t> none;
  const std::vector<bad_pledge> cases = {
      {{"", "T03", {}, "uang", 1000, none}, "collaborator", "collaborator is required"},
      {{"C9", "T03", {}, "uang", 1000, none}, "collaborator", "collaborator C9 does not exist"},
      {{"C3", "", {}, "uang", 1000, none}, "target", "target is required"},
      {{"C3", "T99", {}, "uang", 1000, none}, "target", "target T99 does not exist"},
      {{"C3", "T07", {}, "uang", 1000, none}, "target", "target T07 does not exist"},
      {{"C3", "T03", "umkm", "uang", 1000, none},
       "program",
       "target T03 is a pangan target, not umkm"},
      {{"C3", "T03", {}, "", 1000, none}, "form", "form is required: uang or barang"},
      {{"C3", "T03", {}, "transfer", 1000, none}, "form", "form 'transfer' is not uang or barang"},
      {{"C3", "T03", {}, "uang", none, none},
       "amount_idr",
       "a pledge of money (uang) needs amount_idr > 0"},
      {{"C3", "T03", {}, "uang", 0, none},
       "amount_idr",
       "a pledge of money (uang) needs amount_idr > 0, got 0"},
      {{"C3", "T03", {}, "uang", 1000, 2},
       "quantity",
       "a pledge of money (uang) takes amount_idr, not quantity"},
      {{"C3", "T03", {}, "barang", none, none},
       "quantity",
       "a pledge of goods (barang) needs quantity > 0"},
      {{"C3", "T03", {}, "barang", none, -4},
       "quantity",
       "a pledge of goods (barang) needs quantity > 0, got -4"},
      {{"C3", "T03", {}, "barang", 1000, 2},
       "amount_idr",
       "a pledge of goods (barang) takes quantity, not amount_idr"},
  };
  for (const bad_pledge& c : cases) {
    try {
      m_ledger.create(c.request, by_c3);
      ADD_FAILURE() << "no error for " << c.message;
    } catch (const geo::field_error& e) {
      EXPECT_EQ(e.field(), c.field) << c.message;
      EXPECT_EQ(e.what(), c.message);
    }
  }
  expect_untouched();
}

TEST_F(Ledger, CancelsACommittedPledgeAndOpensItsTarget) {
  const geo::pledge p = m_ledger.cancel("P01", {"tok_000000ad", "admin", "req-2"});
  EXPECT_EQ(p.status, "cancelled");
  EXPECT_EQ(m_ledger.find("P01")->status, "cancelled");
  EXPECT_FALSE(m_ledger.active_for("T01", "pangan"));
  EXPECT_EQ(status("T01"), target_status::open);
  EXPECT_EQ(coverage("3171010001", "pangan").pledged, 0u);
  EXPECT_EQ(query("SELECT status || ' ' || (updated_at IS NOT NULL) FROM pledges WHERE id = 'P01'"),
            "cancelled 1\n");
  const geo::audit_entry last = m_store.load_audit(1).at(0);
  EXPECT_EQ(std::tie(last.actor, last.role, last.action, last.subject, last.request_id),
            std::make_tuple("tok_000000ad", "admin", "pledge.cancel", "P01", "req-2"));
  EXPECT_EQ(last.detail,
            R"({"target_id":"T01","program":"pangan","from":"committed","status":"cancelled"})");
  // The target is free for another collaborator.
  EXPECT_EQ(m_ledger.create(money("C3", "T01", 1000), by_c3).id, "P000014");
}

TEST_F(Ledger, CancelRefusesUnknownCancelledAndDeliveredPledges) {
  m_ledger.realize("P13", {"Pak Joko", "2024-03-01", "", {}, 5}, by_c3);
  const std::vector<std::pair<std::string, std::string>> conflicts = {
      {"P12", "pledge P12 is already cancelled"},
      {"P13", "pledge P13 is delivered and can no longer be cancelled"}};
  for (const auto& [id, message] : conflicts) {
    try {
      m_ledger.cancel(id, by_c3);
      ADD_FAILURE() << "no error for " << id;
    } catch (const geo::conflict_error& e) {
      EXPECT_EQ(e.what(), message);
      EXPECT_EQ(e.holder(), "");
    }
  }
  try {
    m_ledger.cancel("P99", by_c3);
    FAIL() << "no error";
  } catch (const geo::not_found_error& e) {
    EXPECT_STREQ(e.what(), "pledge P99 does not exist");
  }
  EXPECT_EQ(m_store.load_audit(10).size(), 1u);  // the realization only
}

TEST_F(Ledger, RealizesACommittedPledge) {
  const auto [p, r] = m_ledger.realize(
      "P13", {"  Pak Joko  ", "2024-03-01", "diterima ketua RT", std::nullopt, 5}, by_c3);
  EXPECT_EQ(p.status, "delivered");
  EXPECT_EQ(r.id, "R000001");
  EXPECT_EQ(r.pledge_id, "P13");
  EXPECT_EQ(r.delivered_by, "Pak Joko");
  EXPECT_EQ(r.delivered_at, "2024-03-01");
  EXPECT_EQ(r.note, "diterima ketua RT");
  EXPECT_EQ(r.quantity, 5);
  EXPECT_EQ(m_ledger.find("P13")->status, "delivered");
  EXPECT_EQ(m_ledger.active_for("T02", "pendidikan")->id, "P13");  // still held
  ASSERT_EQ(m_ledger.realizations_of("P13").size(), 1u);
  EXPECT_EQ(m_ledger.realizations_of("P13")[0].id, "R000001");
  EXPECT_EQ(status("T02"), target_status::delivered);
  EXPECT_EQ(coverage("3171010001", "pendidikan").delivered, 1u);
  EXPECT_EQ(coverage("3171010001", "pendidikan").pledged, 1u);
  const std::vector<geo::realization> stored = m_store.load_realizations();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].recorded_at, r.recorded_at);
  EXPECT_EQ(query("SELECT status FROM pledges WHERE id = 'P13'"), "delivered\n");
  const geo::audit_entry last = m_store.load_audit(1).at(0);
  EXPECT_EQ(last.action, "pledge.realize");
  EXPECT_EQ(last.subject, "P13");
  EXPECT_EQ(last.detail,
            R"({"realization_id":"R000001","target_id":"T02","program":"pendidikan",)"
            R"("delivered_by":"Pak Joko","delivered_at":"2024-03-01","note":"diterima ketua RT",)"
            R"("amount_idr":null,"quantity":5})");
}

TEST_F(Ledger, RealizationIsDeliveredNowUnlessToldOtherwise) {
  const auto [p, r] = m_ledger.realize("P01", {"Pak Joko", std::nullopt, "", {}, {}}, by_c3);
  EXPECT_EQ(r.delivered_at, r.recorded_at);
  EXPECT_TRUE(std::regex_match(r.recorded_at, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
  const std::vector<std::pair<std::string, std::string>> given = {
      {"T03", "2024-03-01T10:00:00Z"}, {"T05", "2024-03-01T10:00:00.250+07:00"}};
  for (const auto& [target, at] : given) {
    const geo::pledge q = m_ledger.create(money("C3", target, 1000), by_c3);
    EXPECT_EQ(m_ledger.realize(q.id, {"Pak Joko", at, "", {}, {}}, by_c3).second.delivered_at, at);
  }
}

TEST_F(Ledger, RefusesEachBadRealizationFieldNamingIt) {
  struct bad {
    geo::realization_request request;
    std::string field;
    std::string message;
  };
  const std::string not_a_time =
      "' is not a date YYYY-MM-DD nor a date-time YYYY-MM-DDTHH:MM:SSZ (or with an offset, "
      "+07:00)";
  const std::vector<bad> cases = {
      {{"", {}, "", {}, {}}, "delivered_by", "delivered_by is required: who handed the help over"},
      {{"  ", {}, "", {}, {}},
       "delivered_by",
       "delivered_by is required: who handed the help over"},
      {{"Pak Joko", "01/03/2024", "", {}, {}},
       "delivered_at",
       "delivered_at '01/03/2024" + not_a_time},
      {{"Pak Joko", "2024-02-30", "", {}, {}},
       "delivered_at",
       "delivered_at '2024-02-30" + not_a_time},
      {{"Pak Joko", "2024-03-01T10:00", "", {}, {}},
       "delivered_at",
       "delivered_at '2024-03-01T10:00" + not_a_time},
      {{"Pak Joko", "2024-03-01T10:00:00", "", {}, {}},
       "delivered_at",
       "delivered_at '2024-03-01T10:00:00" + not_a_time},
      {{"Pak Joko", "2024-03-01T24:00:00Z", "", {}, {}},
       "delivered_at",
       "delivered_at '2024-03-01T24:00:00Z" + not_a_time},
      {{"Pak Joko", {}, "", -1, {}}, "amount_idr", "amount_idr must be 0 or more, got -1"},
      {{"Pak Joko", {}, "", {}, -2}, "quantity", "quantity must be 0 or more, got -2"},
  };
  for (const bad& c : cases) {
    try {
      m_ledger.realize("P13", c.request, by_c3);
      ADD_FAILURE() << "no error for " << c.message;
    } catch (const geo::field_error& e) {
      EXPECT_EQ(e.field(), c.field) << c.message;
      EXPECT_EQ(e.what(), c.message);
    }
  }
  expect_untouched();
}

TEST_F(Ledger, RealizeRefusesDeliveredCancelledAndUnknownPledges) {
  m_ledger.realize("P13", {"Pak Joko", {}, "", {}, 5}, by_c3);
  const std::vector<std::pair<std::string, std::string>> conflicts = {
      {"P13", "pledge P13 was already delivered (realization R000001)"},
      {"P12", "pledge P12 is cancelled and cannot be delivered"}};
  for (const auto& [id, message] : conflicts) {
    try {
      m_ledger.realize(id, {"Pak Joko", {}, "", {}, {}}, by_c3);
      ADD_FAILURE() << "no error for " << id;
    } catch (const geo::conflict_error& e) {
      EXPECT_EQ(e.what(), message);
    }
  }
  EXPECT_THROW(m_ledger.realize("P99", {"Pak Joko", {}, "", {}, {}}, by_c3), geo::not_found_error);
  EXPECT_EQ(m_store.load_realizations().size(), 1u);
}

TEST_F(Ledger, HookWritesInTheSameTransaction) {
  const geo::pledge p =
      m_ledger.create(money("C3", "T03", 1000), by_c3, [](geo::store& s, const geo::pledge& made) {
        s.save_answer({"tok_0000000c", "key-1", "f1", 201, "application/json",
                       R"({"id":")" + made.id + "\"}", ""});
      });
  const auto answer = m_store.find_answer("tok_0000000c", "key-1");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->body, R"({"id":")" + p.id + "\"}");
}

TEST_F(Ledger, NothingChangesWhenTheHookThrows) {
  const auto failing = [](geo::store& s, const geo::pledge&) {
    s.save_answer({"tok_0000000c", "key-1", "f1", 201, "application/json", "{}", ""});
    throw geo::store_error("disk full");
  };
  EXPECT_THROW(m_ledger.create(money("C3", "T03", 1000), by_c3, failing), geo::store_error);
  EXPECT_THROW(m_ledger.cancel("P01", by_c3, failing), geo::store_error);
  EXPECT_THROW(m_ledger.realize("P13", {"Pak Joko", {}, "", {}, {}}, by_c3,
                                [](geo::store&, const geo::pledge&, const geo::realization&) {
                                  throw geo::store_error("disk full");
                                }),
               geo::store_error);
  expect_untouched();
  EXPECT_FALSE(m_ledger.active_for("T03", "pangan"));
  EXPECT_FALSE(m_store.find_answer("tok_0000000c", "key-1"));
  EXPECT_EQ(coverage("3171010001", "pangan").pledged, 1u);
  // The numbers the failed writes would have taken are still free.
  EXPECT_EQ(m_ledger.create(money("C3", "T03", 1000), by_c3).id, "P000014");
  EXPECT_EQ(m_ledger.realize("P13", {"Pak Joko", {}, "", {}, {}}, by_c3).second.id, "R000001");
}

TEST_F(Ledger, ALedgerLoadedLaterSeesTheWritesAndNumbersOn) {
  const geo::pledge p = m_ledger.create(money("C3", "T03", 1000), by_c3);
  m_ledger.realize(p.id, {"Pak Joko", "2024-03-01", "", {}, {}}, by_c3);
  geo::engine engine(m_store);
  geo::ledger later(m_store, engine);
  EXPECT_EQ(later.pledge_count(), 4u);
  EXPECT_EQ(later.find(p.id)->status, "delivered");
  EXPECT_EQ(later.realizations_of(p.id).at(0).id, "R000001");
  EXPECT_EQ(engine.status_of(*engine.find_target("T03")), target_status::delivered);
  const geo::pledge next = later.create(money("C3", "T05", 1000), by_c3);
  EXPECT_EQ(next.id, "P000015");
  EXPECT_EQ(later.realize(next.id, {"Pak Joko", {}, "", {}, {}}, by_c3).second.id, "R000002");
}

TEST_F(Ledger, ConcurrentPledgesOnOneTargetLetExactlyOneThrough) {
  std::atomic<int> made{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      try {
        m_ledger.create(money("C3", "T03", 1000), by_c3);
        ++made;
      } catch (const geo::conflict_error&) {
        ++refused;
      }
    });
  for (std::thread& t : threads)
    t.join();
  EXPECT_EQ(made.load(), 1);
  EXPECT_EQ(refused.load(), 3);
  EXPECT_EQ(query("SELECT count(*) FROM pledges WHERE target_id = 'T03'"), "1\n");
}

}  // namespace
