// A location recorded in the field for a household the registry gives without one: where the
// point puts it (geo/field_location), how the engine takes it in (engine::locate), how the
// ledger writes it with its audit (ledger::record_location), and what a later import does.
#include "geo/engine/field_location.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "geo/engine/ledger.hpp"
#include "geo/error.hpp"
#include "geo/import/dataset_description.hpp"
#include "geo/import/importer.hpp"
#include "geo/store/spatialite_store.hpp"
#include "geo/store/sqlite_db.hpp"
#include "geo/store/sqlite_statement.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

const geo::write_origin by_pic{"tok_0000000p", "pic", "req-7"};

// The tiny dataset (see test_engine.cpp): kelurahan 3171010001 is four RTs of 0.01 degrees,
// 001001 and 001002 west (RW 001), 002001 and 002002 east (RW 002); T06 (permukiman, open,
// priority 5) has no coordinates and is declared in RT 002002 (106.81..106.82, -6.19..-6.18).
class FieldLocation : public ::testing::Test {
 protected:
  FieldLocation()
      : m_store(init(m_dir / "sasaran.db")), m_engine(m_store), m_ledger(m_store, m_engine) {}

  static std::string init(const std::string& path) {
    geo::spatialite_store s(path);
    geo::silent_progress progress;
    geo::importer importer(s, progress);
    importer.import_dataset(geo::load_dataset_description(
        std::string(SASARAN_TEST_DATA) + "/dataset-tiny.json", SASARAN_TEST_DATA));
    return path;
  }

  std::string query(const std::string& sql) {
    geo::sqlite_statement select = m_store.db().prepare(sql);
    std::string out;
    while (select.step())
      out += select.column_text(0) + "\n";
    return out;
  }

  const geo::target& t06() { return *m_engine.find_target("T06"); }

  geo::target placed(double lon, double lat) {
    const geo::field_placement p = geo::place_in_field(m_engine, t06(), lon, lat);
    geo::target out = t06();
    out.lon = lon;
    out.lat = lat;
    out.rt_code = p.rt_code;
    out.rw_code = p.rw_code;
    return out;
  }

  // Records T06 at (lon, lat) in the store and the engine, as the server does.
  void record(double lon, double lat) {
    const geo::target located = placed(lon, lat);
    m_ledger.record_location(located, 6.5, by_pic);
    m_engine.locate(t06(), lon, lat, located.rt_code, located.rw_code);
  }

  // The tiny targets file with T06's row replaced by `row` (id first).
  std::string targets_file_with(const std::string& row) {
    std::ifstream in(std::string(SASARAN_TEST_DATA) + "/targets-15rows-one-of-each-outcome.csv");
    const std::string path = m_dir / "targets.csv";
    std::ofstream out(path);
    for (std::string line; std::getline(in, line);)
      out << (line.starts_with("T06,") ? row : line) << "\n";
    return path;
  }

  test_support::temp_dir m_dir;
  geo::spatialite_store m_store;
  geo::engine m_engine;
  geo::ledger m_ledger;
};

TEST_F(FieldLocation, APointInTheDeclaredRtKeepsIt) {
  const geo::field_placement p = geo::place_in_field(m_engine, t06(), 106.815, -6.185);
  EXPECT_TRUE(p.in_declared_kelurahan);
  EXPECT_EQ(p.kelurahan_at->code, "3171010001");
  EXPECT_EQ(p.rt_code, "3171010001002002");
  EXPECT_EQ(p.rw_code, "3171010001002");
}

TEST_F(FieldLocation, APointInAnotherRtOfTheKelurahanGoesToThatRt) {
  const geo::field_placement p = geo::place_in_field(m_engine, t06(), 106.805, -6.195);
  EXPECT_TRUE(p.in_declared_kelurahan);
  EXPECT_EQ(p.rt_code, "3171010001001001");
  EXPECT_EQ(p.rw_code, "3171010001001");
}

TEST_F(FieldLocation, TheEdgeToleranceDecidesAsTheImporterDoes) {
  // 5e-7 degrees east of the kelurahan's (and the declared RT's) edge, inside the neighbour:
  // within the tolerance, so in the declared kelurahan and RT.
  const geo::field_placement near = geo::place_in_field(m_engine, t06(), 106.8200005, -6.185);
  EXPECT_TRUE(near.in_declared_kelurahan);
  EXPECT_EQ(near.rt_code, "3171010001002002");
  // 2e-6 degrees: beyond it, in kelurahan 3171010002.
  const geo::field_placement beyond = geo::place_in_field(m_engine, t06(), 106.820002, -6.185);
  EXPECT_FALSE(beyond.in_declared_kelurahan);
  EXPECT_EQ(beyond.kelurahan_at->code, "3171010002");
  EXPECT_EQ(beyond.rt_code, "");
  // At sea: in no kelurahan at all.
  const geo::field_placement sea = geo::place_in_field(m_engine, t06(), 106.9, -6.0);
  EXPECT_FALSE(sea.in_declared_kelurahan);
  EXPECT_EQ(sea.kelurahan_at, nullptr);
}

