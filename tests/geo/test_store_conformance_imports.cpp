// What every store does with what imports bring, whichever store it is: the same cases run
// on the embedded SpatiaLite store and on the PostgreSQL store (store_conformance.hpp).
#include <gtest/gtest.h>

#include "tests/geo/store_conformance.hpp"

namespace store_conformance {
namespace {

TEST_P(StoreConformance, AnEmptyStoreLoadsNothing) {
  EXPECT_TRUE(store().load_targets().empty());
  EXPECT_TRUE(store().load_areas(geo::admin_level::rt).empty());
  EXPECT_TRUE(store().load_tokens().empty());
  EXPECT_TRUE(store().load_runs(10).empty());
  EXPECT_EQ(store().data_version(), 0);
  EXPECT_FALSE(store().find_answer("tok_1", "key-1"));
}

TEST_P(StoreConformance, RollbackDiscardsWrites) {
  store().begin();
  store().sync_targets({target("T01")});
  store().rollback();
  EXPECT_TRUE(store().load_targets().empty());
}

TEST_P(StoreConformance, SyncTargetsInsertsUpdatesDeletesAndCountsUnchanged) {
  allow_removals();
  store().begin();
  const geo::change_counts first =
      store().sync_targets({target("T01"), target("T02"), target("T03")});
  const geo::change_counts second =
      store().sync_targets({target("T01"), target("T02", "minyak"), target("T04")});
  store().commit();
  EXPECT_EQ(first.inserted, 3u);
  EXPECT_EQ(std::tie(second.inserted, second.updated, second.deleted, second.unchanged),
            std::make_tuple(1u, 1u, 1u, 1u));
  EXPECT_EQ(query("SELECT id || ' ' || need FROM targets ORDER BY id"),
            "T01 beras\nT02 minyak\nT04 beras\n");
}

TEST_P(StoreConformance, LoadsTargetsAsStoredInTableOrder) {
  geo::target t = target("T09");
  t.import_outcome = geo::outcome::corrected;
  t.rt_code = "3171010001001001";
  t.rw_code = "3171010001001";
  t.kelurahan_code = "3171010001";
  t.kecamatan_code = "3171010";
  t.kota_code = "3171";
  t.registered_at = "2024-01-20";
  t.row = 7;
  store().begin();
  store().sync_targets({t, target("T01"), unlocated("T05")});
  store().commit();
  const std::vector<geo::target> loaded = store().load_targets();
  ASSERT_EQ(loaded.size(), 3u);
  // Written in key order: T01, T05, T09.
  EXPECT_EQ(loaded[0].id, "T01");
  EXPECT_EQ(loaded[1].id, "T05");
  EXPECT_EQ(loaded[1].lon, std::nullopt);
  EXPECT_EQ(loaded[1].import_outcome, geo::outcome::unlocated);
  const geo::target& l = loaded[2];
  EXPECT_EQ(std::tie(l.id, l.program, l.need, l.household_size, l.priority, l.lon, l.lat,
                     l.import_outcome, l.declared_rt, l.rt_code, l.rw_code, l.kelurahan_code,
                     l.kecamatan_code, l.kota_code, l.registered_at, l.row),
            std::tie(t.id, t.program, t.need, t.household_size, t.priority, t.lon, t.lat,
                     t.import_outcome, t.declared_rt, t.rt_code, t.rw_code, t.kelurahan_code,
                     t.kecamatan_code, t.kota_code, t.registered_at, t.row));
}

TEST_P(StoreConformance, LoadsAreasAsStored) {
  const geo::area a =
      square(geo::admin_level::kelurahan, "3171010001", 106.80, -6.20, 106.82, -6.18);
  store().begin();
  store().sync_areas("kelurahan", {a});
  store().commit();
  const std::vector<geo::area> loaded = store().load_areas(geo::admin_level::kelurahan);
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].code, a.code);
  EXPECT_EQ(loaded[0].name, a.name);
  EXPECT_EQ(loaded[0].parent_code, "3171010");
  EXPECT_EQ(loaded[0].wkb, a.wkb);
  EXPECT_EQ(loaded[0].box, a.box);
  EXPECT_EQ(loaded[0].area_m2, a.area_m2);
  EXPECT_EQ(loaded[0].layer, "kelurahan");
  EXPECT_EQ(loaded[0].row, 1u);
  EXPECT_TRUE(store().load_areas(geo::admin_level::rw).empty());
}

