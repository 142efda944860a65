#include "tiles/tile_builder.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>

#include "geo/import/dataset_description.hpp"
#include "geo/import/importer.hpp"
#include "geo/store/spatialite_store.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/tiles/mvt_decoder.hpp"
#include "tiles/error.hpp"

namespace {

using tiles::tile_source;

// The tiny dataset: four kelurahan squares 0.02 degree wide (106.80..106.84, -6.22..-6.18),
// 3171010001 split into RW 001 and 002 and four RTs; targets T01..T05 located, T06 not.
// Tile 12/3263/2118 holds all of it; 14/13052/8474 holds the west of RW 001 (RTs 001001 and
// 001002, targets T01 and T04).
class TileBuilder : public ::testing::Test {
 protected:
  TileBuilder() : m_store(m_dir / "sasaran.db") {
    geo::silent_progress progress;
    geo::importer importer(m_store, progress);
    importer.import_dataset(geo::load_dataset_description(
        std::string(SASARAN_TEST_DATA) + "/dataset-tiny.json", SASARAN_TEST_DATA));
    m_engine = std::make_unique<geo::engine>(m_store);
    m_builder = std::make_unique<tiles::tile_builder>(*m_engine);
  }

  // ogrinfo's report of the tile written as …/z/x/y.pbf (GDAL's MVT driver then reads it in
  // EPSG:3857): an independent reader of what we wrote.
  std::string ogrinfo(const tiles::tile_id& tile, const std::string& bytes) {
    const std::filesystem::path dir =
        std::filesystem::path(m_dir / "tiles") / std::to_string(tile.z) / std::to_string(tile.x);
    std::filesystem::create_directories(dir);
    const std::string path = (dir / (std::to_string(tile.y) + ".pbf")).string();
    std::ofstream(path, std::ios::binary) << bytes;
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(
        popen(("ogrinfo -ro -al " + path + " 2>&1").c_str(), "r"), pclose);
    std::string out;
    char buffer[4096];
    while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe.get()))
      out.append(buffer, n);
    return out;
  }

  static std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
      ++n;
    return n;
  }

  test_support::temp_dir m_dir;
  geo::spatialite_store m_store;
  std::unique_ptr<geo::engine> m_engine;
  std::unique_ptr<tiles::tile_builder> m_builder;
};

const tiles::tile_id all_of_it{12, 3263, 2118};
const tiles::tile_id t01_corner{14, 13052, 8474};

TEST_F(TileBuilder, WritesOneLayerPerSourceInTheOrderAsked) {
  const std::vector<tile_source> sources{tile_source::rw, tile_source::kelurahan};
  const auto layers = test_support::decode_tile(m_builder->build(all_of_it, sources));
  ASSERT_EQ(layers.size(), 2u);
  EXPECT_EQ(layers[0].name, "rw");
  EXPECT_EQ(layers[0].features.size(), 2u);
  EXPECT_EQ(layers[1].name, "kelurahan");
  EXPECT_EQ(layers[1].features.size(), 4u);
  EXPECT_EQ(layers[1].features[0].id, 3171010001u);
  EXPECT_EQ(layers[1].version, 2u);
  EXPECT_EQ(layers[1].extent, 4096u);
}

TEST_F(TileBuilder, ReturnsNothingForAnEmptyTile) {
  const std::vector<tile_source> all{tile_source::kelurahan, tile_source::rw, tile_source::rt};
  EXPECT_EQ(m_builder->build({12, 0, 0}, all), "");
  const std::vector<tile_source> rt{tile_source::rt};
  EXPECT_EQ(m_builder->build(all_of_it, rt), "");  // RTs start at zoom 14
  const auto layers = test_support::decode_tile(m_builder->build(t01_corner, rt));
  ASSERT_EQ(layers.size(), 1u);
  EXPECT_EQ(layers[0].features.size(), 2u);  // RT 001001 and 001002
}

TEST_F(TileBuilder, RefusesAnUnknownProgram) {
  const std::vector<tile_source> sources{tile_source::rw};
  try {
    m_builder->build(all_of_it, sources, "beras");
    FAIL() << "no error";
  } catch (const tiles::parameter_error& e) {
    EXPECT_STREQ(e.what(), "program 'beras' is not a known program");
  }
}

TEST_F(TileBuilder, FindsCandidateAreasByBox) {
  std::vector<std::string> codes;
  for (const geo::area* a : m_builder->areas_in(t01_corner, tile_source::rt))
    codes.push_back(a->code);
  EXPECT_EQ(codes, (std::vector<std::string>{"3171010001001001", "3171010001001002"}));
}