TEST_F(FieldLocation, RecordWritesTheTargetAndItsAuditInOneTransactionAndLeavesTheEngine) {
  const geo::target located = placed(106.805, -6.195);
  std::size_t hook_calls = 0;
  m_ledger.record_location(located, 6.5, by_pic, [&](geo::store& s, const geo::target& t) {
    ++hook_calls;
    EXPECT_EQ(t.id, "T06");
    // Inside the transaction: the row and its audit entry are written already.
    EXPECT_EQ(s.load_audit(1).at(0).action, "target.locate");
  });
  EXPECT_EQ(hook_calls, 1u);
  EXPECT_EQ(query("SELECT lon || ' ' || lat || ' ' || rt_code || ' ' || rw_code || ' ' || "
                  "located_by || ' ' || (located_at IS NOT NULL) || ' ' || X(geom) || ' ' || "
                  "Y(geom) FROM targets WHERE id = 'T06'"),
            "106.805 -6.195 3171010001001001 3171010001001 tok_0000000p 1 106.805 -6.195\n");
  const std::vector<geo::audit_entry> log = m_store.load_audit(10);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].actor, "tok_0000000p");
  EXPECT_EQ(log[0].role, "pic");
  EXPECT_EQ(log[0].action, "target.locate");
  EXPECT_EQ(log[0].subject, "T06");
  EXPECT_EQ(log[0].request_id, "req-7");
  EXPECT_EQ(log[0].detail,
            R"({"lon":106.805,"lat":-6.195,"accuracy_m":6.5,"declared_rt":"3171010001002002",)"
            R"("rt_code":"3171010001001001","rw_code":"3171010001001"})");
  // The engine moves only when the caller says so (engine::locate).
  EXPECT_FALSE(t06().lon.has_value());
}

TEST_F(FieldLocation, NothingIsWrittenWhenTheHookThrows) {
  EXPECT_THROW(m_ledger.record_location(
                   placed(106.815, -6.185), std::nullopt, by_pic,
                   [](geo::store&, const geo::target&) { throw geo::store_error("disk full"); }),
               geo::store_error);
  EXPECT_EQ(query("SELECT coalesce(lon, 'null') || ' ' || coalesce(located_at, 'null') || ' ' || "
                  "rt_code FROM targets WHERE id = 'T06'"),
            "null null 3171010001002002\n");
  EXPECT_TRUE(m_store.load_audit(10).empty());
}

TEST_F(FieldLocation, RecordRefusesALocatedOrUnknownTargetAndABadPoint) {
  geo::target t01 = *m_engine.find_target("T01");
  EXPECT_THROW(m_ledger.record_location(t01, std::nullopt, by_pic), geo::conflict_error);
  geo::target unknown = t06();
  unknown.id = "T99";
  unknown.lon = 106.815;
  unknown.lat = -6.185;
  EXPECT_THROW(m_ledger.record_location(unknown, std::nullopt, by_pic), geo::not_found_error);
  geo::target bad = placed(106.815, -6.185);
  bad.lon = std::nan("");
  try {
    m_ledger.record_location(bad, std::nullopt, by_pic);
    FAIL() << "no error";
  } catch (const geo::field_error& e) {
    EXPECT_EQ(e.field(), "lon");
  }
  try {
    m_ledger.record_location(placed(106.815, -6.185), -1.0, by_pic);
    FAIL() << "no error";
  } catch (const geo::field_error& e) {
    EXPECT_EQ(e.field(), "accuracy_m");
  }
  // A second visit does not move it.
  record(106.815, -6.185);
  EXPECT_THROW(m_ledger.record_location(placed(106.805, -6.195), std::nullopt, by_pic),
               geo::conflict_error);
  EXPECT_EQ(m_store.load_audit(10).size(), 1u);
}