TEST_P(StoreConformance, RefusesAreaCodeAlreadyGivenByAnotherLayer) {
  store().begin();
  store().sync_areas("kelurahan", {square(geo::admin_level::kelurahan, "3171010001", 106.80, -6.20,
                                          106.82, -6.18)});
  try {
    store().sync_areas("rw",
                       {square(geo::admin_level::rw, "3171010001", 106.80, -6.20, 106.81, -6.18)});
    FAIL() << "no error";
  } catch (const geo::store_error& e) {
    EXPECT_STREQ(e.what(),
                 "area 3171010001 (layer rw, feature 1) is already given by layer kelurahan");
  }
  store().rollback();
}

TEST_P(StoreConformance, RefusesSecondActivePledgeOnOneTargetAndProgram) {
  store().begin();
  EXPECT_THROW(
      store().sync_pledges({pledge("P01", "T01", "committed"), pledge("P11", "T01", "delivered")}),
      geo::store_error);
  store().rollback();
}

TEST_P(StoreConformance, AcceptsCancelledPledgeBesideTheActiveOne) {
  store().begin();
  const geo::change_counts c =
      store().sync_pledges({pledge("P01", "T01", "committed"), pledge("P12", "T01", "cancelled")});
  store().rollback();
  EXPECT_EQ(c.inserted, 2u);
}

TEST_P(StoreConformance, PassesTargetFromPledgeCancelledToNewPledgeInOneSync) {
  store_pledge_parties();
  store().begin();
  store().sync_pledges({pledge("P01", "T01", "committed")});
  store().commit();
  store().begin();
  const geo::change_counts c =
      store().sync_pledges({pledge("P20", "T01", "committed"), pledge("P01", "T01", "cancelled")});
  store().commit();
  EXPECT_EQ(std::tie(c.inserted, c.updated), std::make_tuple(1u, 1u));
  EXPECT_EQ(query("SELECT id || ' ' || status FROM pledges ORDER BY id"),
            "P01 cancelled\nP20 committed\n");
}

TEST_P(StoreConformance, SwapsTheTargetBetweenTwoPledgesInOneSync) {
  store_pledge_parties();
  store().begin();
  store().sync_pledges({pledge("P01", "T01", "committed"), pledge("P02", "T01", "cancelled")});
  store().commit();
  store().begin();
  const geo::change_counts c =
      store().sync_pledges({pledge("P01", "T01", "cancelled"), pledge("P02", "T01", "committed")});
  store().commit();
  EXPECT_EQ(c.updated, 2u);
  EXPECT_EQ(query("SELECT id || ' ' || status FROM pledges ORDER BY id"),
            "P01 cancelled\nP02 committed\n");
}

TEST_P(StoreConformance, LetsNewPledgeTakeTargetOfAPledgeRemovedFromTheFile) {
  allow_removals();
  store_pledge_parties();
  store().begin();
  store().sync_pledges({pledge("P01", "T01", "committed")});
  store().commit();
  store().begin();
  const geo::change_counts c = store().sync_pledges({pledge("P20", "T01", "committed")});
  store().commit();
  EXPECT_EQ(std::tie(c.inserted, c.deleted), std::make_tuple(1u, 1u));
  EXPECT_EQ(query("SELECT id FROM pledges"), "P20\n");
}

TEST_P(StoreConformance, AFilePledgeOnAnUnknownTargetFailsAtCommit) {
  store().begin();
  store().sync_pledges({pledge("P01", "T99", "committed")});
  EXPECT_THROW(store().commit(), geo::store_error);
  store().rollback();
  EXPECT_TRUE(store().load_pledges().empty());
}

