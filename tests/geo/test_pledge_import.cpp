#include "geo/import/pledge_import.hpp"

#include <gtest/gtest.h>

#include "tests/support/issue_at.hpp"

#include <string>
#include <vector>

namespace {

const std::string pledges_path =
    std::string(SASARAN_TEST_DATA) + "/pledges-15rows-one-of-each-rejection.csv";

// T01 (pangan) and T02 (pendidikan) were accepted, T07 rejected at row 8 of the targets file.
geo::target_registry two_targets_one_rejected() {
  geo::target_registry r;
  r.program_of = {{"T01", "pangan"}, {"T02", "pendidikan"}};
  r.rejection_of = {{"T07", "row 8: point (-6.195, 106.83) lies outside every imported boundary"}};
  return r;
}

class ImportPledges : public ::testing::Test {
 protected:
  ImportPledges()
      : m_kept(geo::import_pledges(pledges_path, {"C1", "C2"}, two_targets_one_rejected(), m_report,
                                   m_progress, m_stop)) {}

  // The message of CSV row `row` (header = 1).
  std::string message(std::size_t row) const {
    for (const geo::import_issue& i : m_report.issues)
      if (i.row == row) return i.message;
    return "no issue at row " + std::to_string(row);
  }

  geo::layer_report m_report;
  geo::silent_progress m_progress;
  geo::stop_token m_stop;
  std::vector<geo::pledge> m_kept;
};

TEST_F(ImportPledges, KeepsValidPledgesWithAmountOrQuantity) {
  ASSERT_EQ(m_kept.size(), 3u);
  EXPECT_EQ(m_kept[0].id, "P01");
  EXPECT_EQ(m_kept[0].amount_idr, 500000);
  EXPECT_FALSE(m_kept[0].quantity);
  EXPECT_EQ(m_kept[0].row, 2u);
  EXPECT_EQ(m_kept[1].id, "P12");
  EXPECT_EQ(m_kept[1].status, "cancelled");
  EXPECT_EQ(m_kept[2].id, "P13");
  EXPECT_EQ(m_kept[2].quantity, 5);
  EXPECT_EQ(m_kept[2].pledged_at, "2024-02-05");
}

TEST_F(ImportPledges, RejectsUnknownCollaboratorNamingItsOtherFaultsToo) {
  EXPECT_EQ(message(3),
            "unknown collaborator 'C9'; double help: target T01 (pangan) is already held by "
            "pledge P01 (row 2)");
  EXPECT_EQ(test_support::issue_at(m_report, 3).reason, "unknown_collaborator");
}

TEST_F(ImportPledges, RejectsUnknownTarget) {
  EXPECT_EQ(message(4), "unknown target 'T99'");
}

TEST_F(ImportPledges, RejectsPledgeForRejectedTargetNamingItsRejectionRow) {
  EXPECT_EQ(message(5),
            "target T07 was rejected (row 8: point (-6.195, 106.83) lies outside every imported "
            "boundary)");
}

TEST_F(ImportPledges, RejectsProgramOtherThanTheTargets) {
  EXPECT_EQ(message(6), "program 'pangan' is not the program 'pendidikan' of target T02");
}

TEST_F(ImportPledges, RejectsUnknownStatus) {
  EXPECT_EQ(message(7), "unknown status 'pending' (expected committed, delivered or cancelled)");
}

TEST_F(ImportPledges, RejectsUnknownForm) {
  EXPECT_EQ(message(8), "unknown form 'transfer' (expected uang or barang)");
}

TEST_F(ImportPledges, RejectsMoneyWithoutAmount) {
  EXPECT_EQ(message(9), "a pledge of money (uang) needs amount_idr > 0, got ''");
}

TEST_F(ImportPledges, RejectsGoodsWithoutQuantity) {
  EXPECT_EQ(message(10), "a pledge of goods (barang) needs quantity > 0, got ''");
}

TEST_F(ImportPledges, RejectsDateThatIsNotOnTheCalendar) {
  EXPECT_EQ(message(11), "pledged_at '2024-02-30' is not a date YYYY-MM-DD");
}

TEST_F(ImportPledges, RejectsDoubleHelpNamingTheHoldingPledgeAndItsRow) {
  EXPECT_EQ(message(12), "double help: target T01 (pangan) is already held by pledge P01 (row 2)");
}

TEST_F(ImportPledges, LetsCancelledPledgeLeaveItsTargetFree) {
  EXPECT_EQ(message(13), "no issue at row 13");  // P12, cancelled, on T02
  EXPECT_EQ(message(14), "no issue at row 14");  // P13, committed, on T02
}

TEST_F(ImportPledges, RejectsDuplicateIdNamingTheFirstRowAndItsOtherFaults) {
  EXPECT_EQ(message(15),
            "duplicate of row 2; double help: target T01 (pangan) is already held by pledge P01 "
            "(row 2)");
  EXPECT_EQ(test_support::issue_at(m_report, 15).reason, "duplicate");
}

// pledges-4rows-several-faults-program-case.csv: every fault of a row in its message, the
// first rejection its reason; program names in any case, stored lower case.
class ImportPledgesFaults : public ::testing::Test {
 protected:
  ImportPledgesFaults()
      : m_kept(geo::import_pledges(
            std::string(SASARAN_TEST_DATA) + "/pledges-4rows-several-faults-program-case.csv",
            {"C1", "C2"}, two_targets_one_rejected(), m_report, m_progress, m_stop)) {}

