// The /ogc routes called directly through the router over the tiny dataset's engine (the HTTP
// tests in tests/http run the same routes in a started server over Jakarta).
#include "server/ogc_features.hpp"
#include "server/privacy_rule.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>

#include "geo/engine/box_intersection.hpp"
#include "geo/engine/coarse_position.hpp"
#include "geo/import/dataset_description.hpp"
#include "geo/import/importer.hpp"
#include "geo/store/spatialite_store.hpp"
#include "server/compressed_answers.hpp"
#include "server/etag.hpp"
#include "server/ogc_area_collection.hpp"
#include "server/router.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using nlohmann::json;
using query = std::vector<std::pair<std::string, std::string>>;

server::principal as(geo::role who, std::vector<std::string> areas = {}) {
  return {who, who == geo::role::anonymous ? "" : "tok_test", std::move(areas), ""};
}

// The tiny dataset (see tests/geo/test_engine.cpp): kelurahan 3171010001 (106.80..106.82 x
// -6.20..-6.18) split into RW 001 (west) and 002 (east) and four RTs; 3171010002 east of it,
// 3171020001 and 3171020002 south. Targets T01-T05 located, T06 unlocated in RT 002002.
class OgcRoutes : public ::testing::Test {
 protected:
  OgcRoutes() : m_store(m_dir / "sasaran.db") {
    geo::silent_progress progress;
    geo::importer importer(m_store, progress);
    importer.import_dataset(geo::load_dataset_description(
        std::string(SASARAN_TEST_DATA) + "/dataset-tiny.json", SASARAN_TEST_DATA));
    m_engine.emplace(m_store);
    m_rule.emplace(*m_engine);
    server::add_ogc_routes(m_routes, *m_engine, *m_rule, m_kept, {1, "2026-01-02T03:04:05Z"});
  }

  server::response call(const std::string& path, query q = {},
                        server::principal caller = as(geo::role::anonymous),
                        std::unordered_map<std::string, std::string> headers = {}) {
    server::request r;
    r.headers = std::move(headers);
    r.method = "GET";
    r.path = path;
    r.query = std::move(q);
    r.base_url = "http://test:8080";
    r.caller = std::move(caller);
    const auto found = m_routes.find(r.method, r.path, r.params);
    if (!found.run) return {404, "", "no route", {}};
    try {
      return (*found.run)(r);
    } catch (const server::http_error& e) {
      return {
          e.status(), "application/problem+json", std::string(e.what()) + "|" + e.parameter(), {}};
    }
  }

  json call_json(const std::string& path, query q = {},
                 server::principal caller = as(geo::role::anonymous)) {
    const server::response r = call(path, std::move(q), std::move(caller));
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    return json::parse(r.body);
  }

  static std::vector<std::string> ids(const json& collection) {
    std::vector<std::string> out;
    for (const json& f : collection["features"])
      out.push_back(f["id"]);
    return out;
  }

  static std::optional<std::string> link(const json& doc, const std::string& rel) {
    for (const json& l : doc["links"])
      if (l["rel"] == rel) return l["href"].get<std::string>();
    return std::nullopt;
  }

  test_support::temp_dir m_dir;
  geo::spatialite_store m_store;
  std::optional<geo::engine> m_engine;
  std::optional<server::privacy_rule> m_rule;
  server::compressed_answers m_kept{1 << 20};
  server::router m_routes;
};

std::optional<std::string> header(const server::response& r, const std::string& name) {
  for (const auto& [n, v] : r.headers)
    if (n == name) return v;
  return std::nullopt;
}

TEST_F(OgcRoutes, LandingPageLinksEverythingAbsolutely) {
  const json doc = call_json("/ogc");
  EXPECT_EQ(link(doc, "self"), "http://test:8080/ogc");
  EXPECT_EQ(link(doc, "service-desc"), "http://test:8080/ogc/api");
  EXPECT_EQ(link(doc, "conformance"), "http://test:8080/ogc/conformance");
  EXPECT_EQ(link(doc, "data"), "http://test:8080/ogc/collections");
  EXPECT_EQ(call("/ogc").content_type, "application/json");
}

TEST_F(OgcRoutes, DeclaresCoreGeojsonAndOpenApi) {
  EXPECT_EQ(call_json("/ogc/conformance")["conformsTo"],
            json({"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
                  "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
                  "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"}));
}

