// OGC API - Features (/ogc) against a started `sasaran serve` over the Jakarta import, checked
// with our own HTTP client and with GDAL's OAPIF driver as an independent client.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "geo/engine/box_intersection.hpp"
#include "geo/engine/coarse_position.hpp"
#include "geo/engine/engine.hpp"
#include "tests/http/api_test_support.hpp"
#include "tests/http/http_environment.hpp"
#include "tests/support/http_client.hpp"

namespace {

using nlohmann::json;
using test_support::http_environment;
using test_support::http_response;

constexpr std::size_t jakarta_kelurahan = 270, jakarta_rw = 2841, jakarta_rt = 33032;

http_environment& env() {
  return http_environment::get();
}

struct command_result {
  int exit_code;
  std::string out;
};

// Runs a shell command; stdout only (stderr goes to the test log).
command_result run(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  std::array<char, 65536> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
    out.append(buffer.data(), n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// Twice the signed area of a GeoJSON ring, measured here rather than with the server's code:
// positive when counter-clockwise.
double signed_area2(const json& ring) {
  double sum = 0;
  for (std::size_t i = 0; i + 1 < ring.size(); ++i)
    sum += ring[i][0].get<double>() * ring[i + 1][1].get<double>() -
           ring[i + 1][0].get<double>() * ring[i][1].get<double>();
  return sum;
}

class OgcApi : public ::testing::Test {
 protected:
  static std::string url(const std::string& path) { return env().base_url() + path; }

  http_response get(const std::string& path, const std::string& role = "") {
    return m_client.get(url(path), role.empty()
                                       ? test_support::http_headers{}
                                       : test_support::http_headers{env().authorization(role)});
  }

  json get_json(const std::string& path, const std::string& role = "") {
    const http_response r = get(path, role);
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    return r.status == 200 ? json::parse(r.body) : json();
  }

  static std::optional<std::string> link(const json& doc, const std::string& rel) {
    for (const json& l : doc["links"])
      if (l["rel"] == rel) return l["href"].get<std::string>();
    return std::nullopt;
  }

  // Every feature of an area collection, read once by following the next links at 1,000 a
  // page.
  static const std::vector<json>& all_of(const std::string& collection) {
    static std::map<std::string, std::vector<json>> cache;
    if (const auto it = cache.find(collection); it != cache.end()) return it->second;
    test_support::http_client client;
    std::vector<json>& out = cache[collection];
    std::optional<std::string> next = url("/ogc/collections/" + collection + "/items?limit=1000");
    while (next) {
      const json page = json::parse(client.get(*next).body);
      for (const json& f : page["features"])
        out.push_back(f);
      next = link(page, "next");
    }
    return out;
  }
  static const std::vector<json>& all_rw() { return all_of("rw"); }

  // The targets as stored (what the server loaded), by id.
  static const std::map<std::string, geo::target>& stored_targets() {
    static const std::map<std::string, geo::target> targets = [] {
      std::map<std::string, geo::target> out;
      for (geo::target& t : api_test::stored().load_targets())
        out.emplace(t.id, std::move(t));
      return out;
    }();
    return targets;
  }

  test_support::http_client m_client;
};

TEST_F(OgcApi, LandingPageLinksTheApiDefinitionConformanceAndData) {
  const http_response r = get("/ogc");
  EXPECT_EQ(r.header("content-type"), "application/json");
  const json doc = json::parse(r.body);
  for (const char* rel : {"self", "service-desc", "conformance", "data"}) {
    const std::optional<std::string> href = link(doc, rel);
    ASSERT_TRUE(href) << rel;
    EXPECT_TRUE(href->starts_with(env().base_url() + "/ogc")) << *href;
    EXPECT_EQ(m_client.get(*href).status, 200) << *href;
  }
  EXPECT_EQ(get("/ogc/api").header("content-type"), "application/vnd.oai.openapi+json;version=3.0");
}

TEST_F(OgcApi, ConformanceDeclaresCoreGeojsonAndOpenApi30) {
  const json doc = get_json("/ogc/conformance");
  EXPECT_EQ(doc["conformsTo"],
            json({"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
                  "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
                  "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"}));
}

TEST_F(OgcApi, CollectionsDescribeEachCollectionWithAnExtentInJakarta) {
  const http_response r = get("/ogc/collections");
  EXPECT_EQ(r.header("content-type"), "application/json");
  const json doc = json::parse(r.body);
  std::vector<std::string> ids;
  for (const json& c : doc["collections"]) {
    ids.push_back(c["id"]);
    const json box = c["extent"]["spatial"]["bbox"][0];
    EXPECT_GT(box[0].get<double>(), 106.0) << c["id"];
    EXPECT_LT(box[2].get<double>(), 107.5) << c["id"];
    EXPECT_GT(box[1].get<double>(), -7.0) << c["id"];
    EXPECT_LT(box[3].get<double>(), -5.0) << c["id"];
    EXPECT_EQ(link(c, "items"), url("/ogc/collections/" + ids.back() + "/items"));
    EXPECT_EQ(get_json("/ogc/collections/" + ids.back()), c);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"kelurahan", "rw", "rt", "coverage", "targets"}));
}

TEST_F(OgcApi, ItemsCountEveryAreaOfALevel) {
  EXPECT_EQ(get_json("/ogc/collections/kelurahan/items?limit=1")["numberMatched"],
            jakarta_kelurahan);
  EXPECT_EQ(get_json("/ogc/collections/rw/items?limit=1")["numberMatched"], jakarta_rw);
  EXPECT_EQ(get_json("/ogc/collections/rt/items?limit=1")["numberMatched"], jakarta_rt);
  EXPECT_EQ(get_json("/ogc/collections/coverage/items?limit=1")["numberMatched"], jakarta_rw);
}

TEST_F(OgcApi, NextLinksReachEveryRwOnceInCodeOrder) {
  const std::vector<json>& features = all_rw();
  ASSERT_EQ(features.size(), jakarta_rw);
  std::vector<std::string> ids;
  for (const json& f : features)
    ids.push_back(f["id"]);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), jakarta_rw);
}

