#include "geo/import/target_import.hpp"
#include "tests/support/issue_at.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "geo/error.hpp"

namespace {

const std::string data_dir = SASARAN_TEST_DATA;
const std::string targets_path = data_dir + "/targets-15rows-one-of-each-outcome.csv";

geo::area_index::entry square(std::string code, double x0, double y0, double x1, double y1) {
  return {std::move(code), {{{{x0, y0, x1, y0, x1, y1, x0, y1, x0, y0}}}}, {x0, y0, x1, y1}};
}

// Kelurahan 3171010001 (106.80..106.82 x -6.20..-6.18) split into RW 001 (west) and RW 002
// (east), each split into RT 001 (south) and RT 002 (north); kelurahan 3171010002 east of it
// has no RTs. Both lie in kecamatan 3171010 of kota 3171. The same layout as the
// rt-4quarters and kelurahan-4squares fixtures.
geo::area_lookup jakarta_squares() {
  geo::area_lookup areas;
  areas.rt = geo::area_index({square("3171010001001001", 106.80, -6.20, 106.81, -6.19),
                              square("3171010001001002", 106.80, -6.19, 106.81, -6.18),
                              square("3171010001002001", 106.81, -6.20, 106.82, -6.19),
                              square("3171010001002002", 106.81, -6.19, 106.82, -6.18)});
  areas.kelurahan = geo::area_index({square("3171010001", 106.80, -6.20, 106.82, -6.18),
                                     square("3171010002", 106.82, -6.20, 106.84, -6.18)});
  for (const char* rw : {"001", "002"})
    for (const char* rt : {"001", "002"})
      areas.parent_of[std::string("3171010001") + rw + rt] = std::string("3171010001") + rw;
  areas.parent_of["3171010001001"] = "3171010001";
  areas.parent_of["3171010001002"] = "3171010001";
  areas.parent_of["3171010001"] = "3171010";
  areas.parent_of["3171010002"] = "3171010";
  areas.parent_of["3171010"] = "3171";
  areas.parent_of["3171"] = "31";
  return areas;
}

geo::target_import_result import(const std::string& path, const geo::area_lookup& areas,
                                 geo::layer_report& report) {
  geo::silent_progress progress;
  return geo::import_targets(path, areas, report, progress, geo::stop_token());
}

// Imports targets-15rows-one-of-each-outcome.csv into the squares.
class ImportTargets : public ::testing::Test {
 protected:
  ImportTargets() : m_result(import(targets_path, jakarta_squares(), m_report)) {}

  // The accepted target of `id`; fails the test when there is none.
  geo::target target(const std::string& id) const {
    for (const geo::target& t : m_result.targets)
      if (t.id == id) return t;
    ADD_FAILURE() << "no target " << id;
    return {};
  }

  geo::import_issue issue(std::size_t row) const { return test_support::issue_at(m_report, row); }