TEST_F(TileBuilder, ReadsBackInGdalWithLayersFeaturesAndProperties) {
  const std::vector<tile_source> sources{tile_source::kelurahan, tile_source::rw};
  const std::string report = ogrinfo(all_of_it, m_builder->build(all_of_it, sources));
  EXPECT_NE(report.find("Layer name: kelurahan"), std::string::npos) << report;
  EXPECT_NE(report.find("Layer name: rw"), std::string::npos) << report;
  EXPECT_EQ(occurrences(report, "OGRFeature(kelurahan)"), 4u) << report;
  EXPECT_EQ(occurrences(report, "OGRFeature(rw)"), 2u) << report;
  EXPECT_NE(report.find("name (String) = Kebon Kelapa"), std::string::npos) << report;
  EXPECT_NE(report.find("kecamatan (String) = Gambir"), std::string::npos) << report;
  EXPECT_NE(report.find("kota (String) = Jakarta Pusat"), std::string::npos) << report;
  EXPECT_NE(report.find("kelurahan (String) = 3171010001"), std::string::npos) << report;
  EXPECT_NE(report.find("pledged_ratio (Real) = 0.4"), std::string::npos) << report;
  EXPECT_EQ(occurrences(report, "POLYGON (("), 6u) << report;
  EXPECT_EQ(report.find("ERROR"), std::string::npos) << report;
}

TEST_F(TileBuilder, ShowsCoverageAsTheEngineHasItNowAndPerProgram) {
  const std::vector<tile_source> sources{tile_source::rw};
  const std::string before = ogrinfo(t01_corner, m_builder->build(t01_corner, sources));
  EXPECT_NE(before.find("pledged (Integer) = 1"), std::string::npos) << before;
  m_engine->set_status(*m_engine->find_target("T04"), geo::target_status::pledged);
  const std::string after = ogrinfo(t01_corner, m_builder->build(t01_corner, sources));
  EXPECT_NE(after.find("pledged (Integer) = 2"), std::string::npos) << after;
  const std::string umkm = ogrinfo(t01_corner, m_builder->build(t01_corner, sources, "umkm"));
  EXPECT_NE(umkm.find("targets (Integer) = 1"), std::string::npos) << umkm;
}

TEST_F(TileBuilder, WritesValidGeometryAndEveryAreaAtEveryZoomOverTheDataset) {
  const std::vector<tile_source> all{tile_source::kelurahan, tile_source::rw, tile_source::rt};
  std::size_t features = 0;
  for (std::uint32_t z = 0; z <= 17; ++z) {
    std::map<std::string, std::set<std::uint64_t>> shown;  // feature ids by layer
    const double n = std::ldexp(1.0, static_cast<int>(z));
    const auto x_of = [&](double lon) { return static_cast<std::uint32_t>((lon + 180) / 360 * n); };
    const auto y_of = [&](double lat) {
      const double phi = lat * 3.14159265358979323846 / 180;
      return static_cast<std::uint32_t>(
          (1 - std::log(std::tan(phi) + 1 / std::cos(phi)) / 3.14159265358979323846) / 2 * n);
    };
    for (std::uint32_t x = x_of(106.80); x <= x_of(106.84); ++x)
      for (std::uint32_t y = y_of(-6.18); y <= y_of(-6.22); ++y)
        for (const auto& layer : test_support::decode_tile(m_builder->build({z, x, y}, all)))
          for (const auto& f : layer.features) {
            ++features;
            shown[layer.name].insert(f.id);
            EXPECT_EQ(test_support::polygon_geometry_problem(f.geometry), "")
                << layer.name << " " << f.id << " in " << z << "/" << x << "/" << y;
          }
    EXPECT_EQ(shown["kelurahan"].size(), 4u) << "zoom " << z;
    EXPECT_EQ(shown["rw"].size(), 2u) << "zoom " << z;
    EXPECT_EQ(shown["rt"].size(), z >= 14 ? 4u : 0u) << "zoom " << z;
  }
  EXPECT_GT(features, 100u);
}

}  // namespace

namespace {

const tiles::tile_source every_area[] = {tiles::tile_source::kelurahan, tiles::tile_source::rw,
                                         tiles::tile_source::rt};

TEST_F(TileBuilder, ABuilderForReloadedDataTakesOverThePreparedShapesAndOutlivesTheOldEngine) {
  m_builder->prepare_zooms(0, tiles::max_zoom);
  auto engine = std::make_unique<geo::engine>(m_store);
  tiles::tile_builder next(*engine, nullptr, m_builder.get());
  EXPECT_EQ(next.zooms_prepared(), tiles::max_zoom + 1);  // taken over, not computed again
  const std::string before = m_builder->build(t01_corner, every_area);
  m_builder.reset();
  m_engine.reset();  // the old engine's shapes are gone; the shared simplified ones remain
  EXPECT_EQ(next.build(t01_corner, every_area), before);
  EXPECT_EQ(next.build(all_of_it, every_area),
            tiles::tile_builder(*engine).build(all_of_it, every_area));
}

TEST_F(TileBuilder, ABuilderForReloadedDataComputesItsOwnShapesWhenThePreviousAreNotAllPrepared) {
  m_builder->prepare_zooms(0, 5);
  tiles::tile_builder next(*m_engine, nullptr, m_builder.get());
  EXPECT_EQ(next.zooms_prepared(), 0u);
}

}  // namespace
