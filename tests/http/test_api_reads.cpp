// /api/v1 reads against a started server over the Jakarta import, each checked against an
// answer computed without the server: SpatiaLite SQL for lookups, the stored records for
// coverage, a brute-force
// geodesic scan of every target for nearest.
#include <geodesic.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "geo/engine/coarse_position.hpp"
#include "geo/geos/geos_context.hpp"
#include "geo/geos/geos_geometry.hpp"
#include "geo/geos/geos_polygons.hpp"
#include "geo/multipolygon.hpp"
#include "geo/pledge.hpp"
#include "tests/http/api_test_support.hpp"

namespace {

using namespace api_test;

struct point {
  double lon, lat;
};

// Points spread over Jakarta by a fixed sequence, so every run asks the same questions.
std::vector<point> sample_points(std::size_t n) {
  std::vector<point> out;
  std::uint64_t x = 88172645463325252ULL;
  const auto next = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return static_cast<double>(x % 1000000) / 1e6;
  };
  for (std::size_t i = 0; i < n; ++i)
    out.push_back({106.70 + 0.26 * next(), -6.37 + 0.27 * next()});
  return out;
}

// The codes of the areas of a level covering a point, by SpatiaLite (R*Tree, then ST_Covers).
std::set<std::string> covering(const std::string& level, point p) {
  geo::sqlite_statement s = database().prepare(R"sql(
    SELECT a.code FROM areas a JOIN areas_rtree r ON r.id = a.id
    WHERE a.level = ?1 AND r.min_lon <= ?2 AND r.max_lon >= ?2 AND r.min_lat <= ?3
      AND r.max_lat >= ?3 AND ST_Covers(a.geom, MakePoint(?2, ?3, 4326)) = 1)sql");
  s.bind(1, std::string_view(level)).bind(2, p.lon).bind(3, p.lat);
  std::set<std::string> codes;
  while (s.step())
    codes.insert(s.column_text(0));
  return codes;
}

TEST(ApiReads, LookupNamesTheAreasSpatiaLiteFindsAtEveryLevel) {
  SASARAN_SKIP_ON_POSTGRES("the oracle is SpatiaLite SQL (R*Tree, ST_Covers) over the SQLite file");
  test_support::http_client client;
  std::size_t inside = 0;
  for (const point p : sample_points(150)) {
    const http_response r = get(
        client, "/api/v1/lookup?lon=" + std::to_string(p.lon) + "&lat=" + std::to_string(p.lat));
    const point asked{std::stod(std::to_string(p.lon)), std::stod(std::to_string(p.lat))};
    const std::set<std::string> kelurahan = covering("kelurahan", asked);
    if (kelurahan.empty() && covering("rw", asked).empty()) {
      EXPECT_EQ(r.status, 404) << r.body;
      continue;
    }
    ASSERT_EQ(r.status, 200) << r.body;
    ++inside;
    const json found = body_of(r);
    for (const char* level : {"kelurahan", "rw", "rt"}) {
      const std::set<std::string> expected = covering(level, asked);
      if (expected.empty())
        EXPECT_TRUE(found[level].is_null()) << level << " at " << p.lon << "," << p.lat;
      else
        EXPECT_TRUE(expected.contains(found[level]["code"].get<std::string>()))
            << level << " at " << p.lon << "," << p.lat << ": " << found[level];
    }
  }
  EXPECT_GT(inside, 60u);  // most of the sample falls on land inside Jakarta
}

struct located {
  std::string id, program;
  double lon, lat;
  bool active;  // held by a committed or delivered pledge
};

const std::vector<located>& all_targets() {
  static const std::vector<located> targets = [] {
    std::set<std::string> held;
    for (const geo::pledge& p : stored().load_pledges())
      if (p.status == "committed" || p.status == "delivered") held.insert(p.target_id);
    std::vector<located> out;
    for (const geo::target& t : stored().load_targets())
      if (t.lon) out.push_back({t.id, t.program, *t.lon, *t.lat, held.contains(t.id)});
    return out;
  }();
  return targets;
}

// The k nearest open targets of `program` (any when empty) by a scan of all of them, measured
// from their exact or coarse positions.
std::vector<std::pair<double, std::string>> brute_force(point p, std::size_t k, bool coarse,
                                                        const std::string& program) {
  geod_geodesic g;
  geod_init(&g, 6378137, 1 / 298.257223563);
  std::vector<std::pair<double, std::string>> all;
  for (const located& t : all_targets()) {
    if (t.active || (!program.empty() && t.program != program)) continue;
    const geo::lon_lat at =
        coarse ? geo::coarse_position(t.lon, t.lat) : geo::lon_lat{t.lon, t.lat};
    double s12 = 0;
    geod_inverse(&g, p.lat, p.lon, at.lat, at.lon, &s12, nullptr, nullptr);
    all.emplace_back(s12, t.id);
  }
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end());
  all.resize(k);
  return all;
}