TEST_F(OgcApi, EveryAreaHasCounterClockwiseClosedExteriorsClockwiseHolesAndNoCrs) {
  for (const char* collection : {"kelurahan", "rw"}) {
    std::size_t polygons = 0, holes = 0;
    for (const json& f : all_of(collection)) {
      ASSERT_EQ(f["geometry"]["type"], "MultiPolygon") << f["id"];
      EXPECT_FALSE(f.contains("crs") || f["geometry"].contains("crs")) << f["id"];
      for (const json& polygon : f["geometry"]["coordinates"]) {
        ++polygons;
        for (std::size_t i = 0; i < polygon.size(); ++i) {
          const json& ring = polygon[i];
          ASSERT_GE(ring.size(), 4u) << f["id"];
          EXPECT_EQ(ring.front(), ring.back()) << f["id"];
          if (i == 0)
            EXPECT_GT(signed_area2(ring), 0) << f["id"] << " has a clockwise exterior ring";
          else
            EXPECT_LT(signed_area2(ring), 0) << f["id"] << " has a counter-clockwise hole";
          holes += i > 0;
        }
      }
    }
    std::cerr << collection << ": " << all_of(collection).size() << " features, " << polygons
              << " polygons, " << holes << " holes checked\n";
  }
}

TEST_F(OgcApi, LimitAndOffsetSelectAWindowWithNextAndPrevLinks) {
  const json page = get_json("/ogc/collections/rw/items?limit=5&offset=10");
  EXPECT_EQ(page["numberMatched"], jakarta_rw);
  EXPECT_EQ(page["numberReturned"], 5);
  for (std::size_t i = 0; i < 5; ++i)
    EXPECT_EQ(page["features"][i]["id"], all_rw()[10 + i]["id"]);
  EXPECT_EQ(link(page, "self"), url("/ogc/collections/rw/items?limit=5&offset=10"));
  EXPECT_EQ(link(page, "next"), url("/ogc/collections/rw/items?limit=5&offset=15"));
  EXPECT_EQ(link(page, "prev"), url("/ogc/collections/rw/items?limit=5&offset=5"));
  const json last = get_json("/ogc/collections/rw/items?limit=5&offset=2840");
  EXPECT_EQ(last["numberReturned"], 1);
  EXPECT_FALSE(link(last, "next"));
  EXPECT_EQ(get_json("/ogc/collections/rw/items")["numberReturned"], 100);  // the default
}

