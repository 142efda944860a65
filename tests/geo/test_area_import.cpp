#include "geo/import/area_import.hpp"

#include <gdal.h>
#include <gdal_utils.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "geo/error.hpp"
#include "geo/geos/geos_context.hpp"
#include "geo/import/proj_context.hpp"
#include "geo/store/sqlite_db.hpp"
#include "geo/store/sqlite_statement.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

const std::string data_dir = SASARAN_TEST_DATA;
const std::string faults_path = data_dir + "/rw-7features-one-of-each-fault.geojson";
const std::string kelurahan_path =
    data_dir + "/kelurahan-4squares-2kecamatan-one-name-disagrees.geojson";

using test_support::temp_dir;

// Copies a vector source into another format with GDAL's ogr2ogr (library form); with
// `layer`, adds it to the existing `to` as a layer of that name.
void translate(const std::string& from, const std::string& to, const char* format,
               const char* layer = nullptr) {
  GDALAllRegister();
  GDALDatasetH source = GDALOpenEx(from.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
  ASSERT_NE(source, nullptr) << from;
  char* create[] = {const_cast<char*>("-f"), const_cast<char*>(format), nullptr};
  char* add[] = {const_cast<char*>("-nln"), const_cast<char*>(layer), nullptr};
  GDALVectorTranslateOptions* options =
      GDALVectorTranslateOptionsNew(layer ? add : create, nullptr);
  GDALDatasetH target =
      layer ? GDALOpenEx(to.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr)
            : nullptr;
  GDALDatasetH out =
      GDALVectorTranslate(target ? nullptr : to.c_str(), target, 1, &source, options, nullptr);
  GDALVectorTranslateOptionsFree(options);
  GDALClose(source);
  ASSERT_NE(out, nullptr) << to;
  GDALClose(out);
}

// A Shapefile copy of `from` without its .prj: a source that carries no CRS.
std::string shapefile_without_crs(const temp_dir& dir, const std::string& from) {
  const std::string shp = dir / "rw.shp";
  translate(from, shp, "ESRI Shapefile");
  fs::remove(dir / "rw.prj");
  return shp;
}

geo::area_layer_spec rw_spec(const std::string& path) {
  geo::area_layer_spec spec;
  spec.layer = "rw";
  spec.path = path;
  spec.level = geo::admin_level::rw;
  spec.code = geo::code_rule::parse("KODE_KEL+RW:3");
  spec.parent = geo::code_rule::parse("KODE_KEL");
  return spec;
}

geo::area_layer_spec kelurahan_spec(const std::string& path) {
  geo::area_layer_spec spec;
  spec.layer = "kelurahan";
  spec.path = path;
  spec.level = geo::admin_level::kelurahan;
  spec.code = geo::code_rule::parse("village_code", "id");
  spec.name = geo::code_rule::parse("village");
  spec.parent = geo::code_rule::parse("district_code", "id");
  return spec;
}

class AreaImport : public ::testing::Test {
 protected:
  std::vector<geo::area_candidate> read(const geo::area_layer_spec& spec) {
    return geo::read_area_layer(spec, m_geos, m_proj, m_progress, m_stop);
  }

  std::string error_reading(const geo::area_layer_spec& spec) {
    try {
      read(spec);
    } catch (const geo::input_error& e) {
      return e.what();
    }
    return "no error";
  }

  // Feature `number` (1-based, as in messages) of the fixture with one of each fault.
  const geo::area_candidate& fault_feature(std::size_t number) {
    m_faults = read(rw_spec(faults_path));
    return m_faults.at(number - 1);
  }

  geo::geos_context m_geos;
  geo::proj_context m_proj;
  geo::silent_progress m_progress;
  geo::stop_token m_stop;
  std::vector<geo::area_candidate> m_faults;
};

// Area of the 0.01 degree square at -6.2 (see test_geodesic.cpp for where it comes from).
constexpr double square_m2 = 1223909.999175;

TEST_F(AreaImport, KeepsCleanSquareWithCodeParentAndGeodesicArea) {
  const auto candidates = read(rw_spec(faults_path));
  ASSERT_EQ(candidates.size(), 7u);
  const geo::area_candidate& c = candidates[0];
  EXPECT_EQ(c.verdict.result(), geo::outcome::clean);
  EXPECT_EQ(c.row, 1u);
  EXPECT_EQ(c.key, "3171010001001");
  EXPECT_EQ(c.record.code, "3171010001001");
  EXPECT_EQ(c.record.parent_code, "3171010001");
  EXPECT_EQ(c.record.level, geo::admin_level::rw);
  EXPECT_EQ(c.record.layer, "rw");
  EXPECT_EQ(c.record.box, (geo::bbox{106.80, -6.20, 106.81, -6.19}));
  EXPECT_NEAR(c.record.area_m2, square_m2, square_m2 * 1e-6);
  EXPECT_EQ(c.raw, "KODE_KEL=3171010001; RW=1; NOTE=clean square");
  EXPECT_TRUE(c.geometry);
}

TEST_F(AreaImport, RepairsBowtieAndReportsGeosReason) {
  const geo::area_candidate& c = fault_feature(2);
  EXPECT_EQ(c.verdict.result(), geo::outcome::repaired);
  EXPECT_EQ(c.verdict.reason(), "invalid_geometry");
  EXPECT_EQ(c.verdict.message(), "repaired with MakeValid: Self-intersection[106.815 -6.195]");
  EXPECT_EQ(c.shape.size(), 2u);  // the two triangles of the bowtie
  EXPECT_NEAR(c.record.area_m2, square_m2 / 2, square_m2 * 1e-4);
}

TEST_F(AreaImport, RejectsFeatureWithoutGeometry) {
  const geo::area_candidate& c = fault_feature(3);
  EXPECT_EQ(c.verdict.result(), geo::outcome::rejected);
  EXPECT_EQ(c.verdict.reason(), "no_geometry");
  EXPECT_EQ(c.verdict.message(), "feature has no geometry");
  EXPECT_FALSE(c.geometry);
}

TEST_F(AreaImport, RejectsLineString) {
  const geo::area_candidate& c = fault_feature(4);
  EXPECT_EQ(c.verdict.result(), geo::outcome::rejected);
  EXPECT_EQ(c.verdict.reason(), "not_areal");
  EXPECT_EQ(c.verdict.message(), "geometry is a LineString, not a Polygon or MultiPolygon");
}

TEST_F(AreaImport, RejectsLatitudeAbove90NamingIt) {
  const geo::area_candidate& c = fault_feature(5);
  EXPECT_EQ(c.verdict.result(), geo::outcome::rejected);
  EXPECT_EQ(c.verdict.reason(), "not_lon_lat");
  EXPECT_EQ(c.verdict.message(), "coordinates cannot be lon/lat: latitude 106 is above 90");
}

// Found by tests/fuzz/fuzz_area_import: GEOS bounds a polygon by its shell, so a hole reaching
// longitude 81061.5 passed the lon/lat check, and MakeValid made it part of the kept area.
TEST_F(AreaImport, RejectsPolygonWithAHoleOutsideLonLatNamingTheCoordinate) {
  const auto candidates =
      read(rw_spec(data_dir + "/rw-1square-with-hole-reaching-longitude-81061.geojson"));
  ASSERT_EQ(candidates.size(), 1u);
  const geo::area_candidate& c = candidates[0];
  EXPECT_EQ(c.verdict.result(), geo::outcome::rejected);
  EXPECT_EQ(c.verdict.reason(), "not_lon_lat");
  EXPECT_EQ(c.verdict.message(), "coordinates cannot be lon/lat: longitude 81061.5 is above 180");
  EXPECT_FALSE(c.geometry);
}

TEST_F(AreaImport, RejectsFeatureWhoseCodeAttributesAreEmpty) {
  const geo::area_candidate& c = fault_feature(6);
  EXPECT_EQ(c.verdict.result(), geo::outcome::rejected);
  EXPECT_EQ(c.verdict.reason(), "no_code");
  EXPECT_EQ(c.verdict.message(), "no code: attributes KODE_KEL, RW are empty");
  EXPECT_EQ(c.key, "");
}

TEST_F(AreaImport, RejectsDuplicateCodeNamingTheFirstFeature) {
  const geo::area_candidate& c = fault_feature(7);
  EXPECT_EQ(c.verdict.result(), geo::outcome::rejected);
  EXPECT_EQ(c.verdict.reason(), "duplicate");
  EXPECT_EQ(c.verdict.message(), "duplicate of feature 1");
  EXPECT_EQ(c.key, "3171010001001");
}

TEST_F(AreaImport, SharingGeometryChecksBetweenThreadsGivesTheSameCandidates) {
  const auto alone = read(rw_spec(faults_path));
  geo::thread_context a, b, c;
  const std::vector<geo::thread_context*> three = {&a, &b, &c};
  const auto shared = geo::read_area_layer(rw_spec(faults_path), three, m_progress, m_stop);
  ASSERT_EQ(shared.size(), alone.size());
  for (std::size_t i = 0; i < alone.size(); ++i) {
    EXPECT_EQ(shared[i].verdict.result(), alone[i].verdict.result()) << i;
    EXPECT_EQ(shared[i].verdict.message(), alone[i].verdict.message()) << i;
    EXPECT_EQ(shared[i].record.wkb, alone[i].record.wkb) << i;
    EXPECT_EQ(shared[i].record.area_m2, alone[i].record.area_m2) << i;
    EXPECT_FALSE(shared[i].source_wkb) << i;
  }
}

TEST_F(AreaImport, CountsEveryFeatureAndKeepsTheAccepted) {
  const auto candidates = read(rw_spec(faults_path));
  geo::layer_report report;
  geo::count_area_layer(candidates, report);
  const std::vector<geo::area> kept = geo::kept_areas(candidates);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].code, "3171010001001");
  EXPECT_EQ(kept[1].code, "3171010001002");
  EXPECT_EQ(report.read, 7u);
  EXPECT_EQ(report.count(geo::outcome::clean), 1u);
  EXPECT_EQ(report.count(geo::outcome::repaired), 1u);
  EXPECT_EQ(report.count(geo::outcome::rejected), 5u);
  EXPECT_EQ(report.issues.size(), 6u);
  EXPECT_EQ(report.issues[5].row, 7u);
}