TEST_F(OgcRoutes, ServesAnOpenApiDocumentWithEachCollectionsFilters) {
  const server::response r = call("/ogc/api");
  EXPECT_EQ(r.content_type, "application/vnd.oai.openapi+json;version=3.0");
  const json doc = json::parse(r.body);
  EXPECT_EQ(doc["openapi"], "3.0.3");
  EXPECT_EQ(doc["servers"][0]["url"], "http://test:8080/ogc");
  std::vector<std::string> names;
  for (const json& p : doc["paths"]["/collections/rw/items"]["get"]["parameters"])
    names.push_back(p.value("$ref", p.value("name", std::string())));
  EXPECT_NE(std::find(names.begin(), names.end(), "kelurahan_code"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "#/components/parameters/limit"), names.end());
  EXPECT_EQ(doc["components"]["parameters"]["limit"]["schema"]["maximum"], 10000);
  EXPECT_TRUE(doc["paths"]["/collections/targets/items"]["get"]["responses"].contains("401"));
  // Every $ref points at something the document defines.
  std::function<void(const json&)> check = [&](const json& j) {
    if (j.is_object()) {
      if (j.contains("$ref")) {
        const std::string ref = j["$ref"];
        ASSERT_TRUE(ref.starts_with("#/")) << ref;
        EXPECT_TRUE(doc.contains(json::json_pointer(ref.substr(1)))) << ref;
      }
      for (const auto& [k, v] : j.items())
        check(v);
    } else if (j.is_array()) {
      for (const json& v : j)
        check(v);
    }
  };
  check(doc);
}

TEST_F(OgcRoutes, ListsTheCollectionsWithTheirExtents) {
  const json doc = call_json("/ogc/collections");
  std::vector<std::string> names;
  for (const json& c : doc["collections"])
    names.push_back(c["id"]);
  EXPECT_EQ(names, (std::vector<std::string>{"kelurahan", "rw", "rt", "coverage", "targets"}));
  const json rw = doc["collections"][1];
  EXPECT_EQ(rw["extent"]["spatial"]["bbox"], json::parse("[[106.8,-6.2,106.82,-6.18]]"));
  EXPECT_EQ(rw["extent"]["spatial"]["crs"], "http://www.opengis.net/def/crs/OGC/1.3/CRS84");
  EXPECT_EQ(link(rw, "items"), "http://test:8080/ogc/collections/rw/items");
  EXPECT_EQ(call_json("/ogc/collections/rw"), rw);
}

TEST_F(OgcRoutes, AnswersAnUnknownCollectionWith404) {
  const server::response r = call("/ogc/collections/kota/items");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body,
            "no collection 'kota'; the collections are kelurahan, rw, rt, coverage, targets|");
}

TEST_F(OgcRoutes, WritesAreaFeaturesWithTheirCodes) {
  const server::response r = call("/ogc/collections/rt/items/3171010001002001");
  EXPECT_EQ(r.content_type, "application/geo+json");
  const json f = json::parse(r.body);
  EXPECT_EQ(f["id"], "3171010001002001");
  EXPECT_EQ(f["geometry"]["type"], "MultiPolygon");
  EXPECT_EQ(f["properties"]["name"], "RT 001/RW 002");
  EXPECT_EQ(f["properties"]["parent_code"], "3171010001002");
  EXPECT_EQ(f["properties"]["rw_code"], "3171010001002");
  EXPECT_EQ(f["properties"]["kelurahan_code"], "3171010001");
  EXPECT_EQ(f["properties"]["kecamatan_code"], "3171010");
  EXPECT_EQ(f["properties"]["kota_code"], "3171");
  EXPECT_NEAR(f["properties"]["area_m2"].get<double>(), 1.2e6, 0.05e6);
  EXPECT_EQ(link(f, "self"), "http://test:8080/ogc/collections/rt/items/3171010001002001");
  EXPECT_EQ(link(f, "collection"), "http://test:8080/ogc/collections/rt");
  EXPECT_FALSE(f.contains("crs"));
}

TEST_F(OgcRoutes, AnswersAnUnknownFeatureOrOneOfAnotherLevelWith404) {
  EXPECT_EQ(call("/ogc/collections/rw/items/3171010001009").status, 404);
  EXPECT_EQ(call("/ogc/collections/rw/items/3171010001").status, 404);  // a kelurahan
}

