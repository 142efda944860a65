#include "geo/import/importer.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "geo/error.hpp"
#include "geo/store/spatialite_store.hpp"
#include "geo/store/sqlite_db.hpp"
#include "geo/store/sqlite_statement.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

const std::string data_dir = SASARAN_TEST_DATA;
const std::string targets_path = data_dir + "/targets-15rows-one-of-each-outcome.csv";

geo::dataset_description tiny(const std::string& file = "dataset-tiny.json") {
  return geo::load_dataset_description(data_dir + "/" + file, data_dir);
}

// The kelurahan layer of dataset-tiny.json alone (kecamatan and kota dissolved from it).
geo::dataset_description kelurahan_only() {
  geo::dataset_description d = tiny();
  d.areas.resize(1);
  d.targets.reset();
  d.collaborators.reset();
  d.pledges.reset();
  return d;
}

using test_support::temp_dir;

// Rows of a query, one line each with columns separated by '|'.
std::string rows(geo::sqlite_db& db, const std::string& sql, int columns) {
  std::string out;
  geo::sqlite_statement select = db.prepare(sql);
  while (select.step()) {
    for (int i = 0; i < columns; ++i)
      out += (i ? "|" : "") + (select.is_null(i) ? "NULL" : select.column_text(i));
    out += "\n";
  }
  return out;
}

// Every row of every table an import writes except the log of runs, one line per row with
// the columns as SQL literals (quote(): blobs in hex), so that two dumps compare as text.
std::string dump(geo::sqlite_db& db) {
  std::string out;
  for (const char* table :
       {"areas", "areas_rtree", "targets", "collaborators", "pledges", "import_issues"}) {
    std::string row_text;
    geo::sqlite_statement columns = db.prepare("SELECT name FROM pragma_table_info(?)");
    columns.bind(1, std::string_view(table));
    while (columns.step())
      row_text +=
          (row_text.empty() ? "quote(" : " || '|' || quote(") + columns.column_text(0) + ")";
    out += std::string("-- ") + table + "\n" +
           rows(db, "SELECT " + row_text + " FROM " + table + " ORDER BY 1", 1);
  }
  return out;
}

class Importer : public ::testing::Test {
 protected:
  Importer() : m_store(m_dir / "sasaran.db"), m_importer(m_store, m_progress) {}

  std::string dump() { return ::dump(m_store.db()); }

  // A copy of the targets file in which T01 (row 2) needs "minyak" instead of "beras" and T06
  // (row 7, the last accepted row, so no accepted row moves) is gone.
  std::string changed_targets() const {
    std::ifstream in(targets_path);
    std::ostringstream out;
    for (std::string line; std::getline(in, line);) {
      if (line.starts_with("T06,")) continue;
      if (line == "T01,pangan,beras,4,3,106.805,-6.195,3171010001,1,1,2024-01-15")
        line = "T01,pangan,minyak,4,3,106.805,-6.195,3171010001,1,1,2024-01-15";
      out << line << "\n";
    }
    const std::string path = m_dir / "targets-T01-changed-T06-removed.csv";
    std::ofstream(path) << out.str();
    return path;
  }

  std::string query(const std::string& sql, int columns = 1) {
    return rows(m_store.db(), sql, columns);
  }

  temp_dir m_dir;
  geo::spatialite_store m_store;
  geo::silent_progress m_progress;
  geo::importer m_importer;
};

TEST_F(Importer, StoresAreasOfEveryLevelWithDissolvedKecamatanAndKota) {
  m_importer.import_dataset(tiny());
  EXPECT_EQ(query("SELECT level, count(*) FROM areas GROUP BY level ORDER BY level", 2),
            "kecamatan|2\nkelurahan|4\nkota|1\nrt|4\nrw|2\n");
  EXPECT_EQ(query("SELECT code, name, parent_code FROM areas WHERE level IN ('kota', "
                  "'kecamatan', 'rw') ORDER BY code",
                  3),
            "3171|Jakarta Pusat|31\n"
            "3171010|Gambir|3171\n"
            "3171010001001|RW 001 Kebon Kelapa|3171010001\n"
            "3171010001002|RW 002 Kebon Kelapa|3171010001\n"
            "3171020|Tanah Abang|3171\n");
}