TEST_F(OgcApi, BboxSelectsTheRwsGdalFindsIntersectingIt) {
  // All RWs into a file, then GDAL's own spatial filter (GEOS intersects) as the oracle.
  const std::string file = ::testing::TempDir() + "sasaran-all-rw.geojson";
  {
    json collection = {{"type", "FeatureCollection"}, {"features", all_rw()}};
    std::ofstream(file) << collection.dump();
  }
  const std::string box = "106.845,-6.215,106.862,-6.2";
  const json page = get_json("/ogc/collections/rw/items?limit=10000&bbox=" + box);
  std::set<std::string> served;
  for (const json& f : page["features"])
    served.insert(f["properties"]["code"]);
  const command_result gdal = run(
      "ogr2ogr -f GeoJSON /vsistdout/ -spat 106.845 -6.215 106.862 -6.2 " + file + " 2>/dev/null");
  ASSERT_EQ(gdal.exit_code, 0);
  std::set<std::string> expected;
  const json by_gdal = json::parse(gdal.out);
  for (const json& f : by_gdal["features"])
    expected.insert(f["properties"]["code"]);
  EXPECT_EQ(served, expected);
  EXPECT_EQ(page["numberMatched"], expected.size());
  // Comparing bounding boxes alone would have taken more.
  std::size_t by_envelope = 0;
  for (const json& f : all_rw()) {
    double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
    for (const json& polygon : f["geometry"]["coordinates"])
      for (const json& p : polygon[0]) {
        x0 = std::min(x0, p[0].get<double>());
        x1 = std::max(x1, p[0].get<double>());
        y0 = std::min(y0, p[1].get<double>());
        y1 = std::max(y1, p[1].get<double>());
      }
    by_envelope += x0 <= 106.862 && x1 >= 106.845 && y0 <= -6.2 && y1 >= -6.215;
  }
  std::cerr << "bbox " << box << ": " << expected.size() << " RWs intersect it, " << by_envelope
            << " by their envelopes\n";
  EXPECT_GE(by_envelope, expected.size());
  EXPECT_GT(expected.size(), 5u);
}

// The numbers of a box as the bbox parameter, each written so that it reads back exactly.
std::string bbox_parameter(const geo::bbox& box) {
  std::string out;
  for (const double v : {box.min_x, box.min_y, box.max_x, box.max_y}) {
    std::array<char, 32> text{};
    const auto end = std::to_chars(text.data(), text.data() + text.size(), v).ptr;
    out += (out.empty() ? "" : ",") + std::string(text.data(), end);
  }
  return out;
}

TEST_F(OgcApi, BboxAnswersWhatTestingEveryAreaFindsInTheSameOrderPageByPage) {
  // The oracle: an engine loaded from the server's database, every area of the level tested,
  // box first, then the exact shape; as the bbox filter did before it had a grid.
  const geo::engine engine(api_test::stored());
  const geo::area& rt = *engine.areas_at(geo::admin_level::rt)[1000];
  struct question {
    std::string collection;
    geo::admin_level level;
    geo::bbox box;
  };
  const std::vector<question> questions = {
      {"rw", geo::admin_level::rw, {106.845, -6.215, 106.862, -6.2}},
      {"rt", geo::admin_level::rt, {106.845, -6.215, 106.862, -6.2}},
      {"rt", geo::admin_level::rt, {106.8272, -6.1754, 106.8272, -6.1754}},  // a point
      {"rt", geo::admin_level::rt, {106.80, -6.2, 106.90, -6.2}},            // a line
      {"rt", geo::admin_level::rt, rt.box},  // its neighbours touch it, and so its box
      {"rt", geo::admin_level::rt, {rt.box.max_x, rt.box.max_y, rt.box.max_x, rt.box.max_y}},
      {"kelurahan", geo::admin_level::kelurahan, {106.7, -6.3, 106.9, -6.1}},
      {"coverage", geo::admin_level::rw, {106.8, -6.25, 106.85, -6.2}},
  };
  for (const question& q : questions) {
    std::vector<std::string> expected;
    for (const geo::area* a : engine.areas_at(q.level))
      if (a->box.intersects(q.box) && geo::intersects(engine.shape_of(*a), q.box))
        expected.push_back(a->code);
    const std::string path =
        "/ogc/collections/" + q.collection + "/items?limit=50&bbox=" + bbox_parameter(q.box);
    std::vector<std::string> served;
    std::optional<std::string> next = url(path);
    while (next) {
      const json page = json::parse(m_client.get(*next).body);
      EXPECT_EQ(page["numberMatched"], expected.size()) << *next;
      for (const json& f : page["features"])
        served.push_back(f["id"]);
      next = link(page, "next");
    }
    EXPECT_EQ(served, expected) << path;
    EXPECT_FALSE(expected.empty()) << path;
  }
}

