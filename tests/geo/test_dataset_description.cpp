#include "geo/import/dataset_description.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "geo/error.hpp"

namespace {

namespace fs = std::filesystem;

const std::string data_dir = SASARAN_TEST_DATA;

// A description written to a file of its own for one test, removed afterwards.
class description_file {
 public:
  explicit description_file(const std::string& json) {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    m_path = (fs::temp_directory_path() / ("sasaran-" + std::to_string(::getpid()) + "-" +
                                           test->test_suite_name() + "-" + test->name() + ".json"))
                 .string();
    std::ofstream(m_path) << json;
  }
  ~description_file() { fs::remove(m_path); }
  const std::string& path() const { return m_path; }

 private:
  std::string m_path;
};

// The error of loading `json` with "/datasets" as root, with the file's path replaced by PATH.
std::string error_loading(const std::string& json) {
  const description_file file(json);
  try {
    geo::load_dataset_description(file.path(), "/datasets");
  } catch (const geo::input_error& e) {
    std::string message = e.what();
    if (message.starts_with(file.path())) message.replace(0, file.path().size(), "PATH");
    return message;
  }
  return "no error";
}

TEST(DatasetDescription, ResolvesFilesAgainstTheDatasetsRoot) {
  const geo::dataset_description d =
      geo::load_dataset_description(data_dir + "/dataset-tiny.json", "/datasets");
  EXPECT_EQ(d.name, "tiny");
  ASSERT_EQ(d.areas.size(), 3u);
  EXPECT_EQ(d.areas[1].path, "/datasets/rw-2halves-of-kelurahan-3171010001.geojson");
  EXPECT_EQ(d.targets, "/datasets/targets-15rows-one-of-each-outcome.csv");
  EXPECT_EQ(d.pledges, "/datasets/pledges-15rows-one-of-each-rejection.csv");
}

TEST(DatasetDescription, ReadsTheSourceLayerOfAnAreaLayer) {
  const description_file file(
      R"({"areas": [{"level": "rw", "file": "rw.gpkg", "source_layer": "rw_2020",
                     "code": "KODE_KEL", "parent": "KODE_KEL"}]})");
  const geo::dataset_description d = geo::load_dataset_description(file.path(), "/datasets");
  ASSERT_EQ(d.areas.size(), 1u);
  EXPECT_EQ(d.areas[0].source_layer, "rw_2020");
  EXPECT_EQ(geo::load_dataset_description(data_dir + "/dataset-tiny.json", "/datasets")
                .areas[0]
                .source_layer,
            "");
}

TEST(DatasetDescription, RefusesASourceLayerThatIsNoName) {
  EXPECT_EQ(error_loading(R"({"areas": [{"level": "rw", "file": "rw.gpkg", "source_layer": 2,
                                         "code": "KODE_KEL", "parent": "KODE_KEL"}]})"),
            "PATH: areas[0].source_layer: expected the name of a layer of the file");
}

TEST(DatasetDescription, KeepsAbsolutePaths) {
  const description_file file(R"({"targets": "/srv/targets.csv"})");
  EXPECT_EQ(geo::load_dataset_description(file.path(), "/datasets").targets, "/srv/targets.csv");
}

TEST(DatasetDescription, ReadsFieldPrefixPadAndTextParts) {
  const geo::dataset_description d =
      geo::load_dataset_description(data_dir + "/dataset-tiny.json", data_dir);
  const auto& name = d.areas[1].name.parts();
  ASSERT_EQ(name.size(), 4u);
  EXPECT_EQ(name[0].text, "RW ");
  EXPECT_EQ(name[1].field, "RW");
  EXPECT_EQ(name[1].pad, 3u);
  EXPECT_EQ(name[3].field, "NAMA_KEL");
  EXPECT_EQ(d.areas[0].code.parts()[0].strip_prefix, "id");
  EXPECT_EQ(d.areas[0].level, geo::admin_level::kelurahan);
}

TEST(DatasetDescription, OrdersDerivedLevelsUpwardsKecamatanFirst) {
  const description_file file(R"({"areas": [{"level": "kelurahan", "file": "k.geojson",
    "code": "KODE", "parent": "KEC",
    "derive": {"kota": {"name": "KOTA"}, "kecamatan": {"name": "KECAMATAN"}}}]})");
  const geo::dataset_description d = geo::load_dataset_description(file.path(), "/datasets");
  ASSERT_EQ(d.areas[0].derive.size(), 2u);
  EXPECT_EQ(d.areas[0].derive[0].level, geo::admin_level::kecamatan);
  EXPECT_EQ(d.areas[0].derive[0].name.fields(), (std::vector<std::string>{"KECAMATAN"}));
  EXPECT_EQ(d.areas[0].derive[1].level, geo::admin_level::kota);
}

TEST(DatasetDescription, NamesLayerAfterItsLevelByDefault) {
  const description_file file(
      R"({"areas": [{"level": "rt", "file": "rt.geojson", "code": "KODE", "parent": "RW"}]})");
  EXPECT_EQ(geo::load_dataset_description(file.path(), "/datasets").areas[0].layer, "rt");
}