  geo::layer_report m_report;
  geo::target_import_result m_result;
};

TEST_F(ImportTargets, PlacesCleanRowInTheRtOfItsPointAndItsParents) {
  const geo::target t = target("T01");
  EXPECT_EQ(t.import_outcome, geo::outcome::clean);
  EXPECT_EQ(t.row, 2u);
  EXPECT_EQ(t.program, "pangan");
  EXPECT_EQ(t.need, "beras");
  EXPECT_EQ(t.household_size, 4);
  EXPECT_EQ(t.priority, 3);
  EXPECT_EQ(t.lon, 106.805);
  EXPECT_EQ(t.lat, -6.195);
  EXPECT_EQ(t.declared_rt, "3171010001001001");
  EXPECT_EQ(t.rt_code, "3171010001001001");
  EXPECT_EQ(t.rw_code, "3171010001001");
  EXPECT_EQ(t.kelurahan_code, "3171010001");
  EXPECT_EQ(t.kecamatan_code, "3171010");
  EXPECT_EQ(t.kota_code, "3171");
  EXPECT_EQ(t.registered_at, "2024-01-15");
}

TEST_F(ImportTargets, ReadsDecimalCommaAndMarksRowNormalized) {
  const geo::target t = target("T02");
  EXPECT_EQ(t.import_outcome, geo::outcome::normalized);
  EXPECT_EQ(t.lon, 106.815);
  EXPECT_EQ(t.lat, -6.185);
  EXPECT_EQ(t.rt_code, "3171010001002002");
  EXPECT_EQ(issue(3).message, "decimal comma read as a point");
}

TEST_F(ImportTargets, SwapsLonLatWhenSwappedPointLiesInDeclaredKelurahan) {
  const geo::target t = target("T03");
  EXPECT_EQ(t.import_outcome, geo::outcome::corrected);
  EXPECT_EQ(t.lon, 106.815);
  EXPECT_EQ(t.lat, -6.195);
  EXPECT_EQ(t.rt_code, "3171010001002001");
  EXPECT_EQ(issue(4).message,
            "longitude and latitude were swapped; the swapped point lies in the declared "
            "kelurahan 3171010001");
}

TEST_F(ImportTargets, FlagsPointInAnotherRtThanDeclaredAndPlacesItByPoint) {
  const geo::target t = target("T04");
  EXPECT_EQ(t.import_outcome, geo::outcome::flagged);
  EXPECT_EQ(t.rt_code, "3171010001001002");
  EXPECT_EQ(t.declared_rt, "3171010001001001");
  EXPECT_EQ(issue(5).message, "point lies in RT 3171010001001002, declared RT 3171010001001001");
}

TEST_F(ImportTargets, FlagsPointInKelurahanWithoutRt) {
  const geo::target t = target("T05");
  EXPECT_EQ(t.import_outcome, geo::outcome::flagged);
  EXPECT_EQ(t.rt_code, "");
  EXPECT_EQ(t.rw_code, "");
  EXPECT_EQ(t.kelurahan_code, "3171010002");
  EXPECT_EQ(t.kecamatan_code, "3171010");
  EXPECT_EQ(t.kota_code, "3171");
  EXPECT_EQ(issue(6).message,
            "point lies in kelurahan 3171010002 but in no RT; declared RT 3171010002001001");
}

TEST_F(ImportTargets, AssignsUnlocatedRowToDeclaredRtAndItsParents) {
  const geo::target t = target("T06");
  EXPECT_EQ(t.import_outcome, geo::outcome::unlocated);
  EXPECT_FALSE(t.lon);
  EXPECT_FALSE(t.lat);
  EXPECT_EQ(t.rt_code, "3171010001002002");
  EXPECT_EQ(t.rw_code, "3171010001002");
  EXPECT_EQ(t.kelurahan_code, "3171010001");
  EXPECT_EQ(t.kecamatan_code, "3171010");
  EXPECT_EQ(t.kota_code, "3171");
  EXPECT_EQ(issue(7).message, "no coordinates; counted for its declared RT 3171010001002002");
}

TEST_F(ImportTargets, RejectsSwappedPointOutsideDeclaredKelurahan) {
  const geo::import_issue i = issue(8);
  EXPECT_EQ(i.key, "T07");
  EXPECT_EQ(i.result, geo::outcome::rejected);
  EXPECT_EQ(i.reason, "outside");
  EXPECT_EQ(i.message, "point (-6.195, 106.83) lies outside every imported boundary");
}

TEST_F(ImportTargets, RejectsUnlocatedRowWithUnknownDeclaredRt) {
  const geo::import_issue i = issue(9);
  EXPECT_EQ(i.reason, "unlocated_unknown_rt");
  EXPECT_EQ(i.message, "no coordinates and the declared RT 3171010001009009 does not exist");
}

TEST_F(ImportTargets, RejectsDuplicateIdNamingTheFirstRow) {
  const geo::import_issue i = issue(10);
  EXPECT_EQ(i.key, "T01");
  EXPECT_EQ(i.reason, "duplicate");
  EXPECT_EQ(i.message, "duplicate of row 2");
  EXPECT_EQ(i.raw, "T01,pangan,beras,4,3,106.805,-6.195,3171010001,1,1,2024-01-23");
  EXPECT_EQ(target("T01").registered_at, "2024-01-15");
}

TEST_F(ImportTargets, RejectsUnknownProgram) {
  EXPECT_EQ(issue(11).message, "unknown program 'sembako'");
}

TEST_F(ImportTargets, RejectsPriorityOutsideOneToFive) {
  EXPECT_EQ(issue(12).message, "priority '0' is not a whole number 1 to 5");
  EXPECT_EQ(issue(13).message, "priority '6' is not a whole number 1 to 5");
  EXPECT_EQ(issue(14).message, "priority 'x' is not a whole number 1 to 5");
}

TEST_F(ImportTargets, RejectsHouseholdSizeZero) {
  EXPECT_EQ(issue(15).message, "household_size '0' is not a whole number of at least 1");
}

TEST_F(ImportTargets, RejectsRowWithWrongFieldCount) {
  const geo::import_issue i = issue(16);
  EXPECT_EQ(i.reason, "field_count");
  EXPECT_EQ(i.message, "expected 11 fields, found 10");
  EXPECT_EQ(i.key, "T14");
}

TEST_F(ImportTargets, CountsEveryRowReadInExactlyOneOutcome) {
  EXPECT_EQ(m_report.read, 15u);
  EXPECT_EQ(m_report.count(geo::outcome::clean), 1u);
  EXPECT_EQ(m_report.count(geo::outcome::normalized), 1u);
  EXPECT_EQ(m_report.count(geo::outcome::corrected), 1u);
  EXPECT_EQ(m_report.count(geo::outcome::flagged), 2u);
  EXPECT_EQ(m_report.count(geo::outcome::unlocated), 1u);
  EXPECT_EQ(m_report.count(geo::outcome::rejected), 9u);
  EXPECT_EQ(std::accumulate(m_report.outcomes.begin(), m_report.outcomes.end(), std::size_t{0}),
            m_report.read);
  EXPECT_EQ(m_result.targets.size(), m_report.imported());
  EXPECT_EQ(m_report.issues.size(), 14u);
  EXPECT_EQ((m_report.reasons.at({"rejected", "priority"})), 3u);
}

TEST_F(ImportTargets, RegistersProgramOfAcceptedAndRowOfRejectedIds) {
  const geo::target_registry& registry = m_result.registry;
  EXPECT_EQ(registry.program_of.size(), 6u);
  EXPECT_EQ(registry.program_of.at("T02"), "pendidikan");
  std::set<std::string> rejected;
  for (const auto& [id, why] : registry.rejection_of)
    rejected.insert(id);
  EXPECT_EQ(rejected,
            (std::set<std::string>{"T07", "T08", "T09", "T10", "T11", "T12", "T13", "T14"}));
  EXPECT_EQ(registry.rejection_of.at("T07"),
            "row 8: point (-6.195, 106.83) lies outside every imported boundary");
}

TEST_F(ImportTargets, ReadsSemicolonBomCrlfFileWithColumnsInAnotherOrderAlike) {
  geo::layer_report report;
  const auto semicolon = import(
      data_dir + "/targets-15rows-same-as-comma-file-semicolon-bom-crlf-columns-reordered.csv",
      jakarta_squares(), report);
  ASSERT_EQ(semicolon.targets.size(), m_result.targets.size());
  for (std::size_t i = 0; i < m_result.targets.size(); ++i) {
    const geo::target& a = m_result.targets[i];
    const geo::target& b = semicolon.targets[i];
    EXPECT_EQ(std::tie(a.id, a.program, a.need, a.household_size, a.priority, a.lon, a.lat,
                       a.import_outcome, a.declared_rt, a.rt_code, a.kelurahan_code,
                       a.registered_at, a.row),
              std::tie(b.id, b.program, b.need, b.household_size, b.priority, b.lon, b.lat,
                       b.import_outcome, b.declared_rt, b.rt_code, b.kelurahan_code,
                       b.registered_at, b.row));
  }
  ASSERT_EQ(report.issues.size(), m_report.issues.size());
  for (std::size_t i = 0; i < m_report.issues.size(); ++i) {
    const geo::import_issue& a = m_report.issues[i];
    const geo::import_issue& b = report.issues[i];
    EXPECT_EQ(std::tie(a.row, a.key, a.result, a.reason, a.message),
              std::tie(b.row, b.key, b.result, b.reason, b.message));
  }
  EXPECT_EQ(report.outcomes, m_report.outcomes);
}

// targets-4rows-several-faults-program-case-multiline-blank-line.csv: a row with four faults,
// program names in other cases, a quoted line break and a blank line before later rows.
class ImportTargetsFaults : public ::testing::Test {
 protected:
  ImportTargetsFaults()
      : m_result(import(data_dir + "/targets-4rows-several-faults-program-case-multiline-blank-"
                                   "line.csv",
                        jakarta_squares(), m_report)) {}