void expect_nearest_matches_brute_force(const std::string& role, bool coarse,
                                        const std::string& program) {
  test_support::http_client client;
  for (const point p : sample_points(12)) {
    const http_response r =
        get(client,
            "/api/v1/targets/nearest?k=10&lon=" + std::to_string(p.lon) +
                "&lat=" + std::to_string(p.lat) + (program.empty() ? "" : "&program=" + program),
            role);
    ASSERT_EQ(r.status, 200) << r.body;
    const point asked{std::stod(std::to_string(p.lon)), std::stod(std::to_string(p.lat))};
    const auto expected = brute_force(asked, 10, coarse, program);
    const json found = body_of(r)["targets"];
    ASSERT_EQ(found.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      EXPECT_NEAR(found[i]["distance_m"].get<double>(), expected[i].first, 0.01) << role << i;
      // Both sides sort by the same geodesic distance, then by id.
      EXPECT_EQ(found[i]["id"], expected[i].second)
          << role << " #" << i << " at " << p.lon << "," << p.lat;
      EXPECT_EQ(found[i]["status"], "open");
    }
  }
}

TEST(ApiReads, NearestForAnAdminMatchesABruteForceScanOfExactPositions) {
  expect_nearest_matches_brute_force("admin", false, "");
}

TEST(ApiReads, NearestForACollaboratorMatchesABruteForceScanOfCoarsePositions) {
  expect_nearest_matches_brute_force("collaborator", true, "");
}

TEST(ApiReads, NearestFiltersByProgram) {
  expect_nearest_matches_brute_force("planner", true, "pendidikan");
}

TEST(ApiReads, NearestHonoursKAndMaxDistance) {
  test_support::http_client client;
  const json near = body_of(get(client,
                                "/api/v1/targets/nearest?lon=106.8272&lat=-6.1754&k=100&"
                                "max_distance_m=400&status=any",
                                "admin"));
  ASSERT_FALSE(near["targets"].empty());
  EXPECT_LE(near["targets"].size(), 100u);
  for (const json& t : near["targets"])
    EXPECT_LE(t["distance_m"].get<double>(), 400.0);
}

// Coverage of every area of `level`, by code, from the ranked list (all of them).
std::map<std::string, json> coverage_at(test_support::http_client& client, const std::string& level,
                                        const std::string& role = "admin") {
  const http_response r = get(client, "/api/v1/coverage?limit=10000&level=" + level, role);
  EXPECT_EQ(r.status, 200) << r.body;
  std::map<std::string, json> out;
  const json doc = body_of(r);
  for (const json& item : doc["items"])
    out[item["code"]] = item;
  return out;
}

// The exact figures (an admin's) add up level by level and match SQL over where targets are.
TEST(ApiReads, CoverageAddsUpFromRwToKotaAndMatchesSql) {
  test_support::http_client client;
  std::map<std::string, std::map<std::string, json>> levels;
  for (const char* level : {"kota", "kecamatan", "kelurahan", "rw"})
    levels[level] = coverage_at(client, level);
  EXPECT_EQ(levels["kota"].size(), 6u);
  EXPECT_EQ(levels["kelurahan"].size(), 270u);
  EXPECT_EQ(levels["rw"].size(), 2841u);

  // Targets of a kelurahan that no RW holds, as stored.
  const std::vector<geo::target> targets = stored().load_targets();
  std::map<std::string, std::uint64_t> outside_rw;
  for (const geo::target& t : targets)
    if (t.rw_code.empty() && !t.kelurahan_code.empty()) ++outside_rw[t.kelurahan_code];

  const std::pair<const char*, const char*> steps[] = {
      {"rw", "kelurahan"}, {"kelurahan", "kecamatan"}, {"kecamatan", "kota"}};
  for (const auto& [child, parent] : steps) {
    std::map<std::string, std::uint64_t> sums;
    for (const auto& [code, item] : levels[child])
      sums[item["parents"].back()["code"]] += item["targets"].get<std::uint64_t>();
    for (const auto& [code, item] : levels[parent])
      EXPECT_EQ(sums[code] + (std::string(child) == "rw" ? outside_rw[code] : 0),
                item["targets"].get<std::uint64_t>())
          << child << " -> " << parent << " " << code;
  }

  // A few RWs against the stored targets and their active pledges.
  std::map<std::string, std::string> active;  // target id -> status of its active pledge
  for (const geo::pledge& p : stored().load_pledges())
    if (p.status == "committed" || p.status == "delivered") active[p.target_id] = p.status;
  for (const std::string code : {"3174030002007", "3172010004007", "3173080004001"}) {
    std::int64_t count = 0, pledged = 0, delivered = 0, unmet_priority = 0;
    for (const geo::target& t : targets) {
      if (t.rw_code != code) continue;
      ++count;
      const auto held = active.find(t.id);
      pledged += held != active.end();
      delivered += held != active.end() && held->second == "delivered";
      unmet_priority += held == active.end() ? t.priority : 0;
    }
    const json& item = levels["rw"].at(code);
    EXPECT_EQ(item["targets"], count) << code;
    EXPECT_EQ(item["pledged"], pledged) << code;
    EXPECT_EQ(item["delivered"], delivered) << code;
    EXPECT_EQ(item["unmet_priority"], unmet_priority) << code;
    EXPECT_EQ(item["unserved"], count - pledged) << code;
  }
}