TEST(DatasetDescription, RefusesUnknownLevel) {
  EXPECT_EQ(error_loading(R"({"areas": [{"level": "desa", "file": "a", "code": "C"}]})"),
            "PATH: areas[0]: level must be one of kota, kecamatan, kelurahan, rw, rt");
}

TEST(DatasetDescription, RefusesLayerWithoutFile) {
  EXPECT_EQ(error_loading(R"({"areas": [{"level": "kota", "code": "C"}]})"),
            "PATH: areas[0].file: expected a file path relative to the datasets folder");
}

TEST(DatasetDescription, RefusesLayerWithoutCodeRule) {
  EXPECT_EQ(error_loading(R"({"areas": [{"level": "kota", "file": "a"}]})"),
            "PATH: areas[0].code: a code rule is required");
}

TEST(DatasetDescription, RefusesLayerBelowKotaWithoutParentRule) {
  EXPECT_EQ(error_loading(R"({"areas": [{"level": "rw", "file": "a", "code": "C"}]})"),
            "PATH: areas[0].parent: a parent code rule is required below kota");
}

TEST(DatasetDescription, RefusesRulePartOfAnotherShape) {
  EXPECT_EQ(error_loading(R"({"areas": [{"level": "kota", "file": "a", "code": [5]}]})"),
            "PATH: areas[0].code: expected \"FIELD\", {\"field\": ...} or {\"text\": ...}, got 5");
}

TEST(DatasetDescription, RefusesTextThatIsNotJson) {
  EXPECT_TRUE(error_loading("{\"areas\": [").starts_with("PATH: not valid JSON: "));
}

TEST(DatasetDescription, NamesMissingDescriptionFile) {
  const std::string path = data_dir + "/no-such-description.json";
  try {
    geo::load_dataset_description(path, data_dir);
    FAIL() << "no error";
  } catch (const geo::input_error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot open '" + path + "': No such file or directory");
  }
}

// Found by tests/fuzz/fuzz_dataset_description: the importer derived nothing past a gap and
// wrote no kota at all for a kelurahan layer deriving kota alone.
TEST(DatasetDescription, RefusesDerivingALevelThatIsNotTheOneAbove) {
  EXPECT_EQ(error_loading(R"({"areas": [{"level": "kelurahan", "file": "k", "code": "K",
    "parent": "P", "derive": {"kota": {"name": "KOTA"}}}]})"),
            "PATH: areas[0].derive: cannot derive kota from kelurahan; the level above kelurahan "
            "is kecamatan");
  EXPECT_EQ(error_loading(R"({"areas": [{"level": "kelurahan", "file": "k", "code": "K",
    "parent": "P", "derive": {"kecamatan": {}, "rt": {}}}]})"),
            "PATH: areas[0].derive: cannot derive rt from kelurahan; the level above kelurahan "
            "is kecamatan");
  EXPECT_EQ(error_loading(R"({"areas": [{"level": "kota", "file": "k", "code": "K",
    "derive": {"kota": {}}}]})"),
            "PATH: areas[0].derive: cannot derive kota from kota; no level lies above kota");
}

// Found by tests/fuzz/fuzz_dataset_description: the store replaces a layer's areas by name, so
// a kelurahan layer named "kecamatan" lost all its kelurahan to the kecamatan dissolved from it.
TEST(DatasetDescription, RefusesLayerNamedLikeALevelItDerives) {
  EXPECT_EQ(error_loading(R"({"areas": [{"layer": "kecamatan", "level": "kelurahan",
    "file": "k", "code": "K", "parent": "P", "derive": {"kecamatan": {"name": "KEC"}}}]})"),
            "PATH: areas[0].derive.kecamatan: layer name 'kecamatan' is already the name of "
            "areas[0].layer; each layer needs a name of its own");
}

TEST(DatasetDescription, RefusesTwoLayersOfOneName) {
  EXPECT_EQ(error_loading(R"({"areas": [
    {"layer": "rt", "level": "rw", "file": "rw", "code": "C", "parent": "P"},
    {"level": "rt", "file": "rt", "code": "C", "parent": "P"}]})"),
            "PATH: areas[1].layer: layer name 'rt' is already the name of areas[0].layer; each "
            "layer needs a name of its own");
}

TEST(DatasetDescription, RefusesEmptyLayerName) {
  EXPECT_EQ(error_loading(R"({"areas": [{"layer": "", "level": "kota", "file": "k",
    "code": "K"}]})"),
            "PATH: areas[0].layer: expected a name, got \"\"");
}

TEST(DatasetDescription, AcceptsDerivedLevelThatALayerGivesUnderItsName) {
  const description_file file(R"({"areas": [
    {"level": "kelurahan", "file": "k", "code": "K", "parent": "P",
     "derive": {"kecamatan": {"name": "KEC"}}},
    {"level": "kecamatan", "file": "kec", "code": "K", "parent": "P"}]})");
  const geo::dataset_description d = geo::load_dataset_description(file.path(), "/datasets");
  ASSERT_EQ(d.areas.size(), 2u);
  EXPECT_EQ(d.areas[1].layer, "kecamatan");
}

TEST(DatasetDescription, RefusesNegativePad) {
  EXPECT_NE(error_loading(R"({"areas": [{"level": "kota", "file": "a",
    "code": {"field": "KODE", "pad": -1}}]})"),
            "no error");
}

}  // namespace