TEST_F(Importer, StoresTargetsPledgesAndIssuesOfATinyDataset) {
  m_importer.import_dataset(tiny());
  EXPECT_EQ(query("SELECT id, import_outcome, rt_code, kelurahan_code, kota_code, AsText(geom) "
                  "FROM targets ORDER BY source_row",
                  6),
            "T01|clean|3171010001001001|3171010001|3171|POINT(106.805 -6.195)\n"
            "T02|normalized|3171010001002002|3171010001|3171|POINT(106.815 -6.185)\n"
            "T03|corrected|3171010001002001|3171010001|3171|POINT(106.815 -6.195)\n"
            "T04|flagged|3171010001001002|3171010001|3171|POINT(106.805 -6.185)\n"
            "T05|flagged|NULL|3171010002|3171|POINT(106.83 -6.19)\n"
            "T06|unlocated|3171010001002002|3171010001|3171|NULL\n");
  EXPECT_EQ(query("SELECT id, status FROM pledges ORDER BY id", 2),
            "P01|committed\nP12|cancelled\nP13|committed\n");
  EXPECT_EQ(query("SELECT id FROM collaborators ORDER BY id"), "C1\nC2\nC3\nC5\n");
  EXPECT_EQ(
      query("SELECT layer, outcome, count(*) FROM import_issues GROUP BY 1, 2 ORDER BY 1, 2", 3),
      "collaborators|flagged|1\ncollaborators|normalized|1\ncollaborators|rejected|4\n"
      "kecamatan|flagged|1\n"
      "pledges|rejected|12\n"
      "targets|corrected|1\ntargets|flagged|2\ntargets|normalized|1\n"
      "targets|rejected|9\ntargets|unlocated|1\n");
  EXPECT_EQ(query("SELECT message FROM import_issues WHERE layer = 'pledges' AND row = 5"),
            "target T07 was rejected (row 8: point (-6.195, 106.83) lies outside every imported "
            "boundary)\n");
}

TEST_F(Importer, ReportsLayersInImportOrderWithTheirChanges) {
  const geo::import_report report = m_importer.import_dataset(tiny());
  std::string layers;
  for (const geo::layer_report& l : report.layers)
    layers += l.layer + ":" + std::to_string(l.changes.inserted) + " ";
  EXPECT_EQ(layers,
            "kelurahan:4 kecamatan:2 kota:1 rw:2 rt:4 targets:6 collaborators:4 pledges:3 ");
  EXPECT_EQ(query("SELECT what FROM import_runs"), "dataset tiny\n");
}

TEST_F(Importer, ImportingTwiceLeavesTablesIdenticalAndEveryRowUnchanged) {
  m_importer.import_dataset(tiny());
  const std::string first = dump();
  // 6 table headers, 13 areas and their R*Tree rows, 6 targets, 4 collaborators, 3 pledges,
  // 33 issues (14 targets, 6 collaborators, 12 pledges, 1 kecamatan).
  ASSERT_EQ(std::count(first.begin(), first.end(), '\n'), 6 + 13 + 13 + 6 + 4 + 3 + 33);
  const geo::import_report again = m_importer.import_dataset(tiny());
  EXPECT_EQ(dump(), first);
  for (const geo::layer_report& l : again.layers) {
    SCOPED_TRACE(l.layer);
    EXPECT_EQ(l.changes.inserted + l.changes.updated + l.changes.deleted, 0u);
    EXPECT_EQ(l.changes.unchanged, l.imported());
  }
  EXPECT_EQ(query("SELECT count(*) FROM import_runs"), "2\n");
}

TEST_F(Importer, ReimportedTargetsUpdateTheChangedRowAndDeleteTheRemovedOne) {
  m_importer.import_dataset(tiny());
  m_importer.allow_removals(true);  // one of six

  const geo::change_counts c = m_importer.import_targets(changed_targets()).layers.at(0).changes;
  EXPECT_EQ(std::tie(c.inserted, c.updated, c.deleted, c.unchanged),
            std::make_tuple(0u, 1u, 1u, 4u));
  EXPECT_EQ(query("SELECT id, need FROM targets ORDER BY id", 2),
            "T01|minyak\nT02|seragam\nT03|beras\nT04|modal\nT05|beras\n");
}