// The public figures count each located target in the RW its cell's spot lies in (and an
// unlocated one in the RW it was declared in): computed here from the stored positions and
// the RW's stored shape, not by the server's engine.
TEST(ApiReads, PublicCoverageCountsEachTargetWhereItsCellsSpotIs) {
  test_support::http_client client;
  geo::geos_context geos;
  std::map<std::string, std::vector<unsigned char>> shapes;  // RW code -> WKB
  for (geo::area& a : stored().load_areas(geo::admin_level::rw))
    shapes.emplace(a.code, std::move(a.wkb));
  const std::vector<geo::target> targets = stored().load_targets();
  for (const std::string code : {"3174030002007", "3172010004007", "3173080004001"}) {
    ASSERT_TRUE(shapes.contains(code)) << code;
    const geo::multipolygon shape =
        geo::to_multipolygon(geo::geos_geometry::from_wkb(geos, shapes.at(code)));
    geo::bbox box;
    for (const geo::polygon& p : shape)
      for (std::size_t i = 0; i + 1 < p.rings[0].size(); i += 2)
        box.expand(p.rings[0][i], p.rings[0][i + 1]);
    std::uint64_t by_cell = 0, exactly_in = 0;
    for (const geo::target& t : targets) {
      if (t.rw_code == code) {
        ++exactly_in;
        by_cell += !t.lon;
      }
      if (!t.lon || *t.lon < box.min_x - 0.001 || *t.lon > box.max_x + 0.001 ||
          *t.lat < box.min_y - 0.001 || *t.lat > box.max_y + 0.001)
        continue;
      const geo::lon_lat spot = geo::coarse_position(*t.lon, *t.lat);
      by_cell += geo::covers_point(shape, spot.lon, spot.lat);
    }
    const json area = body_of(get(client, "/api/v1/areas/" + code));
    EXPECT_EQ(area["figures"], "by_cell") << code;
    EXPECT_EQ(area["coverage"]["all"]["targets"], by_cell) << code;
    const json exact = body_of(get(client, "/api/v1/areas/" + code, "admin"));
    EXPECT_EQ(exact["figures"], "exact") << code;
    EXPECT_EQ(exact["coverage"]["all"]["targets"], exactly_in) << code;
  }
}

// Figures per RT go only to admins and to the PIC of the RT (docs/privacy.md).
TEST(ApiReads, FiguresPerRtAreWithheldFromThePublic) {
  test_support::http_client client;
  const std::string rt = "3175020003002015";
  for (const char* role : {"", "collaborator", "planner"}) {
    const json area = body_of(get(client, "/api/v1/areas/" + rt, role));
    EXPECT_EQ(area["figures"], "withheld") << role;
    EXPECT_TRUE(area["coverage"].is_null()) << role;
    const http_response ranked = get(client, "/api/v1/coverage?level=rt&within=3175020003", role);
    EXPECT_EQ(ranked.status, std::string(role).empty() ? 401 : 403) << role;
    EXPECT_EQ(ranked.header("content-type"), "application/problem+json");
  }
  EXPECT_EQ(body_of(get(client, "/api/v1/areas/" + rt, "admin"))["figures"], "exact");
  // The PIC's kelurahan: exact figures for its RTs, ranked too.
  const json ranked =
      body_of(get(client, "/api/v1/coverage?level=rt&limit=5&within=" + env().pic_area(), "pic"));
  EXPECT_EQ(ranked["figures"], "exact");
  EXPECT_EQ(ranked["items"].size(), 5u);
  EXPECT_EQ(get(client, "/api/v1/coverage?level=rt&within=3175020003", "pic").status, 403);
}