TEST_F(OgcApi, PropertyFiltersSelectByEquality) {
  std::size_t in_bali_mester = 0;
  for (const json& f : all_rw())
    in_bali_mester += f["properties"]["kelurahan_code"] == "3172060007";
  ASSERT_GT(in_bali_mester, 0u);
  const json page = get_json("/ogc/collections/rw/items?kelurahan_code=3172060007");
  EXPECT_EQ(page["numberMatched"], in_bali_mester);
  for (const json& f : page["features"])
    EXPECT_EQ(f["properties"]["kelurahan_code"], "3172060007");
  EXPECT_EQ(link(page, "self"), url("/ogc/collections/rw/items?kelurahan_code=3172060007"));
  EXPECT_EQ(get_json("/ogc/collections/rt/items?kelurahan_code=9999999999")["numberMatched"], 0);
}

TEST_F(OgcApi, RefusesUnknownParametersAndBadLimitsWith400) {
  for (const char* query : {"foo=1", "limit=0", "limit=abc", "limit=-5", "offset=x", "bbox=1,2,3",
                            "f=html", "datetime=soon"}) {
    const http_response r = get("/ogc/collections/rw/items?" + std::string(query));
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << query;
    const std::string name = std::string(query).substr(0, std::string(query).find('='));
    EXPECT_EQ(json::parse(r.body)["parameter"], name) << query;
  }
  EXPECT_EQ(get_json("/ogc/collections/rw/items?limit=20000")["numberReturned"], jakarta_rw);
}

TEST_F(OgcApi, AnswersUnknownCollectionsAndFeaturesWith404) {
  for (const char* path :
       {"/ogc/collections/kota", "/ogc/collections/kota/items",
        "/ogc/collections/rw/items/0000000000000", "/ogc/collections/rw/items/3172060007",
        "/ogc/collections/targets/items/NOPE"}) {
    const http_response r = get(path, "admin");
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << path;
  }
}

TEST_F(OgcApi, ServesFeaturesAsGeojsonAndEverythingElseAsJson) {
  const std::string rw = all_rw().front()["id"];
  const http_response one = get("/ogc/collections/rw/items/" + rw);
  EXPECT_EQ(one.header("content-type"), "application/geo+json");
  const json f = json::parse(one.body);
  EXPECT_EQ(f, [&] {
    json same = all_rw().front();
    same["links"] = f["links"];
    return same;
  }());
  EXPECT_EQ(link(f, "self"), url("/ogc/collections/rw/items/" + rw));
  EXPECT_EQ(get("/ogc/collections/rw/items").header("content-type"), "application/geo+json");
  for (const char* path : {"/ogc", "/ogc/conformance", "/ogc/collections", "/ogc/collections/rt"})
    EXPECT_EQ(get(path).header("content-type"), "application/json") << path;
}

// Unlocated targets declared in an RW, as stored ("" for every program): the public figures
// count them there, but the targets collection shows them only to those who see them exactly.
int unlocated_in(const std::string& rw, const std::string& program) {
  int n = 0;
  for (const geo::target& t : api_test::stored().load_targets())
    if (!t.lon && t.rw_code == rw && (program.empty() || t.program == program)) ++n;
  return n;
}

