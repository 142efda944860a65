#include "geo/import/collaborator_import.hpp"
#include "tests/support/issue_at.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

const std::string collaborators_path =
    std::string(SASARAN_TEST_DATA) + "/collaborators-8rows-one-of-each-outcome.csv";

class ImportCollaborators : public ::testing::Test {
 protected:
  ImportCollaborators()
      : m_kept(geo::import_collaborators(collaborators_path, m_report, m_progress, m_stop)) {}

  geo::import_issue issue(std::size_t row) const { return test_support::issue_at(m_report, row); }

  geo::layer_report m_report;
  geo::silent_progress m_progress;
  geo::stop_token m_stop;
  std::vector<geo::collaborator> m_kept;
};

TEST_F(ImportCollaborators, KeepsValidRowsWithOrWithoutLocation) {
  ASSERT_EQ(m_kept.size(), 4u);
  EXPECT_EQ(m_kept[0].id, "C1");
  EXPECT_EQ(m_kept[0].name, "Budi Santoso");
  EXPECT_EQ(m_kept[0].kind, "perorangan");
  EXPECT_EQ(m_kept[0].lon, 106.8);
  EXPECT_EQ(m_kept[0].lat, -6.2);
  EXPECT_EQ(m_kept[1].id, "C2");
  EXPECT_FALSE(m_kept[1].lon);
}

TEST_F(ImportCollaborators, ReadsDecimalCommaAndMarksRowNormalized) {
  EXPECT_EQ(m_kept[2].id, "C3");
  EXPECT_EQ(m_kept[2].lon, 106.81);
  EXPECT_EQ(issue(4).result, geo::outcome::normalized);
  EXPECT_EQ(issue(4).message, "decimal comma read as a point");
}

TEST_F(ImportCollaborators, RejectsUnknownKind) {
  EXPECT_EQ(issue(5).message, "unknown kind 'yayasan'");
}

TEST_F(ImportCollaborators, RejectsDuplicateIdNamingTheFirstRow) {
  EXPECT_EQ(issue(6).key, "C1");
  EXPECT_EQ(issue(6).message, "duplicate of row 2");
}

TEST_F(ImportCollaborators, RejectsEmptyId) {
  EXPECT_EQ(issue(7).reason, "no_id");
  EXPECT_EQ(issue(7).message, "id is empty");
}

TEST_F(ImportCollaborators, KeepsRowWithImpossibleCoordinatesWithoutLocationAndFlagsIt) {
  EXPECT_EQ(m_kept[3].id, "C5");
  EXPECT_FALSE(m_kept[3].lon);
  EXPECT_EQ(issue(8).result, geo::outcome::flagged);
  EXPECT_EQ(issue(8).message, "coordinates (200, -6.2) are not lon/lat; kept without a location");
}

TEST_F(ImportCollaborators, RejectsRowWithWrongFieldCount) {
  EXPECT_EQ(issue(9).message, "expected 5 fields, found 4");
}

TEST_F(ImportCollaborators, CountsEveryRowReadInExactlyOneOutcome) {
  EXPECT_EQ(m_report.read, 8u);
  EXPECT_EQ(m_report.count(geo::outcome::clean), 2u);
  EXPECT_EQ(m_report.count(geo::outcome::normalized), 1u);
  EXPECT_EQ(m_report.count(geo::outcome::flagged), 1u);
  EXPECT_EQ(m_report.count(geo::outcome::rejected), 4u);
}

TEST(ImportCollaboratorsFaults, NamesEveryFaultOfARejectedRowAndKeepsTheFirstAsReason) {
  geo::layer_report report;
  geo::silent_progress progress;
  const auto kept = geo::import_collaborators(
      std::string(SASARAN_TEST_DATA) + "/collaborators-2rows-second-with-three-faults.csv", report,
      progress, geo::stop_token());
  ASSERT_EQ(kept.size(), 1u);
  const geo::import_issue i = test_support::issue_at(report, 3);
  EXPECT_EQ(i.result, geo::outcome::rejected);
  EXPECT_EQ(i.reason, "duplicate");
  EXPECT_EQ(i.message,
            "duplicate of row 2; unknown kind 'bank'; coordinates (200, -6.2) are not lon/lat");
}

}  // namespace