TEST_F(OgcRoutes, PagesWithNextAndPrevLinksKeepingTheOtherParameters) {
  const json doc = call_json("/ogc/collections/kelurahan/items",
                             {{"limit", "2"}, {"offset", "1"}, {"kecamatan_code", "3171010"}});
  EXPECT_EQ(doc["numberMatched"], 2);
  EXPECT_EQ(doc["numberReturned"], 1);
  EXPECT_EQ(ids(doc), (std::vector<std::string>{"3171010002"}));
  EXPECT_FALSE(link(doc, "next"));
  EXPECT_EQ(link(doc, "prev"),
            "http://test:8080/ogc/collections/kelurahan/items?limit=2&offset=0&kecamatan_code="
            "3171010");
  const json first = call_json("/ogc/collections/kelurahan/items", {{"limit", "3"}});
  EXPECT_EQ(first["numberMatched"], 4);
  EXPECT_EQ(ids(first), (std::vector<std::string>{"3171010001", "3171010002", "3171020001"}));
  EXPECT_EQ(link(first, "next"),
            "http://test:8080/ogc/collections/kelurahan/items?limit=3&offset=3");
  EXPECT_EQ(link(first, "self"), "http://test:8080/ogc/collections/kelurahan/items?limit=3");
  EXPECT_FALSE(link(first, "prev"));
  EXPECT_TRUE(first["timeStamp"].get<std::string>().ends_with("Z"));
}

TEST_F(OgcRoutes, FiltersByTheExactShapeNotItsBox) {
  // A box east of RW 001 inside RW 002 only; then one that only touches their shared edge.
  EXPECT_EQ(ids(call_json("/ogc/collections/rw/items", {{"bbox", "106.812,-6.19,106.815,-6.185"}})),
            (std::vector<std::string>{"3171010001002"}));
  EXPECT_EQ(ids(call_json("/ogc/collections/rw/items", {{"bbox", "106.81,-6.19,106.81,-6.19"}})),
            (std::vector<std::string>{"3171010001001", "3171010001002"}));
  EXPECT_EQ(call_json("/ogc/collections/rw/items", {{"bbox", "107,-6,108,-5"}})["numberMatched"],
            0);
}

// What the bbox filter answered before the engine's grid: every area of the level tested, by
// code, box first, then the exact shape.
std::vector<const geo::area*> every_area_intersecting(const geo::engine& engine,
                                                      geo::admin_level level,
                                                      const geo::bbox& box) {
  std::vector<const geo::area*> out;
  for (const geo::area* a : engine.areas_at(level))
    if (a->box.intersects(box) && geo::intersects(engine.shape_of(*a), box)) out.push_back(a);
  return out;
}

TEST_F(OgcRoutes, FiltersByBoxAsTestingEveryAreaWouldInTheSameOrder) {
  // Boxes of 0, 0.0025 and 0.01 degrees on a 0.0025 step over the dataset and around it
  // (106.79..106.84 x -6.23..-6.17), and from every area's own box exactly: the box, its
  // corners, and its east edge, which touch the neighbours on their shared boundary.
  std::vector<geo::bbox> boxes;
  for (int i = 0; i <= 20; ++i)
    for (int j = 0; j <= 24; ++j)
      for (const double side : {0.0, 0.0025, 0.01})
        boxes.push_back({106.79 + 0.0025 * i, -6.23 + 0.0025 * j, 106.79 + 0.0025 * i + side,
                         -6.23 + 0.0025 * j + side});
  for (const geo::admin_level level : geo::all_admin_levels)
    for (const geo::area* a : m_engine->areas_at(level)) {
      const geo::bbox& b = a->box;
      boxes.push_back(b);
      boxes.push_back({b.min_x, b.min_y, b.min_x, b.min_y});
      boxes.push_back({b.max_x, b.max_y, b.max_x, b.max_y});
      boxes.push_back({b.max_x, b.min_y, b.max_x, b.max_y});
    }
  std::size_t several = 0;
  for (const geo::admin_level level :
       {geo::admin_level::kelurahan, geo::admin_level::rw, geo::admin_level::rt})
    for (const geo::bbox& box : boxes) {
      const std::vector<const geo::area*> expected = every_area_intersecting(*m_engine, level, box);
      EXPECT_EQ(server::areas_intersecting(*m_engine, level, box), expected)
          << "level " << static_cast<int>(level) << ", box " << box.min_x << "," << box.min_y << ","
          << box.max_x << "," << box.max_y;
      several += expected.size() > 1;
    }
  EXPECT_EQ(boxes.size(), 21u * 25u * 3u + 13u * 4u);
  EXPECT_GT(several, 100u);  // many boxes meet several areas, touching ones included
  EXPECT_EQ(server::areas_intersecting(*m_engine, geo::admin_level::rt, std::nullopt),
            m_engine->areas_at(geo::admin_level::rt));
}