TEST_F(OgcApi, CoverageCountsWhatAnAdminSeesInTheRwAndThePublicByCell) {
  const std::string rw = "3172060007001";
  const std::string items = "/ogc/collections/targets/items?limit=1&rw_code=" + rw;
  const json exact = get_json("/ogc/collections/coverage/items/" + rw, "admin");
  EXPECT_EQ(exact["properties"]["figures"], "exact");
  EXPECT_EQ(exact["properties"]["targets"], get_json(items, "admin")["numberMatched"]);
  EXPECT_GT(exact["properties"]["targets"].get<int>(), 0);
  // The public figures count the targets whose cell's spot lies in the RW: what a
  // collaborator's filter on rw_code finds, and the unlocated ones declared there.
  const json by_cell = get_json("/ogc/collections/coverage/items/" + rw);
  EXPECT_EQ(by_cell["properties"]["figures"], "by_cell");
  EXPECT_EQ(by_cell["properties"]["targets"].get<int>(),
            get_json(items, "collaborator")["numberMatched"].get<int>() + unlocated_in(rw, ""));
  const json pangan = get_json("/ogc/collections/coverage/items/" + rw + "?program=pangan");
  EXPECT_EQ(pangan["properties"]["targets"].get<int>(),
            get_json(items + "&program=pangan", "collaborator")["numberMatched"].get<int>() +
                unlocated_in(rw, "pangan"));
}

TEST_F(OgcApi, RefusesTargetsToAnonymousCallersWith401) {
  for (const char* path : {"/ogc/collections/targets/items", "/ogc/collections/targets/items/X"}) {
    const http_response r = get(path);
    EXPECT_EQ(r.status, 401) << path;
    EXPECT_EQ(r.header("www-authenticate"), "Bearer") << path;
    EXPECT_NE(json::parse(r.body)["detail"].get<std::string>().find(
                  "only as counts per RW, in the coverage collection"),
              std::string::npos)
        << r.body;
  }
  EXPECT_EQ(get("/ogc/collections/targets").status, 200);  // the description is public
}

TEST_F(OgcApi, ShowsCollaboratorsOnlyCoarseSpotsWithoutHouseholdFields) {
  std::size_t located = 0;
  for (const auto& [id, t] : stored_targets())
    located += t.lon && t.lat;
  const json page =
      get_json("/ogc/collections/targets/items?limit=2000&offset=5000", "collaborator");
  EXPECT_EQ(page["numberMatched"], located);
  ASSERT_EQ(page["numberReturned"], 2000);
  for (const json& f : page["features"]) {
    const geo::target& t = stored_targets().at(f["id"]);
    ASSERT_TRUE(t.lon && t.lat) << t.id;
    const geo::lon_lat spot = geo::coarse_position(*t.lon, *t.lat);
    EXPECT_EQ(f["geometry"]["coordinates"], json({spot.lon, spot.lat})) << t.id;
    std::set<std::string> keys;
    for (const auto& [k, v] : f["properties"].items())
      keys.insert(k);
    // The codes of the areas of the cell's spot, and never an RT.
    EXPECT_EQ(keys, (std::set<std::string>{"need", "precision", "priority", "program", "status",
                                           "rt_code", "rw_code", "kelurahan_code", "kecamatan_code",
                                           "kota_code"}))
        << t.id;
    EXPECT_TRUE(f["properties"]["rt_code"].is_null()) << t.id;
  }
}

TEST_F(OgcApi, FiltersCollaboratorsByBboxAtTheCoarseSpots) {
  const json page = get_json(
      "/ogc/collections/targets/items?limit=10000&bbox=106.86,-6.23,106.87,-6.22", "aggregator");
  ASSERT_GT(page["numberReturned"].get<int>(), 0);
  for (const json& f : page["features"]) {
    const double lon = f["geometry"]["coordinates"][0], lat = f["geometry"]["coordinates"][1];
    EXPECT_TRUE(lon >= 106.86 && lon <= 106.87 && lat >= -6.23 && lat <= -6.22) << f["id"];
  }
}

TEST_F(OgcApi, ShowsAdminsExactPositionsAndUnlocatedTargets) {
  const json page = get_json("/ogc/collections/targets/items?limit=1000", "admin");
  EXPECT_EQ(page["numberMatched"], stored_targets().size());
  for (const json& f : page["features"]) {
    const geo::target& t = stored_targets().at(f["id"]);
    if (t.lon && t.lat)
      EXPECT_EQ(f["geometry"]["coordinates"], json({*t.lon, *t.lat})) << t.id;
    else
      EXPECT_EQ(f["geometry"], nullptr) << t.id;
    EXPECT_EQ(f["properties"]["household_size"], t.household_size) << t.id;
    EXPECT_EQ(f["properties"]["precision"], "exact");
  }
  const auto unlocated = std::find_if(stored_targets().begin(), stored_targets().end(),
                                      [](const auto& e) { return !e.second.lon; });
  ASSERT_NE(unlocated, stored_targets().end());
  const std::string path = "/ogc/collections/targets/items/" + unlocated->first;
  EXPECT_EQ(get_json(path, "admin")["geometry"], nullptr);
  EXPECT_EQ(get(path, "planner").status, 404);
}