TEST_F(Importer, PledgesImportAloneFindsTargetsAndTheirRejectionsInTheStore) {
  m_importer.import_dataset(tiny());
  const std::string before = dump();
  const geo::import_report report =
      m_importer.import_pledges(data_dir + "/pledges-15rows-one-of-each-rejection.csv");
  const geo::layer_report& pledges = report.layers.at(0);
  EXPECT_EQ(pledges.changes.unchanged, 3u);
  ASSERT_EQ(pledges.issues.at(2).row, 5u);
  EXPECT_EQ(pledges.issues.at(2).message,
            "target T07 was rejected (row 8: point (-6.195, 106.83) lies outside every imported "
            "boundary)");
  EXPECT_EQ(dump(), before);
}

TEST_F(Importer, DissolvesOneKecamatanPerParentCodeOfTheKelurahan) {
  geo::dataset_description d = kelurahan_only();
  d.areas[0].path = data_dir + "/kelurahan-4squares-fourth-in-new-kecamatan-3171030.geojson";
  m_importer.import_dataset(d);
  EXPECT_EQ(query("SELECT code FROM areas WHERE level = 'kecamatan' ORDER BY code"),
            "3171010\n3171020\n3171030\n");
}

TEST_F(Importer, ReimportedKelurahanMayBelongToANewKecamatan) {
  m_importer.import_dataset(kelurahan_only());
  geo::dataset_description d = kelurahan_only();
  d.areas[0].path = data_dir + "/kelurahan-4squares-fourth-in-new-kecamatan-3171030.geojson";
  const geo::import_report report = m_importer.import_dataset(d);
  EXPECT_EQ(report.find("kelurahan")->count(geo::outcome::rejected), 0u);
  EXPECT_EQ(query("SELECT code FROM areas WHERE level = 'kecamatan' ORDER BY code"),
            "3171010\n3171020\n3171030\n");
}

TEST_F(Importer, FailingImportLeavesDatabaseAsBeforeAndNamesTheMissingPledgesFile) {
  m_importer.import_dataset(tiny());
  const std::string before = dump();
  try {
    m_importer.import_dataset(tiny("dataset-tiny-pledges-file-missing.json"));
    FAIL() << "no error";
  } catch (const geo::input_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot open '" + data_dir + "/no-such-pledges.csv': No such file or directory");
  }
  EXPECT_EQ(dump(), before);
  EXPECT_EQ(query("SELECT count(*) FROM import_runs"), "1\n");
}

// Kelurahan and RW only: the RW layer is the only one read on a worker thread.
TEST_F(Importer, FailingImportLeavesDatabaseAsBeforeAndNamesTheMissingSecondLayer) {
  m_importer.import_dataset(tiny());
  const std::string before = dump();
  geo::dataset_description d = tiny("dataset-tiny-rw-file-missing.json");
  d.areas.pop_back();  // rt
  try {
    m_importer.import_dataset(d);
    FAIL() << "no error";
  } catch (const geo::input_error& e) {
    EXPECT_TRUE(std::string(e.what()).starts_with("cannot open '" + data_dir +
                                                  "/no-such-rw.geojson' as a vector source: "))
        << e.what();
  }
  EXPECT_EQ(dump(), before);
}

TEST_F(Importer, FailingLayerWhileAnotherIsReadOnAWorkerLeavesDatabaseAsBefore) {
  m_importer.import_dataset(tiny());
  const std::string before = dump();
  EXPECT_THROW(m_importer.import_dataset(tiny("dataset-tiny-rw-file-missing.json")),
               geo::input_error);
  EXPECT_EQ(dump(), before);
}

// Kelurahan only, so that no worker thread is reading when the stop is seen (see the bug
// above): the stop is seen while the kecamatan are dissolved.
TEST_F(Importer, StopRequestThrowsInterruptedAndLeavesDatabaseAsBefore) {
  m_importer.import_dataset(tiny());
  const std::string before = dump();
  std::atomic<bool> stop{true};
  geo::importer stopped(m_store, m_progress, geo::stop_token(&stop));
  try {
    stopped.import_dataset(kelurahan_only());
    FAIL() << "no error";
  } catch (const geo::interrupted_error& e) {
    EXPECT_STREQ(e.what(), "interrupted during dissolving kecamatan 3171010");
  }
  EXPECT_EQ(dump(), before);
  EXPECT_EQ(query("SELECT count(*) FROM import_runs"), "1\n");
}