TEST(ApiReads, CoverageRanksByUnservedOrUnmetPriorityWithinAnArea) {
  test_support::http_client client;
  const json by_unserved =
      body_of(get(client, "/api/v1/coverage?level=rw&within=3172&sort=unserved&limit=50"));
  ASSERT_EQ(by_unserved["items"].size(), 50u);
  for (std::size_t i = 1; i < 50; ++i) {
    EXPECT_GE(by_unserved["items"][i - 1]["unserved"], by_unserved["items"][i]["unserved"]);
    EXPECT_EQ(by_unserved["items"][i]["parents"][0]["code"], "3172");
  }
  const json by_priority = body_of(get(
      client, "/api/v1/coverage?level=kelurahan&sort=unmet_priority&program=pangan&max_ratio=0.2"));
  for (std::size_t i = 1; i < by_priority["items"].size(); ++i)
    EXPECT_GE(by_priority["items"][i - 1]["unmet_priority"],
              by_priority["items"][i]["unmet_priority"]);
  for (const json& item : by_priority["items"])
    EXPECT_LE(item["pledged_ratio"].get<double>(), 0.2);
  // The public summary has no RT level; an admin's has.
  const json summary = body_of(get(client, "/api/v1/coverage/summary"));
  ASSERT_EQ(summary["levels"].size(), 4u);
  EXPECT_EQ(summary["levels"][3]["level"], "rw");
  EXPECT_EQ(summary["levels"][0]["areas"], 6u);
  EXPECT_EQ(summary["levels"][0]["targets"], summary["levels"][1]["targets"]);
  const json exact = body_of(get(client, "/api/v1/coverage/summary", "admin"));
  ASSERT_EQ(exact["levels"].size(), 5u);
  EXPECT_EQ(exact["levels"][4]["figures"], "exact");
}

// Pages are slices of the whole list (kept rankings, issue 14): cut anywhere, past the end or
// at the largest limit, with the whole list's count and summary on every page.
TEST(ApiReads, CoveragePagesAreSlicesOfTheWholeRankingWithItsCountAndSummary) {
  test_support::http_client client;
  for (const std::string query :
       {"level=rw&sort=unserved", "level=rw&max_ratio=0.2&sort=unserved",
        "level=kelurahan&sort=unmet_priority&program=umkm", "level=rw&within=3171&max_ratio=0.5"}) {
    const json all = body_of(get(client, "/api/v1/coverage?limit=10000&" + query));
    const std::size_t matched = all["number_matched"].get<std::size_t>();
    ASSERT_EQ(all["items"].size(), matched) << query;
    ASSERT_GT(matched, 40u) << query;
    for (std::size_t offset : {std::size_t{0}, std::size_t{1}, matched - 7, matched - 1}) {
      const json page = body_of(
          get(client, "/api/v1/coverage?limit=7&offset=" + std::to_string(offset) + "&" + query));
      EXPECT_EQ(page["number_matched"], matched) << query;
      EXPECT_EQ(page["summary"], all["summary"]) << query;
      const std::size_t returned = std::min<std::size_t>(7, matched - offset);
      ASSERT_EQ(page["items"].size(), returned) << query << " offset " << offset;
      for (std::size_t i = 0; i < returned; ++i) {
        EXPECT_EQ(page["items"][i], all["items"][offset + i]) << query << " at " << offset + i;
        EXPECT_EQ(page["items"][i]["rank"], offset + i + 1) << query;
      }
    }
    const json past =
        body_of(get(client, "/api/v1/coverage?offset=" + std::to_string(matched) + "&" + query));
    EXPECT_TRUE(past["items"].empty()) << query;
    EXPECT_EQ(past["number_returned"], 0u) << query;
    EXPECT_EQ(past["number_matched"], matched) << query;
    EXPECT_EQ(past["summary"], all["summary"]) << query;
  }
}