// Expected corners from `cs2cs EPSG:32748 EPSG:4326 -f %.9f` of the four corners
// (700000..701000, 9314000..9315000).
TEST_F(AreaImport, ReprojectsUtm48sToLonLat) {
  const auto candidates = read(rw_spec(data_dir + "/rw-1square-utm48s.geojson"));
  ASSERT_EQ(candidates.size(), 1u);
  const geo::bbox& box = candidates[0].record.box;
  EXPECT_EQ(candidates[0].verdict.result(), geo::outcome::clean);
  EXPECT_NEAR(box.min_x, 106.807538527, 1e-6);
  EXPECT_NEAR(box.max_x, 106.816604083, 1e-6);
  EXPECT_NEAR(box.min_y, -6.203129486, 1e-6);
  EXPECT_NEAR(box.max_y, -6.194056898, 1e-6);
}

TEST_F(AreaImport, AcceptsSourceWithoutCrsWhenCoordinatesAreLonLat) {
  const temp_dir dir;
  const auto candidates = read(rw_spec(
      shapefile_without_crs(dir, data_dir + "/rw-2halves-of-kelurahan-3171010001.geojson")));
  ASSERT_EQ(candidates.size(), 2u);
  EXPECT_EQ(candidates[1].verdict.result(), geo::outcome::clean);
  EXPECT_EQ(candidates[1].record.code, "3171010001002");
  EXPECT_EQ(candidates[1].record.box, (geo::bbox{106.81, -6.20, 106.82, -6.18}));
}

