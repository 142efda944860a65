#include "tiles/target_layer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>

#include "geo/engine/coarse_position.hpp"
#include "geo/import/dataset_description.hpp"
#include "geo/import/importer.hpp"
#include "geo/store/spatialite_store.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tiles/mvt_decoder.hpp"
#include "tiles/tile_builder.hpp"

namespace {

using tiles::tile_source;
using mode = tiles::target_viewer::mode;
using properties = std::map<std::string, std::string>;

struct shown_feature {
  tiles::tile_id tile;
  std::uint64_t id;
  properties props;
  std::pair<std::int64_t, std::int64_t> at;  // tile units
};

// The tiny dataset (test_tile_builder.cpp): located targets T01, T02, T03 (its swapped
// coordinates mended), T04, T05 in kelurahan 3171010001 and 3171010002; T06 and T08 unlocated;
// the pledges file leaves two of the located ones pledged, T01 among them. Every tile at a zoom
// over its extent is built, so nothing can hide at an edge.
class TargetLayer : public ::testing::Test {
 protected:
  explicit TargetLayer(const std::string& dataset = "dataset-tiny.json")
      : m_store(m_dir / "sasaran.db") {
    geo::silent_progress progress;
    geo::importer importer(m_store, progress);
    importer.import_dataset(geo::load_dataset_description(
        std::string(SASARAN_TEST_DATA) + "/" + dataset, SASARAN_TEST_DATA));
    m_engine = std::make_unique<geo::engine>(m_store);
    m_builder = std::make_unique<tiles::tile_builder>(*m_engine);
  }

  // Every targets feature of every tile at zoom z over the dataset's extent (with a margin).
  std::vector<shown_feature> features_at(std::uint32_t z, const tiles::target_viewer& viewer,
                                         const std::optional<std::string>& program = {}) {
    const tiles::tile_projection world(tiles::tile_id{0, 0, 0});
    const double n = std::ldexp(1.0, static_cast<int>(z)) / tiles::tile_extent;
    const tiles::tile_pixel nw = world(106.79, -6.17), se = world(106.85, -6.23);
    std::vector<shown_feature> out;
    for (auto x = std::uint32_t(nw.x * n); x <= std::uint32_t(se.x * n); ++x)
      for (auto y = std::uint32_t(nw.y * n); y <= std::uint32_t(se.y * n); ++y) {
        const tiles::tile_id tile{z, x, y};
        const std::vector<tile_source> sources{tile_source::targets};
        for (const auto& layer :
             test_support::decode_tile(m_builder->build(tile, sources, program, viewer))) {
          EXPECT_EQ(layer.name, "targets");
          for (const auto& f : layer.features) {
            const auto at = test_support::single_point(f);
            EXPECT_TRUE(at) << "feature " << f.id << " of " << tiles::to_string(tile);
            EXPECT_GE(at->first, 0);
            EXPECT_LT(at->first, 4096);
            EXPECT_GE(at->second, 0);
            EXPECT_LT(at->second, 4096);
            out.push_back({tile, f.id, test_support::properties_of(layer, f), *at});
          }
        }
      }
    return out;
  }

  // Where (lon, lat) falls in `tile`, floored to the grid, as the layer places points.
  static std::pair<std::int64_t, std::int64_t> grid_of(const tiles::tile_id& tile, double lon,
                                                       double lat) {
    const tiles::tile_pixel p = tiles::to_tile_pixel(tile, lon, lat);
    return {std::int64_t(std::floor(p.x)), std::int64_t(std::floor(p.y))};
  }