TEST_P(StoreConformance, ReplacesIssuesOfALayerAndLoadsThemByOutcome) {
  const geo::import_issue rejected{
      9, "T01", geo::outcome::rejected, "duplicate", "duplicate of row 2", "T01,pangan\t\"x\"\n"};
  const geo::import_issue flagged{5, "T04", geo::outcome::flagged, "other_rt", "point lies", "T04"};
  const geo::import_issue keyless{3, "", geo::outcome::rejected, "no_id", "no id", "\\N"};
  store().begin();
  store().replace_issues("targets", {flagged});
  store().replace_issues("targets", {rejected, flagged, keyless});
  store().replace_issues("pledges", {rejected});
  store().commit();
  const auto all = store().load_issues("targets", std::nullopt);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].row, 3u);
  EXPECT_EQ(all[0].key, "");
  EXPECT_EQ(all[0].raw, "\\N");
  EXPECT_EQ(all[1].row, 5u);
  const auto only = store().load_issues("targets", geo::outcome::flagged);
  ASSERT_EQ(only.size(), 1u);
  EXPECT_EQ(only[0].key, "T04");
  const auto pledges = store().load_issues("pledges", geo::outcome::rejected);
  ASSERT_EQ(pledges.size(), 1u);
  EXPECT_EQ(std::tie(pledges[0].row, pledges[0].key, pledges[0].result, pledges[0].reason,
                     pledges[0].message, pledges[0].raw),
            std::tie(rejected.row, rejected.key, rejected.result, rejected.reason, rejected.message,
                     rejected.raw));
}

TEST_P(StoreConformance, ReimportLeavesApiPledgesAlone) {
  allow_removals();
  store_pledge_parties();
  store().begin();
  store().sync_pledges({pledge("P01", "T01", "committed")});
  store().insert_pledge(pledge("P000002", "T02", "committed"));
  store().commit();
  store().begin();
  // The file no longer has P01 and never had P000002.
  const geo::change_counts c = store().sync_pledges({pledge("P03", "T01", "cancelled")});
  store().commit();
  EXPECT_EQ(std::tie(c.inserted, c.updated, c.deleted, c.unchanged),
            std::make_tuple(1u, 0u, 1u, 0u));
  EXPECT_EQ(query("SELECT id || ' ' || origin || ' ' || status FROM pledges ORDER BY id"),
            "P000002 api committed\nP03 import cancelled\n");
}

TEST_P(StoreConformance, ReimportLeavesPledgesTheServerChangedAlone) {
  store_pledge_parties();
  store().begin();
  store().sync_pledges({pledge("P01", "T01", "committed"), pledge("P02", "T02", "committed")});
  store().set_pledge_status("P01", "delivered");
  store().set_pledge_status("P02", "cancelled");
  store().commit();
  store().begin();
  const geo::change_counts same =
      store().sync_pledges({pledge("P01", "T01", "committed"), pledge("P02", "T02", "committed")});
  const geo::change_counts without = store().sync_pledges({});
  store().commit();
  EXPECT_EQ(std::tie(same.inserted, same.updated, same.deleted, same.unchanged),
            std::make_tuple(0u, 0u, 0u, 2u));
  EXPECT_EQ(without.deleted, 0u);
  EXPECT_EQ(query("SELECT id || ' ' || status FROM pledges ORDER BY id"),
            "P01 delivered\nP02 cancelled\n");
}

TEST_P(StoreConformance, ReimportRefusesToOverwriteAPledgeTheServerChanged) {
  store_pledge_parties();
  store().begin();
  store().sync_pledges({pledge("P01", "T01", "committed")});
  store().set_pledge_status("P01", "delivered");
  store().commit();
  geo::pledge edited = pledge("P01", "T01", "committed");
  edited.amount_idr = 750000;
  edited.row = 2;
  store().begin();
  try {
    store().sync_pledges({edited});
    FAIL() << "no error";
  } catch (const geo::store_error& e) {
    EXPECT_STREQ(e.what(),
                 "pledge P01 (row 2) is not imported: pledge P01 was changed through the API "
                 "(now delivered), and a re-import leaves it alone");
  }
  store().rollback();
}