TEST_F(OgcApi, ShowsAPicTheirKelurahanExactly) {
  std::size_t in_area = 0;
  for (const auto& [id, t] : stored_targets())
    in_area += t.kelurahan_code == env().pic_area();
  const json page = get_json(
      "/ogc/collections/targets/items?limit=10000&kelurahan_code=" + env().pic_area(), "pic");
  EXPECT_EQ(page["numberMatched"], in_area);
  for (const json& f : page["features"])
    EXPECT_EQ(f["properties"]["precision"], "exact") << f["id"];
}

TEST_F(OgcApi, GdalListsTheCollections) {
  const command_result r = run("ogrinfo -ro -so OAPIF:" + url("/ogc") + " 2>&1");
  for (const char* name : {"kelurahan", "rw", "rt", "coverage", "targets"})
    EXPECT_NE(r.out.find(std::string(": ") + name + " "), std::string::npos) << r.out;
}

TEST_F(OgcApi, GdalReadsEveryRwFollowingTheNextLinks) {
  const command_result r =
      run("ogr2ogr -f GeoJSON /vsistdout/ OAPIF:" + url("/ogc") + " rw 2>/dev/null");
  ASSERT_EQ(r.exit_code, 0);
  const json read = json::parse(r.out);
  std::set<std::string> codes;
  for (const json& f : read["features"]) {
    EXPECT_TRUE(f["geometry"]["type"] == "MultiPolygon") << f["properties"]["code"];
    codes.insert(f["properties"]["code"]);
  }
  EXPECT_EQ(read["features"].size(), jakarta_rw);
  EXPECT_EQ(codes.size(), jakarta_rw);
}

TEST_F(OgcApi, GdalReadsTargetsWithABearerTokenAsTheCallerSeesThem) {
  const std::string box = "106.86 -6.23 106.87 -6.22";
  const command_result r = run("ogr2ogr -f GeoJSON /vsistdout/ --config GDAL_HTTP_HEADERS '" +
                               env().authorization("collaborator") + "' -spat " + box +
                               " OAPIF:" + url("/ogc") + " targets 2>/dev/null");
  ASSERT_EQ(r.exit_code, 0);
  const json read = json::parse(r.out);
  const json served = get_json(
      "/ogc/collections/targets/items?limit=1&bbox=106.86,-6.23,106.87,-6.22", "collaborator");
  EXPECT_EQ(read["features"].size(), served["numberMatched"]);
  for (const json& f : read["features"]) {
    const geo::target& t = stored_targets().at(f["properties"]["id"]);
    const geo::lon_lat spot = geo::coarse_position(*t.lon, *t.lat);
    EXPECT_EQ(f["geometry"]["coordinates"], json({spot.lon, spot.lat})) << t.id;
    EXPECT_FALSE(f["properties"].contains("household_size")) << t.id;
  }
}

TEST_F(OgcApi, GdalSendsEqualityFiltersToTheServerThroughTheApiDefinition) {
  std::size_t in_bali_mester = 0;
  for (const json& f : all_rw())
    in_bali_mester += f["properties"]["kelurahan_code"] == "3172060007";
  const command_result r = run(
      "ogrinfo -ro -al -q --debug on -where \"kelurahan_code='3172060007'\" OAPIF:" + url("/ogc") +
      " rw 2>&1");
  EXPECT_NE(r.out.find("/ogc/collections/rw/items?limit=10&kelurahan_code=3172060007"),
            std::string::npos)
      << r.out.substr(0, 2000);
  std::size_t features = 0;
  for (std::size_t at = 0; (at = r.out.find("OGRFeature(rw)", at)) != std::string::npos; ++at)
    ++features;
  EXPECT_EQ(features, in_bali_mester);
}

}  // namespace