  geo::layer_report m_report;
  geo::target_import_result m_result;
};

TEST_F(ImportTargetsFaults, NamesEveryFaultOfARejectedRowAndKeepsTheFirstAsReason) {
  const geo::import_issue i = test_support::issue_at(m_report, 2);
  EXPECT_EQ(i.key, "T20");
  EXPECT_EQ(i.result, geo::outcome::rejected);
  EXPECT_EQ(i.reason, "unknown_program");
  EXPECT_EQ(i.message,
            "unknown program 'SEMBAKO'; priority '9' is not a whole number 1 to 5; household_size "
            "'0' is not a whole number of at least 1; registered_at 'kemarin' is not a date "
            "YYYY-MM-DD");
}

TEST_F(ImportTargetsFaults, NamesEveryFaultOfADuplicateRow) {
  const geo::import_issue i = test_support::issue_at(m_report, 7);
  EXPECT_EQ(i.key, "T21");
  EXPECT_EQ(i.reason, "duplicate");
  EXPECT_EQ(i.message,
            "duplicate of row 3; household_size 'x' is not a whole number of at least 1; no "
            "coordinates and the declared RT 3171010001009009 does not exist");
  EXPECT_EQ(m_result.registry.program_of.at("T21"), "pangan");
}

TEST_F(ImportTargetsFaults, ReadsProgramNamesInAnyCaseAndStoresThemLowerCase) {
  ASSERT_EQ(m_result.targets.size(), 2u);
  EXPECT_EQ(m_result.targets[0].id, "T21");
  EXPECT_EQ(m_result.targets[0].program, "pangan");
  EXPECT_EQ(m_result.targets[0].import_outcome, geo::outcome::clean);
  EXPECT_EQ(m_result.targets[1].id, "T22");
  EXPECT_EQ(m_result.targets[1].program, "pendidikan");
}

TEST_F(ImportTargetsFaults, NumbersRowsByTheFileLineWhereTheyStart) {
  EXPECT_EQ(m_result.targets[0].row, 3u);
  EXPECT_EQ(m_result.targets[0].need, "beras\nminyak");
  EXPECT_EQ(m_result.targets[1].row, 6u);
  EXPECT_EQ(m_report.issues.size(), 2u);
  EXPECT_EQ(m_report.issues[1].row, 7u);
}

// targets-6rows-within-and-beyond-edge-tolerance.csv on the squares: points 5e-7 and 2e-6
// degrees from RT edges, either side of the 1e-6 tolerance.
class ImportTargetsTolerance : public ::testing::Test {
 protected:
  ImportTargetsTolerance()
      : m_result(import(data_dir + "/targets-6rows-within-and-beyond-edge-tolerance.csv",
                        jakarta_squares(), m_report)) {}