TEST_F(Importer, StopRequestLeavesNewDatabaseWithoutSchema) {
  std::atomic<bool> stop{true};
  geo::importer stopped(m_store, m_progress, geo::stop_token(&stop));
  EXPECT_THROW(stopped.import_dataset(kelurahan_only()), geo::interrupted_error);
  EXPECT_EQ(query("PRAGMA user_version"), "0\n");
  EXPECT_EQ(query("SELECT count(*) FROM sqlite_master WHERE name = 'areas'"), "0\n");
}

TEST_F(Importer, FullDiskFailsTheImportSayingSoAndLeavesDatabaseAsBefore) {
  m_importer.import_dataset(kelurahan_only());
  const std::string before = dump();
  // A database that may not grow past its present size behaves as a full disk.
  const std::string pages = query("PRAGMA page_count");
  m_store.db().exec("PRAGMA max_page_count = " + pages);
  try {
    m_importer.import_dataset(tiny());
    FAIL() << "no error";
  } catch (const geo::store_error& e) {
    EXPECT_NE(std::string(e.what()).find("database or disk is full"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(dump(), before);
}

TEST_F(Importer, StopRequestWhileLayersAreReadOnWorkersLeavesDatabaseAsBefore) {
  m_importer.import_dataset(tiny());
  const std::string before = dump();
  std::atomic<bool> stop{true};
  geo::importer stopped(m_store, m_progress, geo::stop_token(&stop));
  EXPECT_THROW(stopped.import_dataset(tiny()), geo::interrupted_error);
  EXPECT_EQ(dump(), before);
}

TEST_F(Importer, TargetsFileWithoutAPledgedTargetRetiresItAndFlagsItsActivePledge) {
  m_importer.import_dataset(tiny());
  std::ifstream in(targets_path);
  std::ostringstream out;
  for (std::string line; std::getline(in, line);)
    if (!line.starts_with("T01,")) out << line << "\n";
  const std::string path = m_dir / "targets-without-T01.csv";
  std::ofstream(path) << out.str();
  EXPECT_THROW(m_importer.import_targets(path), geo::removal_error);  // one of six
  m_importer.allow_removals(true);
  const geo::change_counts c = m_importer.import_targets(path).layers.at(0).changes;
  EXPECT_EQ(std::tie(c.deleted, c.retired), std::make_tuple(0u, 1u));
  EXPECT_EQ(query("SELECT id, retired_at IS NOT NULL FROM targets WHERE id = 'T01'", 2), "T01|1\n");
  // Only the active pledge is flagged; the history stays.
  EXPECT_EQ(query("SELECT id, status, coalesce(flag, '-') FROM pledges ORDER BY id", 3),
            "P01|committed|target_retired\nP12|cancelled|-\nP13|committed|-\n");
  const std::int64_t run = m_store.data_version();
  bool listed = false;
  for (const geo::row_change& rc : m_store.load_changes(run, "targets", 100, 0))
    listed |= rc.key == "T01" && rc.change == "retired";
  EXPECT_TRUE(listed);
  // Re-importing the full file restores it and clears the flag.
  const geo::change_counts back = m_importer.import_targets(targets_path).layers.at(0).changes;
  EXPECT_EQ(back.restored, 1u);
  EXPECT_EQ(query("SELECT coalesce(flag, '-') FROM pledges WHERE id = 'P01'"), "-\n");
}

TEST_F(Importer, ImportTargetsStopsOnRequestBeforeCommitting) {
  m_importer.import_dataset(tiny());
  const std::string before = dump();
  std::atomic<bool> stop{true};
  geo::importer stopped(m_store, m_progress, geo::stop_token(&stop));
  stopped.allow_removals(true);
  EXPECT_THROW(stopped.import_targets(changed_targets()), geo::interrupted_error);
  EXPECT_EQ(dump(), before);
}

}  // namespace