TEST_P(StoreConformance, ReimportRefusesAFileRowWithTheIdOfAnApiPledge) {
  store_pledge_parties();
  store().begin();
  store().insert_pledge(pledge("P000002", "T02", "committed"));
  store().commit();
  geo::pledge clash = pledge("P000002", "T01", "committed");
  clash.row = 5;
  store().begin();
  try {
    store().sync_pledges({clash});
    FAIL() << "no error";
  } catch (const geo::store_error& e) {
    EXPECT_STREQ(e.what(),
                 "pledge P000002 (row 5) is not imported: pledge P000002 was made through the "
                 "API, and a re-import leaves it alone");
  }
  store().rollback();
}

TEST_P(StoreConformance, ReimportRefusesAnActiveFilePledgeOnATargetAnApiPledgeHolds) {
  store_pledge_parties();
  store().begin();
  store().insert_pledge(pledge("P000002", "T02", "committed"));
  store().commit();
  geo::pledge second = pledge("P05", "T02", "committed");
  second.row = 6;
  store().begin();
  try {
    store().sync_pledges({second});
    FAIL() << "no error";
  } catch (const geo::store_error& e) {
    EXPECT_STREQ(e.what(),
                 "pledge P05 (row 6) would be a second active pledge on target T02 for pangan: "
                 "pledge P000002 was made through the API and holds it");
  }
  store().rollback();
}

TEST_P(StoreConformance, ReimportRetiresATargetAPledgeRefersToAndFlagsItsActivePledges) {
  store_pledge_parties();
  store().begin();
  store().sync_targets({target("T01"), target("T02"), target("T03")});
  store().insert_pledge(pledge("P000002", "T02", "committed"));
  store().commit();
  allow_removals();
  store().begin();
  const geo::change_counts c = store().sync_targets({target("T01")});
  const std::int64_t run = store().record_import("targets", {});
  store().commit();
  EXPECT_EQ(std::tie(c.inserted, c.updated, c.deleted, c.unchanged, c.retired, c.restored),
            std::make_tuple(0u, 0u, 1u, 1u, 1u, 0u));
  ASSERT_EQ(store().load_targets().size(), 1u);
  ASSERT_EQ(store().load_retired_targets().size(), 1u);
  EXPECT_EQ(store().load_retired_targets().at(0).id, "T02");
  EXPECT_EQ(store().load_pledges().at(0).flag, "target_retired");
  EXPECT_EQ(changes_of(run), "targets T02 retired\ntargets T03 removed\n");
}

TEST_P(StoreConformance, ATargetBackInTheFileIsRestoredWithItsPledgesUnflagged) {
  store_pledge_parties();
  store().begin();
  store().sync_targets({target("T01"), target("T02")});
  store().insert_pledge(pledge("P000002", "T02", "committed"));
  store().commit();
  allow_removals();
  store().begin();
  store().sync_targets({target("T01")});
  store().commit();
  store().begin();
  const geo::change_counts c = store().sync_targets({target("T01"), target("T02")});
  const std::int64_t run = store().record_import("targets", {});
  store().commit();
  EXPECT_EQ(std::tie(c.inserted, c.updated, c.unchanged, c.restored),
            std::make_tuple(0u, 0u, 1u, 1u));
  EXPECT_EQ(store().load_targets().size(), 2u);
  EXPECT_TRUE(store().load_retired_targets().empty());
  EXPECT_EQ(store().load_pledges().at(0).flag, "");
  EXPECT_EQ(changes_of(run, "targets"), "targets T02 restored\n");
}

TEST_P(StoreConformance, RefusesToRemoveMoreThanATenthOfALayerNamingTheRowsAndChangesNothing) {
  std::vector<geo::target> many;
  for (int i = 0; i < 20; ++i)
    many.push_back(target("T" + std::to_string(100 + i)));
  store().begin();
  store().sync_targets(many);
  store().commit();
  // Two of twenty (10%) may go; three may not.
  store().begin();
  EXPECT_EQ(store().sync_targets({many.begin() + 2, many.end()}).deleted, 2u);
  store().rollback();
  store().begin();
  try {
    store().sync_targets({many.begin() + 3, many.end()});
    FAIL() << "no error";
  } catch (const geo::removal_error& e) {
    EXPECT_STREQ(e.what(),
                 "layer targets: the file lacks 3 of the 20 rows stored, more than 10% (a damaged "
                 "or partial file?); they would be removed or retired: T100, T101, T102. Nothing "
                 "was changed; to accept, import again with --allow-removals");
  }
  store().rollback();
  EXPECT_EQ(store().load_targets().size(), 20u);
}