  const geo::target* target(const std::string& id) const {
    for (const geo::target& t : m_result.targets)
      if (t.id == id) return &t;
    return nullptr;
  }

  geo::layer_report m_report;
  geo::target_import_result m_result;
};

TEST_F(ImportTargetsTolerance, APointInAnotherRtWithinTheToleranceOfItsOwnIsInItsOwn) {
  ASSERT_NE(target("N1"), nullptr);
  EXPECT_EQ(target("N1")->rt_code, "3171010001001001");
  EXPECT_EQ(target("N1")->import_outcome, geo::outcome::clean);
}

TEST_F(ImportTargetsTolerance, APointBeyondTheToleranceOfItsOwnRtIsFlaggedInTheOther) {
  EXPECT_EQ(test_support::issue_at(m_report, 3).message,
            "point lies in RT 3171010001002001, declared RT 3171010001001001");
}

TEST_F(ImportTargetsTolerance, APointOutsideEveryAreaWithinTheToleranceOfItsOwnRtIsInIt) {
  ASSERT_NE(target("N3"), nullptr);
  EXPECT_EQ(target("N3")->rt_code, "3171010001001001");
  EXPECT_EQ(target("N3")->import_outcome, geo::outcome::clean);
}

TEST_F(ImportTargetsTolerance, APointOutsideEveryAreaGoesToTheNearestRtWithinTheTolerance) {
  ASSERT_NE(target("N4"), nullptr);
  EXPECT_EQ(target("N4")->rt_code, "3171010001001001");
  EXPECT_EQ(test_support::issue_at(m_report, 5).message,
            "point lies in RT 3171010001001001, declared RT 3171010001002001");
}

TEST_F(ImportTargetsTolerance, APointBeyondTheToleranceOfEveryAreaIsOutside) {
  const geo::import_issue i = test_support::issue_at(m_report, 6);
  EXPECT_EQ(i.reason, "outside");
  EXPECT_EQ(i.message, "point (106.799997, -6.195) lies outside every imported boundary");
}

TEST_F(ImportTargetsTolerance, APointJustOutsideItsKelurahanWithoutRtsIsInIt) {
  ASSERT_NE(target("N6"), nullptr);
  EXPECT_EQ(target("N6")->kelurahan_code, "3171010002");
  EXPECT_EQ(test_support::issue_at(m_report, 7).message,
            "point lies in kelurahan 3171010002 but in no RT; declared RT 3171010002001001");
}

TEST_F(ImportTargetsTolerance, CountsTheRowsTheTolerancePlaced) {
  EXPECT_EQ(m_report.within_tolerance, 4u);  // N1, N3, N4, N6
  EXPECT_EQ(m_report.count(geo::outcome::clean), 2u);
  EXPECT_EQ(m_report.count(geo::outcome::flagged), 3u);
  EXPECT_EQ(m_report.count(geo::outcome::rejected), 1u);
}

TEST(ImportTargetsGap, APointInAHairlineGapGoesToItsOwnRtOrElseTheNearest) {
  // RT 001001 ends at 106.81, RT 002001 starts 8e-7 further east; the points lie between,
  // 6e-7 from the first and 2e-7 from the second.
  geo::area_lookup areas = jakarta_squares();
  areas.rt = geo::area_index({square("3171010001001001", 106.80, -6.20, 106.81, -6.19),
                              square("3171010001001002", 106.80, -6.19, 106.81, -6.18),
                              square("3171010001002001", 106.8100008, -6.20, 106.82, -6.19),
                              square("3171010001002002", 106.81, -6.19, 106.82, -6.18)});
  geo::layer_report report;
  const auto result =
      import(data_dir + "/targets-3rows-in-a-hairline-gap-between-two-rts.csv", areas, report);
  ASSERT_EQ(result.targets.size(), 3u);
  EXPECT_EQ(result.targets[0].rt_code, "3171010001001001");
  EXPECT_EQ(result.targets[1].rt_code, "3171010001002001");
  EXPECT_EQ(result.targets[2].rt_code, "3171010001002001");
  EXPECT_EQ(report.count(geo::outcome::clean), 2u);
  EXPECT_EQ(test_support::issue_at(report, 4).message,
            "point lies in RT 3171010001002001, declared RT 3171010001002002");
  EXPECT_EQ(report.within_tolerance, 3u);
}

TEST(ImportTargetsWithoutAreas, RefusesToStartWithoutRtAreas) {
  geo::layer_report report;
  try {
    import(targets_path, geo::area_lookup(), report);
    FAIL() << "no error";
  } catch (const geo::input_error& e) {
    EXPECT_EQ(std::string(e.what()),
              targets_path + ": no RT areas to place targets in; import the boundaries first");
  }
}

}  // namespace