TEST_F(OgcRoutes, RefusesUnknownAndMalformedParametersNamingThem) {
  EXPECT_EQ(call("/ogc/collections/rw/items", {{"colour", "red"}}).status, 400);
  EXPECT_TRUE(call("/ogc/collections/rw/items", {{"colour", "red"}}).body.ends_with("|colour"));
  EXPECT_EQ(call("/ogc/collections/rw/items", {{"limit", "0"}}).body,
            "limit: expected an integer from 1 to 10000 (larger ones are read as 10000), got "
            "'0'|limit");
  EXPECT_EQ(call("/ogc/collections/rw/items", {{"limit", "ten"}}).status, 400);
  EXPECT_EQ(call("/ogc/collections/rw/items", {{"bbox", "1,2,3"}}).status, 400);
  EXPECT_EQ(call("/ogc/collections/rw/items", {{"f", "html"}}).status, 400);
  EXPECT_EQ(call("/ogc/collections/rw/items", {{"datetime", "yesterday"}}).status, 400);
  EXPECT_EQ(call("/ogc/collections", {{"limit", "1"}}).status, 400);
  EXPECT_EQ(call("/ogc/collections/coverage/items", {{"program", "sembako"}}).status, 400);
}

TEST_F(OgcRoutes, ReadsALimitOverTheMaximumAsTheMaximum) {
  EXPECT_EQ(call_json("/ogc/collections/rt/items", {{"limit", "50000"}})["numberReturned"], 4);
  EXPECT_EQ(call_json("/ogc/collections/rt/items",
                      {{"limit", "99999999999999999999999"}})["numberReturned"],
            4);
}

TEST_F(OgcRoutes, MatchesEveryFeatureForADatetimeSinceNoneHasATemporalGeometry) {
  for (const char* when :
       {"2024-01-15T00:00:00Z", "2024-01-01/..", "../2024-02-01T10:00:00+07:00", "2024-01-01"})
    EXPECT_EQ(call_json("/ogc/collections/rt/items", {{"datetime", when}})["numberMatched"], 4)
        << when;
}

TEST_F(OgcRoutes, CountsCoveragePerRwForAnyoneAndPerProgram) {
  const json all = call_json("/ogc/collections/coverage/items/3171010001002");
  EXPECT_EQ(all["properties"]["targets"], 3);  // T02, T03 and the unlocated T06
  EXPECT_EQ(all["properties"]["pledged"], 1);
  EXPECT_EQ(all["properties"]["unserved"], 2);
  EXPECT_EQ(all["properties"]["unmet_priority"], 6);
  EXPECT_EQ(all["properties"]["program"], nullptr);
  const json pangan =
      call_json("/ogc/collections/coverage/items/3171010001002", {{"program", "pangan"}});
  EXPECT_EQ(pangan["properties"]["targets"], 1);
  EXPECT_EQ(pangan["properties"]["program"], "pangan");
  EXPECT_EQ(call_json("/ogc/collections/coverage/items", {{"program", "umkm"}})["numberMatched"],
            2);
}

TEST_F(OgcRoutes, RefusesTargetsToAnonymousCallersPointingToCoverage) {
  const server::response r = call("/ogc/collections/targets/items");
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("only as counts per RW"), std::string::npos) << r.body;
  EXPECT_EQ(call("/ogc/collections/targets/items/T01").status, 401);
}

TEST_F(OgcRoutes, ShowsCollaboratorsCoarsePositionsWithoutHouseholdDetails) {
  const json doc = call_json("/ogc/collections/targets/items", {}, as(geo::role::collaborator));
  EXPECT_EQ(ids(doc), (std::vector<std::string>{"T01", "T02", "T03", "T04", "T05"}));
  const json& t01 = doc["features"][0];
  const geo::lon_lat spot = geo::coarse_position(106.805, -6.195);
  EXPECT_EQ(t01["geometry"]["coordinates"], json({spot.lon, spot.lat}));
  // The codes of the areas of its cell's spot, and no RT.
  EXPECT_EQ(t01["properties"],
            json::parse(R"({"program":"pangan","need":"beras","priority":3,"status":"pledged",)"
                        R"("precision":"coarse","rt_code":null,"rw_code":"3171010001001",)"
                        R"("kelurahan_code":"3171010001","kecamatan_code":"3171010",)"
                        R"("kota_code":"3171"})"));
  EXPECT_EQ(call("/ogc/collections/targets/items/T06", {}, as(geo::role::collaborator)).status,
            404);
}