TEST_P(StoreConformance, RetiresAnAreaATokenOrATargetRefersToAndRemovesTheOthers) {
  allow_removals();
  store().begin();
  store().sync_areas("rt", {square(geo::admin_level::rt, "3171010001001001", 0, 0, 1, 1),
                            square(geo::admin_level::rt, "3171010001001002", 1, 0, 2, 1),
                            square(geo::admin_level::rt, "3171010001001003", 2, 0, 3, 1)});
  store().sync_targets({target("T01")});  // declared in ...001
  store().insert_token(token("tok_1", {"3171010001001002"}));
  store().commit();
  store().begin();
  const geo::change_counts c = store().sync_areas("rt", {});
  store().commit();
  EXPECT_EQ(std::tie(c.deleted, c.retired), std::make_tuple(1u, 2u));
  EXPECT_TRUE(store().load_areas(geo::admin_level::rt).empty());
  EXPECT_EQ(query("SELECT code FROM areas WHERE retired_at IS NOT NULL ORDER BY code"),
            "3171010001001001\n3171010001001002\n");
  // Back in the file: restored.
  store().begin();
  const geo::change_counts back =
      store().sync_areas("rt", {square(geo::admin_level::rt, "3171010001001001", 0, 0, 1, 1)});
  store().commit();
  EXPECT_EQ(back.restored, 1u);
  EXPECT_EQ(store().load_areas(geo::admin_level::rt).size(), 1u);
}

TEST_P(StoreConformance, ARefererWrittenEarlierInTheTransactionKeepsItsAreaFromRemoval) {
  allow_removals();
  store().begin();
  store().sync_areas("rt", {square(geo::admin_level::rt, "3171010001001001", 0, 0, 1, 1),
                            square(geo::admin_level::rt, "3171010001001002", 1, 0, 2, 1),
                            square(geo::admin_level::rt, "3171010001001003", 2, 0, 3, 1)});
  store().insert_token(token("tok_1", {"3171010001001002"}));
  geo::target t = target("T01");
  t.declared_rt = "3171010001001003";
  store().sync_targets({t});
  const geo::change_counts c = store().sync_areas("rt", {});
  store().commit();
  EXPECT_EQ(std::tie(c.deleted, c.retired), std::make_tuple(1u, 2u));
}

TEST_P(StoreConformance, RetiresACollaboratorAPledgeOrATokenRefersTo) {
  allow_removals();
  store_pledge_parties();
  geo::collaborator c2;
  c2.id = "C2";
  c2.name = "Yayasan";
  c2.kind = "komunitas";
  c2.lon = 106.8;
  c2.lat = -6.2;
  c2.row = 3;
  geo::access_token agg = token("tok_2");
  agg.who = geo::role::aggregator;
  agg.collaborator_id = "C2";
  store().begin();
  store().sync_collaborators({store().load_collaborators().at(0), c2});
  store().sync_pledges({pledge("P01", "T01", "committed")});
  store().insert_token(agg);
  store().commit();
  const std::vector<geo::collaborator> both = store().load_collaborators();
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(std::tie(both[1].id, both[1].name, both[1].kind, both[1].lon, both[1].lat, both[1].row),
            std::tie(c2.id, c2.name, c2.kind, c2.lon, c2.lat, c2.row));
  store().begin();
  const geo::change_counts gone = store().sync_collaborators({});
  store().commit();
  EXPECT_EQ(std::tie(gone.retired, gone.deleted), std::make_tuple(2u, 0u));
  EXPECT_TRUE(store().load_collaborators().empty());
}