namespace {

// One of the z12 boxes of the benchmark (docs/benchmarks.md, "Compressed answers").
const std::string z12_box_items =
    "/ogc/collections/kelurahan/items?bbox=106.787109375,-6.227933930,106.875,-6.140554782";

TEST_F(OgcApi, GzipsAreaItemsToExactlyTheIdentityBytesEachFormWithItsOwnETag) {
  const http_response plain = m_client.get(url(z12_box_items));
  const http_response packed = m_client.get(url(z12_box_items), {"Accept-Encoding: gzip"});
  ASSERT_EQ(plain.status, 200);
  ASSERT_EQ(packed.status, 200);
  EXPECT_GT(plain.body.size(), 100'000u);
  EXPECT_FALSE(plain.header("content-encoding"));
  EXPECT_EQ(packed.header("content-encoding"), "gzip");
  EXPECT_LT(packed.body.size(), plain.body.size() / 3);
  // Inflated by curl (zlib), not by the server's code.
  test_support::http_client decoding;
  decoding.set_decompress(true);
  EXPECT_EQ(decoding.get(url(z12_box_items)).body, plain.body);
  // Kept: the same bytes again, and the same identity bytes as before.
  EXPECT_EQ(m_client.get(url(z12_box_items), {"Accept-Encoding: gzip"}).body, packed.body);
  EXPECT_EQ(m_client.get(url(z12_box_items)).body, plain.body);

  const std::string tag = plain.header("etag").value_or("");
  const std::string gzip_tag = packed.header("etag").value_or("");
  ASSERT_FALSE(tag.empty());
  EXPECT_EQ(gzip_tag, tag.substr(0, tag.size() - 1) + "-gzip\"");
  EXPECT_EQ(plain.header("cache-control"), "no-cache");
  EXPECT_EQ(plain.header("vary"), "Accept-Encoding, Authorization");
}

TEST_F(OgcApi, AnswersAreaItems304ForEitherETag) {
  const std::string tag = m_client.get(url(z12_box_items)).header("etag").value_or("");
  const std::string gzip_tag =
      m_client.get(url(z12_box_items), {"Accept-Encoding: gzip"}).header("etag").value_or("");
  const http_response plain = m_client.get(url(z12_box_items), {"If-None-Match: " + tag});
  EXPECT_EQ(plain.status, 304);
  EXPECT_EQ(plain.body, "");
  EXPECT_EQ(plain.header("etag"), tag);
  const http_response packed = m_client.get(
      url(z12_box_items), {"Accept-Encoding: gzip", "If-None-Match: \"other\", " + gzip_tag});
  EXPECT_EQ(packed.status, 304);
  EXPECT_EQ(packed.header("etag"), gzip_tag);
  EXPECT_EQ(m_client.get(url(z12_box_items), {"If-None-Match: \"other\""}).status, 200);
  // Behind another host name the links differ, so do the bytes and the tag.
  EXPECT_NE(m_client.get(url(z12_box_items), {"Host: sasaran.example"}).header("etag"), tag);
}

TEST_F(OgcApi, SendsAreaItemsUncompressedToRefusingOrGarbledAcceptEncodings) {
  const std::string plain = m_client.get(url(z12_box_items)).body;
  for (const std::string& given :
       {std::string("gzip;q=0"), std::string("identity, gzip; q=0.000"), std::string("br, zstd"),
        std::string(";;,,=q,,"), std::string(8000, 'g')}) {
    const http_response r = m_client.get(url(z12_box_items), {"Accept-Encoding: " + given});
    EXPECT_EQ(r.status, 200) << given.substr(0, 40);
    EXPECT_FALSE(r.header("content-encoding")) << given.substr(0, 40);
    EXPECT_TRUE(r.body == plain) << given.substr(0, 40) << ": " << r.body.substr(0, 200);
  }
  // A control character in the value, or a header past the server's limit: refused, with a
  // problem document, not answered in some encoding.
  EXPECT_EQ(m_client.get(url(z12_box_items), {"Accept-Encoding: gzip\x7f"}).status, 400);
  EXPECT_EQ(
      m_client.get(url(z12_box_items), {"Accept-Encoding: " + std::string(20000, 'g')}).status,
      431);
}

}  // namespace