  test_support::temp_dir m_dir;
  geo::spatialite_store m_store;
  std::unique_ptr<geo::engine> m_engine;
  std::unique_ptr<tiles::tile_builder> m_builder;
};

// The ~100 m cell of a position as docs/api.md numbers it, and the feature id of its cell
// (2^52 + (x + 200,000) * 2^18 + (y + 100,000)), worked out here rather than by tiles/.
std::string cell_text(double lon, double lat) {
  return std::to_string(static_cast<long>(std::floor(lon / 0.0009))) + "," +
         std::to_string(static_cast<long>(std::floor(lat / 0.0009)));
}
std::uint64_t cell_feature_id(double lon, double lat) {
  const auto x = static_cast<std::int64_t>(std::floor(lon / 0.0009));
  const auto y = static_cast<std::int64_t>(std::floor(lat / 0.0009));
  return 4503599627370496ULL + std::uint64_t(x + 200000) * 262144 + std::uint64_t(y + 100000);
}

TEST_F(TargetLayer, ShowsEachOccupiedCellOnceFromZoom14AtItsCentreWithoutTargetDetail) {
  for (std::uint32_t z = 14; z <= 18; ++z) {
    std::map<std::string, shown_feature> by_cell;
    for (const shown_feature& f : features_at(z, {mode::coarse})) {
      EXPECT_TRUE(by_cell.emplace(f.props.at("cell"), f).second)
          << f.props.at("cell") << " twice at zoom " << z;
    }
    // The five located targets lie 0.01 degrees apart: one cell each.
    ASSERT_EQ(by_cell.size(), 5u) << "zoom " << z;
    const geo::target& t01 = *m_engine->find_target("T01");
    const shown_feature& cell = by_cell.at(cell_text(*t01.lon, *t01.lat));
    EXPECT_EQ(cell.props, (properties{{"kind", "cell"},
                                      {"cell", cell_text(*t01.lon, *t01.lat)},
                                      {"count", "1"},
                                      {"status_open", "0"},
                                      {"status_pledged", "1"},
                                      {"status_delivered", "0"},
                                      {"program_pangan", "1"},
                                      {"program_umkm", "0"},
                                      {"program_pendidikan", "0"},
                                      {"program_persampahan", "0"},
                                      {"program_permukiman", "0"},
                                      {"program_ketenagakerjaan", "0"}}));
    EXPECT_EQ(cell.id, cell_feature_id(*t01.lon, *t01.lat));
    for (const char* id : {"T01", "T02", "T03", "T04", "T05"}) {
      const geo::target& t = *m_engine->find_target(id);
      const double centre_lon = (std::floor(*t.lon / 0.0009) + 0.5) * 0.0009;
      const double centre_lat = (std::floor(*t.lat / 0.0009) + 0.5) * 0.0009;
      const shown_feature& f = by_cell.at(cell_text(*t.lon, *t.lat));
      EXPECT_EQ(f.at, grid_of(f.tile, centre_lon, centre_lat)) << id << " at zoom " << z;
    }
  }
}

class TargetLayerCells : public TargetLayer {
 protected:
  TargetLayerCells() : TargetLayer("dataset-tiny-three-cells.json") {}
};

TEST_F(TargetLayerCells, GroupsTheTargetsOfACellIntoOneFeatureWhoseCountsAddUp) {
  // targets-7rows-three-cells-one-unlocated.csv: A1-A3 share a cell, B1-B2 the next one east,
  // C1 is alone; U1 has no position.
  for (std::uint32_t z = 14; z <= 18; ++z) {
    std::map<std::string, properties> by_cell;
    for (const shown_feature& f : features_at(z, {mode::coarse})) {
      EXPECT_TRUE(by_cell.emplace(f.props.at("cell"), f.props).second) << "zoom " << z;
      EXPECT_EQ(f.props.at("kind"), "cell");
    }
    ASSERT_EQ(by_cell.size(), 3u) << "zoom " << z;
    const properties& a = by_cell.at("118672,-6884");
    EXPECT_EQ(a.at("count"), "3");
    EXPECT_EQ(a.at("status_open"), "3");
    EXPECT_EQ(a.at("program_pangan"), "2");
    EXPECT_EQ(a.at("program_umkm"), "1");
    const properties& b = by_cell.at("118673,-6884");
    EXPECT_EQ(b.at("count"), "2");
    EXPECT_EQ(b.at("program_pendidikan"), "1");
    EXPECT_EQ(b.at("program_pangan"), "1");
    EXPECT_EQ(by_cell.at("118683,-6873").at("count"), "1");
  }
  // With ?program=, only the program's targets, and only its count.
  std::map<std::string, properties> pangan;
  for (const shown_feature& f : features_at(16, {mode::coarse}, "pangan"))
    pangan.emplace(f.props.at("cell"), f.props);
  EXPECT_EQ(pangan.at("118672,-6884"), (properties{{"kind", "cell"},
                                                   {"cell", "118672,-6884"},
                                                   {"count", "2"},
                                                   {"status_open", "2"},
                                                   {"status_pledged", "0"},
                                                   {"status_delivered", "0"},
                                                   {"program_pangan", "2"}}));
  EXPECT_EQ(pangan.size(), 3u);
  // An exact viewer still gets one point per target.
  std::set<std::string> ids;
  for (const shown_feature& f : features_at(16, {mode::exact})) {
    EXPECT_EQ(f.props.at("kind"), "target");
    ids.insert(f.props.at("id"));
  }
  EXPECT_EQ(ids, (std::set<std::string>{"A1", "A2", "A3", "B1", "B2", "C1"}));
}

TEST_F(TargetLayerCells, AMixedViewerGetsPointsWhereExactAndCellsElsewhereEachTargetOnce) {
  const tiles::target_viewer pic{mode::mixed,
                                 [](const geo::target& t) { return t.id.front() == 'B'; }};
  std::set<std::string> points;
  std::map<std::string, std::string> cells;
  for (const shown_feature& f : features_at(17, pic)) {
    if (f.props.at("kind") == "target") {
      EXPECT_EQ(f.props.at("position"), "exact");
      points.insert(f.props.at("id"));
    } else {
      EXPECT_EQ(f.props.at("kind"), "cell");
      EXPECT_FALSE(f.props.contains("id"));
      cells[f.props.at("cell")] = f.props.at("count");
    }
  }
  EXPECT_EQ(points, (std::set<std::string>{"B1", "B2"}));
  EXPECT_EQ(cells,
            (std::map<std::string, std::string>{{"118672,-6884", "3"}, {"118683,-6873", "1"}}));
}

TEST_F(TargetLayer, GivesExactPositionsAndHouseholdDetailOnlyToExactViewers) {
  for (const shown_feature& f : features_at(16, {mode::exact})) {
    const geo::target& t = *m_engine->find_target(f.props.at("id"));
    EXPECT_EQ(f.at, grid_of(f.tile, *t.lon, *t.lat)) << t.id;
    EXPECT_EQ(f.props.at("position"), "exact");
    EXPECT_EQ(f.props.at("household_size"), std::to_string(t.household_size));
    EXPECT_EQ(f.props.at("rt"), t.rt_code);
  }
  for (const shown_feature& f : features_at(16, {mode::coarse})) {
    EXPECT_FALSE(f.props.contains("household_size"));
    EXPECT_FALSE(f.props.contains("rt"));
  }
}

TEST_F(TargetLayer, MixedViewerSeesExactlyOnlyTheTargetsItsRuleAllows) {
  const tiles::target_viewer pic{
      mode::mixed, [](const geo::target& t) { return t.kelurahan_code == "3171010002"; }};
  std::map<std::string, std::string> shown;  // id, or cell for coarse ones: kind
  for (const shown_feature& f : features_at(15, pic)) {
    if (f.props.at("kind") == "cell") {
      shown[f.props.at("cell")] = "cell";
      continue;
    }
    const geo::target& t = *m_engine->find_target(f.props.at("id"));
    EXPECT_EQ(f.props.at("position"), "exact");
    EXPECT_EQ(f.at, grid_of(f.tile, *t.lon, *t.lat)) << t.id;
    shown[t.id] = "target";
  }
  const auto cell_of = [&](const char* id) {
    const geo::target& t = *m_engine->find_target(id);
    return cell_text(*t.lon, *t.lat);
  };
  EXPECT_EQ(shown, (std::map<std::string, std::string>{{cell_of("T01"), "cell"},
                                                       {cell_of("T02"), "cell"},
                                                       {cell_of("T03"), "cell"},
                                                       {cell_of("T04"), "cell"},
                                                       {"T05", "target"}}));
}

TEST_F(TargetLayer, ClustersBelowZoom14CountEveryLocatedTargetExactlyOnce) {
  for (std::uint32_t z = 0; z < 14; ++z) {
    std::map<std::string, std::uint64_t> sums;
    std::set<std::pair<std::string, std::uint64_t>> ids;  // tile, feature id
    for (const shown_feature& f : features_at(z, {mode::coarse})) {
      EXPECT_EQ(f.props.at("kind"), "cluster");
      EXPECT_TRUE(ids.emplace(tiles::to_string(f.tile), f.id).second);
      for (const auto& [key, value] : f.props)
        if (key != "kind") sums[key] += std::stoull(value);
    }
    EXPECT_EQ(sums, (std::map<std::string, std::uint64_t>{{"count", 5},
                                                          {"status_open", 3},
                                                          {"status_pledged", 2},
                                                          {"status_delivered", 0},
                                                          {"program_pangan", 3},
                                                          {"program_umkm", 1},
                                                          {"program_pendidikan", 1},
                                                          {"program_persampahan", 0},
                                                          {"program_permukiman", 0},
                                                          {"program_ketenagakerjaan", 0}}))
        << "zoom " << z;
  }
}

TEST_F(TargetLayer, ProgramRestrictsTargetsAndClusterCounts) {
  std::set<std::string> ids;
  for (const shown_feature& f : features_at(16, {mode::exact}, "pangan"))
    ids.insert(f.props.at("id"));
  EXPECT_EQ(ids, (std::set<std::string>{"T01", "T03", "T05"}));
  const std::vector<shown_feature> clusters = features_at(12, {mode::coarse}, "umkm");
  ASSERT_EQ(clusters.size(), 1u);
  EXPECT_EQ(clusters[0].props, (properties{{"kind", "cluster"},
                                           {"count", "1"},
                                           {"status_open", "1"},
                                           {"status_pledged", "0"},
                                           {"status_delivered", "0"},
                                           {"program_umkm", "1"}}));
}

TEST_F(TargetLayer, AnonymousCallersSeeOnlyCountsPerRwIncludingUnlocatedTargets) {
  for (std::uint32_t z : {10u, 14u, 17u}) {
    std::map<std::string, properties> by_rw;
    for (const shown_feature& f : features_at(z, {mode::counts_per_rw})) {
      EXPECT_FALSE(f.props.contains("id"));
      EXPECT_EQ(f.props.at("kind"), "rw");
      EXPECT_TRUE(by_rw.emplace(f.props.at("code"), f.props).second);
    }
    ASSERT_EQ(by_rw.size(), 2u) << "zoom " << z;
    for (const auto& [code, props] : by_rw) {
      const geo::coverage c = *m_engine->coverage_of(code);
      EXPECT_EQ(props.at("count"), std::to_string(c.targets)) << code;
      EXPECT_EQ(props.at("status_open"), std::to_string(c.targets - c.pledged)) << code;
    }
    // RW 002 holds T02, T03 and the unlocated T06 declared there.
    EXPECT_EQ(by_rw.at("3171010001002").at("count"), "3");
  }
}

TEST_F(TargetLayer, ShowsAStatusChangeAndNamesTheRwItDependsOn) {
  const geo::target& t04 = *m_engine->find_target("T04");
  const tiles::tile_id tile{16, 0, 0};
  const std::vector<tile_source> sources{tile_source::targets};
  const std::string t04_cell = cell_text(*t04.lon, *t04.lat);
  tiles::tile_id t04_tile = tile;
  for (const shown_feature& f : features_at(16, {mode::coarse}))
    if (f.props.at("cell") == t04_cell) t04_tile = f.tile;
  ASSERT_NE(t04_tile, tile);
  const auto before = m_builder->build_tile(t04_tile, sources, std::nullopt, {mode::coarse});
  ASSERT_FALSE(before.shown.empty());
  EXPECT_NE(
      std::find(before.shown.begin(), before.shown.end(), m_engine->find_area("3171010001001")),
      before.shown.end());
  m_engine->set_status(t04, geo::target_status::delivered);
  std::string delivered;
  for (const shown_feature& f : features_at(16, {mode::coarse}))
    if (f.props.at("cell") == t04_cell) delivered = f.props.at("status_delivered");
  EXPECT_EQ(delivered, "1");
  const auto after = m_builder->build_tile(t04_tile, sources, std::nullopt, {mode::coarse});
  EXPECT_NE(std::find(after.shown.begin(), after.shown.end(), m_engine->find_area("3171010001001")),
            after.shown.end());
}

TEST_F(TargetLayer, ReadsBackInGdal) {
  std::optional<tiles::tile_id> t01_tile;
  for (const shown_feature& f : features_at(16, {mode::exact}))
    if (f.props.at("id") == "T01") t01_tile = f.tile;
  ASSERT_TRUE(t01_tile);
  const std::filesystem::path dir = std::filesystem::path(m_dir / "gdal") /
                                    std::to_string(t01_tile->z) / std::to_string(t01_tile->x);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / (std::to_string(t01_tile->y) + ".pbf")).string();
  std::ofstream(path, std::ios::binary) << m_builder->build(
      *t01_tile, std::vector<tile_source>{tile_source::targets}, std::nullopt, {mode::exact});
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(
      popen(("ogrinfo -ro -al " + path + " 2>&1").c_str(), "r"), pclose);
  std::string report;
  char buffer[4096];
  while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe.get()))
    report.append(buffer, n);
  EXPECT_NE(report.find("Layer name: targets"), std::string::npos) << report;
  EXPECT_NE(report.find("Geometry: Point"), std::string::npos) << report;
  EXPECT_NE(report.find("id (String) = T01"), std::string::npos) << report;
  EXPECT_NE(report.find("status (String) = pledged"), std::string::npos) << report;
}

}  // namespace