TEST_P(StoreConformance, LocatesATargetWithoutAPointOnceOnly) {
  store().begin();
  store().sync_targets({unlocated("T05"), target("T01")});
  store().commit();
  geo::target located = unlocated("T05");
  located.lon = 106.8151;
  located.lat = -6.1851;
  located.rt_code = "3171010001001001";
  located.rw_code = "3171010001001";
  store().begin();
  store().locate_target(located, "tok_0000000p");
  store().commit();
  const std::vector<geo::target> field = store().load_field_located();
  ASSERT_EQ(field.size(), 1u);
  EXPECT_EQ(std::tie(field[0].id, field[0].lon, field[0].lat, field[0].rt_code, field[0].rw_code),
            std::tie(located.id, located.lon, located.lat, located.rt_code, located.rw_code));
  EXPECT_EQ(query("SELECT located_by FROM targets WHERE id = 'T05'"), "tok_0000000p\n");
  store().begin();
  try {
    store().locate_target(located, "tok_0000000p");
    FAIL() << "no error";
  } catch (const geo::conflict_error& e) {
    EXPECT_EQ(e.kind(), geo::conflict_kind::target_located);
    EXPECT_STREQ(e.what(), "target T05 is located already");
  }
  geo::target unknown = located;
  unknown.id = "T77";
  EXPECT_THROW(store().locate_target(unknown, "tok_0000000p"), geo::not_found_error);
  geo::target first = target("T01");
  EXPECT_THROW(store().locate_target(first, "tok_0000000p"), geo::conflict_error);
  store().rollback();
}

TEST_P(StoreConformance, AReimportWithoutAPointKeepsTheFieldLocationAndOneWithAPointWins) {
  store().begin();
  store().sync_targets({unlocated("T05")});
  store().commit();
  geo::target located = unlocated("T05");
  located.lon = 106.8151;
  located.lat = -6.1851;
  located.rt_code = "3171010001001001";
  store().begin();
  store().locate_target(located, "tok_0000000p");
  store().commit();
  store().begin();
  const geo::change_counts same = store().sync_targets({unlocated("T05")});
  store().commit();
  // The row with the field's point put back is the row as located: nothing to write.
  EXPECT_EQ(std::tie(same.field_locations_kept, same.field_locations_replaced, same.unchanged),
            std::make_tuple(1u, 0u, 1u));
  EXPECT_EQ(store().load_targets().at(0).lon, 106.8151);
  EXPECT_EQ(store().load_field_located().size(), 1u);
  store().begin();
  const geo::change_counts surveyed = store().sync_targets({target("T05")});
  store().commit();
  EXPECT_EQ(surveyed.field_locations_replaced, 1u);
  EXPECT_EQ(store().load_targets().at(0).lon, 106.805);
  EXPECT_TRUE(store().load_field_located().empty());
}

TEST_P(StoreConformance, RecordsImportRunsWithTheirChangesPageByPage) {
  allow_removals();
  store().begin();
  store().sync_targets({target("T01"), target("T02"), target("T03")});
  const std::int64_t first = store().record_import("targets a.csv", {});
  store().commit();
  store().begin();
  store().sync_targets({target("T01", "minyak"), target("T04")});
  const std::int64_t second = store().record_import("targets b.csv", {});
  store().commit();
  EXPECT_EQ(std::make_tuple(first, second), std::make_tuple(std::int64_t{1}, std::int64_t{2}));
  EXPECT_EQ(store().data_version(), 2);
  const std::vector<geo::import_run> runs = store().load_runs(10);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(std::tie(runs[0].id, runs[0].what), std::make_tuple(std::int64_t{2}, "targets b.csv"));
  EXPECT_TRUE(
      std::regex_match(runs[0].finished_at, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << runs[0].finished_at;
  EXPECT_EQ(runs[0].report, geo::import_report{}.to_json());
  EXPECT_EQ(store().load_runs(1).size(), 1u);
  EXPECT_EQ(changes_of(first), "targets T01 added\ntargets T02 added\ntargets T03 added\n");
  EXPECT_EQ(changes_of(second),
            "targets T01 changed\ntargets T02 removed\ntargets T03 removed\ntargets T04 added\n");
  EXPECT_EQ(changes_of(second, "targets", 2, 1), "targets T02 removed\ntargets T03 removed\n");
  EXPECT_EQ(changes_of(second, "areas"), "");
}

std::string backend_name(const ::testing::TestParamInfo<backend>& info) {
  return info.param == backend::spatialite ? "SpatiaLite" : "PostgreSQL";
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreConformance,
                         ::testing::Values(backend::spatialite, backend::postgres), backend_name);

}  // namespace
}  // namespace store_conformance