TEST_F(AreaImport, RefusesSourceWithoutCrsWhenCoordinatesAreMetres) {
  const temp_dir dir;
  const std::string shp = shapefile_without_crs(dir, data_dir + "/rw-1square-utm48s.geojson");
  EXPECT_EQ(error_reading(rw_spec(shp)),
            "layer 'rw' (" + shp +
                ") has no CRS and its coordinates are not longitude/latitude (latitude 9.315e+06 "
                "is above 90); give the file its CRS (e.g. a .prj) or reproject it to EPSG:4326");
}

TEST_F(AreaImport, ReadsGzipCompressedGeoJson) {
  const auto plain = read(kelurahan_spec(kelurahan_path));
  const auto gzipped = read(kelurahan_spec(kelurahan_path + ".gz"));
  ASSERT_EQ(gzipped.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(gzipped[i].record.code, plain[i].record.code);
    EXPECT_EQ(gzipped[i].record.wkb, plain[i].record.wkb);
  }
  EXPECT_EQ(gzipped[3].record.code, "3171020002");
  EXPECT_EQ(gzipped[3].record.name, "Karet Tengsin");
  EXPECT_EQ(gzipped[3].record.parent_code, "3171020");
}

TEST_F(AreaImport, ReadsGeoPackage) {
  const temp_dir dir;
  const std::string gpkg = dir / "kelurahan.gpkg";
  translate(kelurahan_path, gpkg, "GPKG");
  const auto candidates = read(kelurahan_spec(gpkg));
  ASSERT_EQ(candidates.size(), 4u);
  EXPECT_EQ(candidates[1].verdict.result(), geo::outcome::clean);
  EXPECT_EQ(candidates[1].record.code, "3171010002");
  EXPECT_EQ(candidates[1].record.box, (geo::bbox{106.82, -6.20, 106.84, -6.18}));
}