  geo::layer_report m_report;
  geo::silent_progress m_progress;
  geo::stop_token m_stop;
  std::vector<geo::pledge> m_kept;
};

TEST_F(ImportPledgesFaults, ReadsProgramNamesInAnyCaseAndStoresThemLowerCase) {
  ASSERT_EQ(m_kept.size(), 2u);
  EXPECT_EQ(m_kept[0].id, "P21");
  EXPECT_EQ(m_kept[0].program, "pangan");
  EXPECT_EQ(m_kept[1].id, "P22");
  EXPECT_EQ(m_kept[1].program, "pendidikan");
}

TEST_F(ImportPledgesFaults, NamesEveryFaultOfARejectedRowAndKeepsTheFirstAsReason) {
  const geo::import_issue i = test_support::issue_at(m_report, 4);
  EXPECT_EQ(i.key, "P23");
  EXPECT_EQ(i.result, geo::outcome::rejected);
  EXPECT_EQ(i.reason, "unknown_collaborator");
  EXPECT_EQ(i.message,
            "unknown collaborator 'C9'; program 'umkm' is not the program 'pangan' of target T01; "
            "unknown status 'pending' (expected committed, delivered or cancelled); a pledge of "
            "money (uang) needs amount_idr > 0, got '-5'; pledged_at '2024-02-30' is not a date "
            "YYYY-MM-DD");
}

TEST_F(ImportPledgesFaults, ARejectedActivePledgeNamesTheHolderButNeverHoldsTheTarget) {
  const geo::import_issue i = test_support::issue_at(m_report, 5);
  EXPECT_EQ(i.reason, "unknown_form");
  EXPECT_EQ(i.message,
            "unknown form 'transfer' (expected uang or barang); double help: target T01 (pangan) "
            "is already held by pledge P21 (row 2)");
  EXPECT_EQ(m_report.count(geo::outcome::rejected), 2u);
}

TEST_F(ImportPledges, RejectsRowWithWrongFieldCount) {
  EXPECT_EQ(message(16), "expected 9 fields, found 8");
}

TEST_F(ImportPledges, CountsEveryRowReadInExactlyOneOutcome) {
  EXPECT_EQ(m_report.read, 15u);
  EXPECT_EQ(m_report.count(geo::outcome::clean), 3u);
  EXPECT_EQ(m_report.count(geo::outcome::rejected), 12u);
  EXPECT_EQ((m_report.reasons.at({"rejected", "double_help"})), 1u);
}

}  // namespace