TEST_F(OgcRoutes, FiltersCoarseCallersByTheCoarseSpot) {
  const geo::lon_lat spot = geo::coarse_position(106.805, -6.195);
  // A box holding T01's exact position but not its coarse spot finds nothing.
  const double west = spot.lon > 106.805 ? 106.8049 : spot.lon + 0.0001;
  const double east = spot.lon > 106.805 ? spot.lon - 0.0001 : 106.8051;
  const std::string off_spot =
      std::to_string(west) + ",-6.1951," + std::to_string(east) + ",-6.1949";
  EXPECT_EQ(call_json("/ogc/collections/targets/items", {{"bbox", off_spot}},
                      as(geo::role::planner))["numberMatched"],
            0);
  EXPECT_EQ(call_json("/ogc/collections/targets/items", {{"bbox", off_spot}},
                      as(geo::role::admin))["numberMatched"],
            1);
  // Equality filters see only what the caller sees: the areas of the cells for coarse
  // callers (T01 and T04), never an RT.
  EXPECT_EQ(call_json("/ogc/collections/targets/items", {{"rw_code", "3171010001001"}},
                      as(geo::role::planner))["numberMatched"],
            2);
  EXPECT_EQ(call_json("/ogc/collections/targets/items", {{"rt_code", "3171010001001001"}},
                      as(geo::role::planner))["numberMatched"],
            0);
  EXPECT_EQ(call_json("/ogc/collections/targets/items", {{"program", "pangan"}},
                      as(geo::role::planner))["numberMatched"],
            3);
}

TEST_F(OgcRoutes, ShowsAdminsExactPositionsHouseholdDetailsAndUnlocatedTargets) {
  const json doc = call_json("/ogc/collections/targets/items", {}, as(geo::role::admin));
  EXPECT_EQ(ids(doc), (std::vector<std::string>{"T01", "T02", "T03", "T04", "T05", "T06"}));
  EXPECT_EQ(doc["features"][0]["geometry"]["coordinates"], json({106.805, -6.195}));
  const json& t06 = doc["features"][5];
  EXPECT_EQ(t06["geometry"], nullptr);
  EXPECT_EQ(t06["properties"]["household_size"], 7);
  EXPECT_EQ(t06["properties"]["rt_code"], "3171010001002002");
  EXPECT_EQ(t06["properties"]["registered_at"], "2024-01-20");
  EXPECT_EQ(t06["properties"]["precision"], "exact");
}

TEST_F(OgcRoutes, ShowsAPicTheirAreaExactlyAndTheRestCoarsely) {
  const server::principal pic = as(geo::role::pic, {"3171010001002"});
  const json doc = call_json("/ogc/collections/targets/items", {}, pic);
  EXPECT_EQ(ids(doc), (std::vector<std::string>{"T01", "T02", "T03", "T04", "T05", "T06"}));
  EXPECT_EQ(doc["features"][0]["properties"]["precision"], "coarse");
  EXPECT_EQ(doc["features"][1]["properties"]["precision"], "exact");
  EXPECT_EQ(doc["features"][1]["geometry"]["coordinates"], json({106.815, -6.185}));
  const json in_box =
      call_json("/ogc/collections/targets/items", {{"bbox", "106.80,-6.20,106.82,-6.18"}}, pic);
  EXPECT_EQ(ids(in_box), (std::vector<std::string>{"T01", "T02", "T03", "T04"}));
}

}  // namespace