// A ranking page kept for anonymous callers is also kept gzipped: whichever form is asked
// first, the gzipped bytes inflate (with zlib, through curl) to exactly the identity answer,
// and the same page asked again is the same bytes.
TEST(ApiReads, RankingPagesKeptGzippedInflateToExactlyTheIdentityAnswer) {
  test_support::http_client client;
  test_support::http_client inflating;
  inflating.set_decompress(true);
  const test_support::http_headers takes_gzip{"Accept-Encoding: gzip"};
  for (const bool gzip_first : {false, true}) {
    const std::string path =
        "/api/v1/coverage?level=rw&sort=unserved&limit=" + std::string(gzip_first ? "23" : "24");
    const http_response packed_first =
        gzip_first ? get(client, path, "", takes_gzip) : http_response{};
    const http_response plain = get(client, path);
    const http_response packed = get(client, path, "", takes_gzip);
    ASSERT_EQ(plain.status, 200) << path;
    ASSERT_EQ(packed.status, 200) << path;
    EXPECT_FALSE(plain.header("content-encoding")) << path;
    EXPECT_EQ(packed.header("content-encoding"), "gzip") << path;
    EXPECT_LT(packed.body.size(), plain.body.size() / 2) << path;
    if (gzip_first) {
      EXPECT_EQ(packed_first.body, packed.body) << path;
    }
    EXPECT_EQ(get(client, path, "", takes_gzip).body, packed.body) << path;
    EXPECT_EQ(get(client, path).body, plain.body) << path;
    const http_response inflated = get(inflating, path);
    EXPECT_EQ(inflated.body, plain.body) << path;
    EXPECT_EQ(body_of(plain)["items"].size(), gzip_first ? 23u : 24u) << path;
  }
}

TEST(ApiReads, AreasShowTheirChainChildrenAndCoverageAndSearchIgnoresCaseAndAccents) {
  test_support::http_client client;
  const json slipi = body_of(get(client, "/api/v1/areas/3174030002"));
  EXPECT_EQ(slipi["name"], "Slipi");
  EXPECT_EQ(slipi["level"], "kelurahan");
  EXPECT_EQ(slipi["parents"][0]["code"], "3174");
  EXPECT_EQ(slipi["parents"][1]["code"], "3174030");
  ASSERT_FALSE(slipi["children"].empty());
  EXPECT_EQ(slipi["children"][0]["level"], "rw");
  std::uint64_t sum = 0;
  for (std::string_view p :
       {"pangan", "umkm", "pendidikan", "persampahan", "permukiman", "ketenagakerjaan"})
    sum += slipi["coverage"]["by_program"][std::string(p)]["targets"].get<std::uint64_t>();
  EXPECT_EQ(sum, slipi["coverage"]["all"]["targets"].get<std::uint64_t>());

  const json found = body_of(get(client, "/api/v1/areas?q=SL%C3%8DPI&level=kelurahan"));
  ASSERT_EQ(found["areas"].size(), 1u);
  EXPECT_EQ(found["areas"][0]["code"], "3174030002");
  const json rw = body_of(get(client, "/api/v1/areas?q=slipi+rw+007"));
  ASSERT_FALSE(rw["areas"].empty());
  EXPECT_EQ(rw["areas"][0]["code"], "3174030002007");
}

}  // namespace

namespace {

using namespace api_test;

TEST(ApiReads, MeTellsTheRoleScopeAndCollaboratorOfTheCaller) {
  test_support::http_client client;
  const json anonymous = body_of(get(client, "/api/v1/me"));
  EXPECT_EQ(anonymous, (json{{"role", "anonymous"},
                             {"token", nullptr},
                             {"collaborator", nullptr},
                             {"areas", json::array()},
                             {"name", nullptr},
                             {"session", false},
                             {"expires_at", nullptr}}));
  const json collaborator = body_of(get(client, "/api/v1/me", "collaborator"));
  EXPECT_EQ(collaborator["role"], "collaborator");
  EXPECT_EQ(collaborator["collaborator"], env().collaborator_of("collaborator"));
  EXPECT_TRUE(collaborator["token"].get<std::string>().starts_with("tok_"));
  EXPECT_EQ(collaborator["session"], false);  // an API token, made with sasaran token create
  const json pic = body_of(get(client, "/api/v1/me", "pic"));
  EXPECT_EQ(pic["role"], "pic");
  ASSERT_EQ(pic["areas"].size(), 1u);
  EXPECT_EQ(pic["areas"][0]["code"], env().pic_area());
  EXPECT_EQ(pic["areas"][0]["level"], "kelurahan");
  EXPECT_EQ(pic["areas"][0]["name"],
            body_of(get(client, "/api/v1/areas/" + env().pic_area()))["name"]);
  EXPECT_EQ(body_of(get(client, "/api/v1/me", "admin"))["role"], "admin");
}

}  // namespace