TEST_F(AreaImport, RefusesRuleNamingAMissingAttributeListingTheLayersAttributes) {
  geo::area_layer_spec spec = rw_spec(faults_path);
  spec.name = geo::code_rule::parse("NAMA_RW");
  EXPECT_EQ(error_reading(spec), "layer 'rw' (" + faults_path +
                                     "): no attribute 'NAMA_RW' (it has: KODE_KEL, RW, NOTE)");
}

TEST_F(AreaImport, ShapefileShorterThanItsIndexSaysFailsNamingFileLayerAndFeature) {
  const temp_dir dir;
  const std::string shp = dir / "rw.shp";
  translate(data_dir + "/rw-2halves-of-kelurahan-3171010001.geojson", shp, "ESRI Shapefile");
  fs::resize_file(shp, fs::file_size(shp) - 8);  // the second record loses its last 8 bytes
  // GDAL numbers shapes from 0: its shape 1 is our feature 2.
  EXPECT_EQ(error_reading(rw_spec(shp)),
            "'" + shp +
                "' layer 'rw': cannot read feature 2: Sanity check failed when trying to recover "
                "from inconsistent .shx/.shp with shape 1");
}

TEST_F(AreaImport, GeoPackageWithADamagedTablePageFailsNamingFileLayerAndFeature) {
  const temp_dir dir;
  const std::string gpkg = dir / "rw.gpkg";
  translate(faults_path, gpkg, "GPKG");
  std::int64_t page = 0;
  {
    geo::sqlite_db db(gpkg);
    geo::sqlite_statement root = db.prepare(
        "SELECT rootpage FROM sqlite_master WHERE name = 'rw-7features-one-of-each-fault'");
    ASSERT_TRUE(root.step());
    page = root.column_int(0);
  }
  std::fstream f(gpkg, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp((page - 1) * 4096);  // GDAL writes GeoPackages with 4 KiB pages
  const std::string garbage(4096, '\x5a');
  f.write(garbage.data(), 4096);
  f.close();
  EXPECT_EQ(error_reading(rw_spec(gpkg)),
            "'" + gpkg +
                "' layer 'rw-7features-one-of-each-fault': cannot read feature 1: In "
                "GetNextRawFeature(): sqlite3_step() : database disk image is malformed");
}

TEST_F(AreaImport, SourceHoldingFewerFeaturesThanItRecordsFails) {
  const temp_dir dir;
  const std::string gpkg = dir / "rw.gpkg";
  translate(data_dir + "/rw-2halves-of-kelurahan-3171010001.geojson", gpkg, "GPKG");
  geo::sqlite_db(gpkg).exec("UPDATE gpkg_ogr_contents SET feature_count = 3");
  EXPECT_EQ(error_reading(rw_spec(gpkg)),
            "'" + gpkg +
                "' layer 'rw-2halves-of-kelurahan-3171010001': records 3 features, but 2 "
                "were read: the source is damaged or changed while being read");
}

TEST_F(AreaImport, MultiLayerSourceIsReadFromTheLayerNamedAndRefusedWithoutOne) {
  const temp_dir dir;
  const std::string gpkg = dir / "two.gpkg";
  translate(faults_path, gpkg, "GPKG");
  translate(data_dir + "/rw-2halves-of-kelurahan-3171010001.geojson", gpkg, "GPKG", "halves");
  geo::area_layer_spec spec = rw_spec(gpkg);
  EXPECT_EQ(error_reading(spec),
            "'" + gpkg +
                "' holds 2 layers ('rw-7features-one-of-each-fault', 'halves'); name "
                "the one to read with --source-layer (\"source_layer\" in a dataset description)");
  spec.source_layer = "rw";
  EXPECT_EQ(error_reading(spec), "'" + gpkg +
                                     "' has no layer 'rw' (it has: "
                                     "'rw-7features-one-of-each-fault', 'halves')");
  spec.source_layer = "halves";
  const auto candidates = read(spec);
  ASSERT_EQ(candidates.size(), 2u);
  EXPECT_EQ(candidates[1].record.code, "3171010001002");
}

TEST_F(AreaImport, RefusesMissingFileNamingIt) {
  const std::string path = data_dir + "/no-such-rw.geojson";
  EXPECT_TRUE(
      error_reading(rw_spec(path)).starts_with("cannot open '" + path + "' as a vector source: "));
}

TEST_F(AreaImport, SaysTheFileDoesNotExist) {
  const std::string path = data_dir + "/no-such-rw.geojson";
  EXPECT_EQ(error_reading(rw_spec(path)),
            "cannot open '" + path + "' as a vector source: No such file or directory");
}

}  // namespace