namespace {

const query tiny_box = {{"bbox", "106.79,-6.21,106.83,-6.17"}};

TEST_F(OgcRoutes, TagsAreaItemsByImportAndRequestAndAnswers304WithoutABody) {
  const server::response first = call("/ogc/collections/kelurahan/items", tiny_box);
  ASSERT_EQ(first.status, 200);
  const std::optional<std::string> tag = header(first, "ETag");
  ASSERT_TRUE(tag);
  // Named by the import and the canonical request, which the answer's self link spells.
  const std::optional<std::string> self = link(json::parse(first.body), "self");
  EXPECT_EQ(self,
            "http://test:8080/ogc/collections/kelurahan/items?bbox=106.79,-6.21,106.83,-6.17");
  EXPECT_EQ(*tag, server::key_etag("items/1 1 2026-01-02T03:04:05Z " + self.value_or("")));
  EXPECT_EQ(header(first, "Cache-Control"), "no-cache");
  EXPECT_EQ(json::parse(first.body)["timeStamp"], "2026-01-02T03:04:05Z");
  const server::response again = call("/ogc/collections/kelurahan/items", tiny_box,
                                      as(geo::role::anonymous), {{"if-none-match", *tag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.body, "");
  EXPECT_EQ(header(again, "ETag"), tag);
  // The same bytes again, from memory.
  EXPECT_EQ(call("/ogc/collections/kelurahan/items", tiny_box).body, first.body);
  EXPECT_EQ(m_kept.hits(), 1u);
  // Another box, level or parameter order is another answer.
  EXPECT_NE(header(call("/ogc/collections/rw/items", tiny_box), "ETag"), tag);
  EXPECT_NE(header(call("/ogc/collections/kelurahan/items"), "ETag"), tag);
  EXPECT_NE(
      header(call("/ogc/collections/kelurahan/items", {{"limit", "5"}, {"f", "json"}}), "ETag"),
      header(call("/ogc/collections/kelurahan/items", {{"f", "json"}, {"limit", "5"}}), "ETag"));
}

TEST_F(OgcRoutes, KeepsNoAnswerForARefusedItemsRequest) {
  EXPECT_EQ(call("/ogc/collections/kelurahan/items", {{"bbox", "1,2,3"}}).status, 400);
  EXPECT_EQ(call("/ogc/collections/kelurahan/items", {{"colour", "red"}}).status, 400);
  EXPECT_EQ(m_kept.size(), 0u);
}

TEST_F(OgcRoutes, TagsNoItemsThatDependOnTheCallerOrOnWrites) {
  const server::response coverage = call("/ogc/collections/coverage/items");
  ASSERT_EQ(coverage.status, 200);
  EXPECT_EQ(header(coverage, "ETag"), std::nullopt);
  const server::response targets = call("/ogc/collections/targets/items", {}, as(geo::role::admin));
  ASSERT_EQ(targets.status, 200);
  EXPECT_EQ(header(targets, "ETag"), std::nullopt);
  EXPECT_EQ(m_kept.size(), 0u);
}

TEST_F(OgcRoutes, AnswersTheNewAreasAfterAnImportEvenFromTheSameCache) {
  const auto kecamatan_of = [](const json& items, const std::string& code) {
    for (const json& f : items["features"])
      if (f["id"] == code) return f["properties"]["kecamatan_code"].get<std::string>();
    return std::string("absent");
  };
  const server::response before = call("/ogc/collections/kelurahan/items");
  EXPECT_EQ(kecamatan_of(json::parse(before.body), "3171020002"), "3171020");

  // The import moves kelurahan 3171020002 to a new kecamatan; the next generation's routes
  // share this cache (worst case: the server keeps one per generation).
  geo::silent_progress progress;
  geo::importer importer(m_store, progress);
  geo::dataset_description d = geo::load_dataset_description(
      std::string(SASARAN_TEST_DATA) + "/dataset-tiny.json", SASARAN_TEST_DATA);
  d.areas[0].path = std::string(SASARAN_TEST_DATA) +
                    "/kelurahan-4squares-fourth-in-new-kecamatan-3171030.geojson";
  importer.import_dataset(d);
  geo::engine engine(m_store);
  server::privacy_rule rule(engine);
  server::router routes;
  server::add_ogc_routes(routes, engine, rule, m_kept, {2, "2026-01-03T00:00:00Z"});
  server::request r;
  r.method = "GET";
  r.path = "/ogc/collections/kelurahan/items";
  r.base_url = "http://test:8080";
  const auto found = routes.find(r.method, r.path, r.params);
  const server::response after = (*found.run)(r);
  ASSERT_EQ(after.status, 200);
  EXPECT_EQ(kecamatan_of(json::parse(after.body), "3171020002"), "3171030");
  EXPECT_NE(header(after, "ETag"), header(before, "ETag"));
  // A client holding the old tag gets the new answer, not a 304.
  r.headers["if-none-match"] = *header(before, "ETag");
  EXPECT_EQ((*found.run)(r).status, 200);
}

}  // namespace