TEST_F(FieldLocation, TheEngineAfterLocateAnswersAsAnEngineLoadedFromTheStore) {
  const std::uint64_t rw2_before = m_engine.revision_of(*m_engine.find_area("3171010001002"));
  const std::size_t located_before = m_engine.located_count();
  record(106.806, -6.196);  // declared in RW 002, found in RW 001
  EXPECT_EQ(m_engine.located_count(), located_before + 1);
  // Its declared RW's public figures lose it: that RW's revision moves, so do cached tiles.
  EXPECT_GT(m_engine.revision_of(*m_engine.find_area("3171010001002")), rw2_before);

  const geo::engine loaded(m_store);
  for (geo::admin_level level : geo::all_admin_levels)
    for (const geo::area* a : loaded.areas_at(level)) {
      const geo::area& mine = *m_engine.find_area(a->code);
      for (auto basis : {geo::engine::precision::exact, geo::engine::precision::coarse}) {
        const auto ids = [&](const geo::engine& e, const geo::area& x) {
          std::vector<std::string> out;
          for (const geo::target* t : e.targets_of(x, basis))
            out.push_back(t->id);
          return out;
        };
        EXPECT_EQ(ids(m_engine, mine), ids(loaded, *a)) << a->code;
        for (std::size_t slot = 0; slot < 7; ++slot) {
          const geo::coverage x = m_engine.coverage_of(mine, slot, basis);
          const geo::coverage y = loaded.coverage_of(*a, slot, basis);
          EXPECT_EQ(x.targets, y.targets) << a->code << " slot " << slot;
          EXPECT_EQ(x.unmet_priority, y.unmet_priority) << a->code << " slot " << slot;
        }
      }
    }
  for (const geo::engine* e : {static_cast<const geo::engine*>(&m_engine), &loaded}) {
    const auto near = e->nearest({106.806, -6.196, 3});
    ASSERT_EQ(near.size(), 3u);
    EXPECT_EQ(near[0].what->id, "T06");
    EXPECT_EQ(near[0].distance_m, 0);
    const auto spot = e->spot_chain(*e->find_target("T06"));
    EXPECT_EQ(spot.rw->code, "3171010001001");
    const auto box =
        e->targets_in({106.8059, -6.1961, 106.8061, -6.1959}, geo::engine::precision::exact);
    ASSERT_EQ(box.size(), 1u);
    EXPECT_EQ(box[0]->id, "T06");
  }
  EXPECT_EQ(m_engine.find_target("T06")->rt_code, loaded.find_target("T06")->rt_code);
}

TEST_F(FieldLocation, AnImportWhoseFileHasNoPointKeepsTheFieldLocationAndOneWithAPointWins) {
  record(106.815, -6.185);
  geo::silent_progress progress;
  geo::importer importer(m_store, progress);
  // The same file: T06 still has no coordinates there.
  const geo::import_report same = importer.import_targets(
      std::string(SASARAN_TEST_DATA) + "/targets-15rows-one-of-each-outcome.csv");
  EXPECT_EQ(same.layers.at(0).changes.field_locations_kept, 1u);
  EXPECT_EQ(same.layers.at(0).changes.field_locations_replaced, 0u);
  EXPECT_EQ(same.layers.at(0).changes.updated, 0u);
  EXPECT_NE(same.to_text().find("kept the location recorded in the field        1"),
            std::string::npos)
      << same.to_text();
  const std::string row =
      "SELECT lon || ' ' || lat || ' ' || rt_code || ' ' || "
      "coalesce(located_by, 'null') FROM targets WHERE id = 'T06'";
  EXPECT_EQ(query(row), "106.815 -6.185 3171010001002002 tok_0000000p\n");
  EXPECT_EQ(geo::engine(m_store).find_target("T06")->lon, 106.815);

  // The household's need changes in the registry, still without a point: kept, and updated.
  const geo::import_report changed =
      importer.import_targets(targets_file_with("T06,permukiman,dinding,7,5,,,3171010001,2,2,"
                                                "2024-01-20"));
  EXPECT_EQ(changed.layers.at(0).changes.field_locations_kept, 1u);
  EXPECT_EQ(changed.layers.at(0).changes.updated, 1u);
  EXPECT_EQ(query(row), "106.815 -6.185 3171010001002002 tok_0000000p\n");

  // The registry now has a point for it: the file wins, and it is no longer a field location.
  const geo::import_report surveyed =
      importer.import_targets(targets_file_with("T06,permukiman,dinding,7,5,106.8151,-6.1851,"
                                                "3171010001,2,2,2024-01-20"));
  EXPECT_EQ(surveyed.layers.at(0).changes.field_locations_kept, 0u);
  EXPECT_EQ(surveyed.layers.at(0).changes.field_locations_replaced, 1u);
  EXPECT_EQ(query(row), "106.8151 -6.1851 3171010001002002 null\n");
  EXPECT_TRUE(m_store.load_field_located().empty());
}

TEST_F(FieldLocation, AnImportDeclaringAnotherRtDropsTheFieldLocation) {
  record(106.815, -6.185);
  geo::silent_progress progress;
  geo::importer importer(m_store, progress);
  const geo::import_report moved = importer.import_targets(
      targets_file_with("T06,permukiman,atap,7,5,,,3171010001,1,2,2024-01-20"));
  EXPECT_EQ(moved.layers.at(0).changes.field_locations_replaced, 1u);
  EXPECT_EQ(query("SELECT coalesce(lon, 'null') || ' ' || rt_code || ' ' || "
                  "coalesce(located_at, 'null') FROM targets WHERE id = 'T06'"),
            "null 3171010001001002 null\n");
}

}  // namespace
