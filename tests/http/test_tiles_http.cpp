// Vector tiles over HTTP: TileJSON, tiles read back with GDAL's MVT driver, the 204/304/400/
// 404 paths, and a pledge showing at once in the tiles of its RW.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <numbers>

#include "tests/http/api_test_support.hpp"

namespace {

using namespace api_test;

struct xyz {
  int z;
  long x, y;
  std::string path() const {
    return std::to_string(z) + "/" + std::to_string(x) + "/" + std::to_string(y);
  }
};

// The XYZ tile holding a point, by the slippy-map formula (independent of tiles/).
xyz tile_of(double lon, double lat, int z) {
  const double n = std::pow(2.0, z);
  const double phi = lat * std::numbers::pi / 180;
  return {
      z, static_cast<long>(std::floor((lon + 180) / 360 * n)),
      static_cast<long>(std::floor((1 - std::asinh(std::tan(phi)) / std::numbers::pi) / 2 * n))};
}

std::string run(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  char buffer[65536];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe))
    out.append(buffer, n);
  pclose(pipe);
  return out;
}

// Saves a tile as .../Z/X/Y.pbf, where GDAL's MVT driver knows its place, and returns the path.
// `as` keeps the tiles of different callers apart.
std::string saved(const xyz& t, const std::string& bytes, const std::string& as = "all") {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("sasaran-tiles-" + std::to_string(getpid())) / as / std::to_string(t.z) /
                   std::to_string(t.x);
  std::filesystem::create_directories(dir);
  const auto file = dir / (std::to_string(t.y) + ".pbf");
  std::ofstream(file, std::ios::binary) << bytes;
  return file.string();
}

// The value of an integer property of the feature with `code` in a layer, as GDAL reads it.
long property(const std::string& file, const std::string& layer, const std::string& code,
              const std::string& name) {
  const std::string out =
      run("ogrinfo -ro -q -where \"code = '" + code + "'\" '" + file + "' " + layer + " 2>&1");
  const std::size_t at = out.find("  " + name + " (");
  if (at == std::string::npos) return -1;
  return std::stol(out.substr(out.find("= ", at) + 2));
}

TEST(Tiles, TileJsonDescribesTheLayersBoundsAndAttribution) {
  test_support::http_client client;
  const http_response r = get(client, "/tiles/kelurahan,rw.json");
  ASSERT_EQ(r.status, 200) << r.body;
  const json doc = body_of(r);
  EXPECT_EQ(doc["tilejson"], "3.0.0");
  EXPECT_EQ(doc["tiles"][0], env().base_url() + "/tiles/kelurahan,rw/{z}/{x}/{y}.mvt");
  ASSERT_EQ(doc["vector_layers"].size(), 2u);
  EXPECT_EQ(doc["vector_layers"][0]["id"], "kelurahan");
  EXPECT_TRUE(doc["vector_layers"][1]["fields"].contains("unserved"));
  EXPECT_GT(doc["bounds"][0].get<double>(), 106.3);
  EXPECT_LT(doc["bounds"][2].get<double>(), 107.2);
  // The first view opens on the city (a kelurahan is there), not at sea.
  const http_response there = get(
      client, "/api/v1/lookup?lon=" + doc["center"][0].dump() + "&lat=" + doc["center"][1].dump());
  ASSERT_EQ(there.status, 200) << there.body;
  EXPECT_FALSE(body_of(there)["kelurahan"].is_null()) << doc["center"].dump();
  EXPECT_EQ(doc["center"][2], 11);
  // Jakarta holds kelurahan, RW and RT: each is credited (a database without RW and RT is
  // tested in tests/cli: Cli.TileJsonCreditsOnlyTheBoundariesTheDatabaseHolds).
  EXPECT_EQ(doc["attribution"],
            "Kelurahan boundaries: BPS via OCHA HDX (CC BY-IGO); RW and RT boundaries: synthetic");
  EXPECT_EQ(get(client, "/tiles/kelurahan,lakes.json").status, 404);
}

TEST(Tiles, ACompositeTileHasOneLayerPerSourceThatGdalReads) {
  test_support::http_client client;
  const xyz t = tile_of(106.8272, -6.1754, 14);
  const http_response r = get(client, "/tiles/kelurahan,rw,rt/" + t.path() + ".mvt");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "application/vnd.mapbox-vector-tile");
  const std::string info = run("ogrinfo -ro -so '" + saved(t, r.body) + "' 2>&1");
  EXPECT_NE(info.find("using driver `MVT' successful"), std::string::npos) << info;
  for (const char* layer : {"1: kelurahan (Polygon)", "2: rw (Polygon)", "3: rt (Polygon)"})
    EXPECT_NE(info.find(layer), std::string::npos) << info;
}

TEST(Tiles, AnswersNotModifiedNoContentAndBadAddresses) {
  test_support::http_client client;
  const std::string path = "/tiles/rw/" + tile_of(106.8272, -6.1754, 12).path() + ".mvt";
  const http_response first = get(client, path);
  ASSERT_EQ(first.status, 200);
  const std::string etag = first.header("etag").value_or("");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(get(client, path, "", {"If-None-Match: " + etag}).status, 304);
  const http_response packed = get(client, path, "", {"Accept-Encoding: gzip"});
  EXPECT_EQ(packed.header("content-encoding"), "gzip");
  EXPECT_NE(packed.header("etag"), etag);
  EXPECT_EQ(get(client, "/tiles/rw/10/0/0.mvt").status, 204);  // the Arctic
  for (const char* bad : {"/tiles/rw/25/0/0.mvt", "/tiles/rw/10/1024/0.mvt",
                          "/tiles/rw/10/-1/3.mvt", "/tiles/rw/10/1/3x.mvt"}) {
    const http_response r = get(client, bad);
    EXPECT_EQ(r.status, 400) << bad << " " << r.body;
  }
  EXPECT_EQ(get(client, "/tiles/rw,lakes/10/815/529.mvt").status, 404);
}

TEST(Tiles, APledgeShowsAtOnceInTheTilesOfItsRwAtEveryZoom) {
  test_support::http_client client;
  const json page = body_of(
      get(client, "/api/v1/targets?status=open&limit=50&area=" + env().pic_area(), "admin"));
  json target;
  for (const json& t : page["targets"]) {
    if (t["located"] == true) {
      target = t;
    }
  }
  ASSERT_FALSE(target.is_null());
  const std::string rw = target["rw_code"];
  std::vector<std::pair<xyz, std::string>> before;
  for (int z : {10, 14, 16}) {
    const xyz t = tile_of(target["lon"], target["lat"], z);
    const http_response r = get(client, "/tiles/rw/" + t.path() + ".mvt");
    ASSERT_EQ(r.status, 200);
    before.emplace_back(t, r.header("etag").value_or(""));
    EXPECT_GE(property(saved(t, r.body), "rw", rw, "pledged"), 0) << t.path();
  }
  const long pledged_before = property(
      saved(before[1].first, get(client, "/tiles/rw/" + before[1].first.path() + ".mvt").body),
      "rw", rw, "pledged");
  ASSERT_EQ(post(client, "/api/v1/pledges",
                 {{"target", target["id"]}, {"form", "barang"}, {"quantity", 1}}, "collaborator")
                .status,
            201);
  for (const auto& [t, etag] : before) {
    const http_response r =
        get(client, "/tiles/rw/" + t.path() + ".mvt", "", {"If-None-Match: " + etag});
    ASSERT_EQ(r.status, 200) << "stale tile " << t.path();
    EXPECT_NE(r.header("etag"), etag);
    EXPECT_EQ(property(saved(t, r.body), "rw", rw, "pledged"), pledged_before + 1) << t.path();
  }
}

}  // namespace

namespace {

using namespace api_test;

double metric(const std::string& text, const std::string& name) {
  const std::size_t at = text.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stod(text.substr(at + name.size() + 2));
}

TEST(Tiles, ARepeatedTileComesFromTheCache) {
  test_support::http_client client;
  const std::string path = "/tiles/kelurahan/" + tile_of(106.9, -6.25, 13).path() + ".mvt";
  const http_response first = get(client, path);
  ASSERT_EQ(first.status, 200);
  const std::string before = get(client, "/metrics", "admin").body;
  const http_response again = get(client, path);
  const std::string after = get(client, "/metrics", "admin").body;
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(metric(after, "sasaran_tile_cache_hits"),
            metric(before, "sasaran_tile_cache_hits") + 1);
  EXPECT_EQ(metric(after, "sasaran_tile_cache_misses"),
            metric(before, "sasaran_tile_cache_misses"));
  EXPECT_GT(metric(after, "sasaran_tile_cache_bytes"), 0);
}

}  // namespace

namespace {

using namespace api_test;

// Every value of a property in a layer of a saved tile, as GDAL reads it.
std::vector<std::string> values_of(const std::string& file, const std::string& layer,
                                   const std::string& name, const std::string& where = "") {
  const std::string out =
      run("ogrinfo -ro -q " + (where.empty() ? "" : "-where \"" + where + "\" ") + "'" + file +
          "' " + layer + " 2>&1");
  std::vector<std::string> values;
  for (std::size_t at = out.find("  " + name + " ("); at != std::string::npos;
       at = out.find("  " + name + " (", at + 1)) {
    const std::size_t from = out.find("= ", at) + 2;
    values.push_back(out.substr(from, out.find('\n', from) - from));
  }
  return values;
}

// A located open target of the PIC's kelurahan, as an admin sees it (exact position).
json located_open_target(test_support::http_client& client, std::size_t skip) {
  const json page = body_of(
      get(client, "/api/v1/targets?status=open&limit=100&area=" + env().pic_area(), "admin"));
  for (const json& t : page["targets"])
    if (t["located"] == true && skip-- == 0) return t;
  return nullptr;
}

TEST(Tiles, TargetsFollowTheCallersRoleAndNoRoleGetsAnothersTile) {
  test_support::http_client client;
  const json target = located_open_target(client, 0);
  ASSERT_FALSE(target.is_null());
  const std::string id = target["id"];
  const std::string where = "id = '" + id + "'";
  std::map<std::string, std::string> file_of;
  // The admin first, so that a cache keyed by tile alone would hand the exact tile to others.
  for (const char* role : {"admin", "pic", "collaborator", "planner"}) {
    // The coarse spot may fall in a neighbouring tile: look in the 3 x 3 around the exact one.
    const xyz centre = tile_of(target["lon"], target["lat"], 16);
    for (long dx = -1; dx <= 1; ++dx)
      for (long dy = -1; dy <= 1; ++dy) {
        const xyz t{16, centre.x + dx, centre.y + dy};
        const http_response r = get(client, "/tiles/targets/" + t.path() + ".mvt", role);
        if (r.status != 200) continue;
        EXPECT_EQ(r.header("cache-control"), "private, no-cache");
        const std::string file = saved(t, r.body, role);
        if (!values_of(file, "targets", "id", where).empty()) file_of[role] = file;
        if (std::string(role) == "collaborator" || std::string(role) == "planner") {
          EXPECT_TRUE(values_of(file, "targets", "rt").empty()) << role;
        }
      }
  }
  ASSERT_EQ(file_of.size(), 4u);
  EXPECT_EQ(values_of(file_of["admin"], "targets", "position", where),
            std::vector<std::string>{"exact"});
  EXPECT_EQ(values_of(file_of["admin"], "targets", "household_size", where),
            std::vector<std::string>{std::to_string(target["household_size"].get<int>())});
  EXPECT_EQ(values_of(file_of["pic"], "targets", "position", where),
            std::vector<std::string>{"exact"});
  for (const char* role : {"collaborator", "planner"}) {
    EXPECT_EQ(values_of(file_of[role], "targets", "position", where),
              std::vector<std::string>{"coarse"});
    EXPECT_TRUE(values_of(file_of[role], "targets", "household_size").empty());
  }
  // Anonymous callers get counts per RW, never a target, from the same tiles.
  const xyz centre = tile_of(target["lon"], target["lat"], 16);
  for (long dx = -1; dx <= 1; ++dx)
    for (long dy = -1; dy <= 1; ++dy) {
      const xyz t{16, centre.x + dx, centre.y + dy};
      const http_response r = get(client, "/tiles/targets/" + t.path() + ".mvt");
      EXPECT_EQ(r.body.find(id), std::string::npos) << t.path();
      if (r.status == 200) {
        for (const std::string& kind : values_of(saved(t, r.body), "targets", "kind"))
          EXPECT_EQ(kind, "rw");
      }
    }
}

TEST(Tiles, ClustersAtZoom10CountEveryLocatedTargetOfJakartaOnce) {
  test_support::http_client client;
  const json doc = body_of(get(client, "/tiles/targets.json"));
  const xyz nw = tile_of(doc["bounds"][0], doc["bounds"][3], 10);
  const xyz se = tile_of(doc["bounds"][2], doc["bounds"][1], 10);
  std::uint64_t counted = 0, clusters = 0;
  for (long x = nw.x; x <= se.x; ++x)
    for (long y = nw.y; y <= se.y; ++y) {
      const xyz t{10, x, y};
      const http_response r = get(client, "/tiles/targets/" + t.path() + ".mvt", "collaborator");
      if (r.status == 204) continue;
      ASSERT_EQ(r.status, 200);
      for (const std::string& n : values_of(saved(t, r.body), "targets", "count")) {
        counted += std::stoull(n);
        ++clusters;
      }
    }
  EXPECT_EQ(counted, 248489u);  // located targets (jakarta-expected-counts.json)
  EXPECT_GT(clusters, 20u);
}

TEST(Tiles, APledgeShowsAtOnceAsTheTargetsStatusAndInItsCluster) {
  test_support::http_client client;
  const json target = located_open_target(client, 5);
  ASSERT_FALSE(target.is_null());
  const std::string where = "id = '" + target["id"].get<std::string>() + "'";
  // An admin sees the target at its exact position, so its tile is known.
  const xyz point_tile = tile_of(target["lon"], target["lat"], 16);
  const xyz cluster_tile = tile_of(target["lon"], target["lat"], 12);
  const auto fetch = [&](const xyz& t) {
    return get(client, "/tiles/targets/" + t.path() + ".mvt", "admin");
  };
  const auto pledged_in_clusters = [&](const http_response& r) {
    std::uint64_t n = 0;
    for (const std::string& v : values_of(saved(cluster_tile, r.body), "targets", "status_pledged"))
      n += std::stoull(v);
    return n;
  };
  const http_response point_before = fetch(point_tile);
  const http_response cluster_before = fetch(cluster_tile);
  ASSERT_EQ(values_of(saved(point_tile, point_before.body), "targets", "status", where),
            std::vector<std::string>{"open"});
  ASSERT_EQ(post(client, "/api/v1/pledges",
                 {{"target", target["id"]}, {"form", "barang"}, {"quantity", 2}}, "collaborator")
                .status,
            201);
  const http_response point_after = fetch(point_tile);
  EXPECT_NE(point_after.header("etag"), point_before.header("etag"));
  EXPECT_EQ(values_of(saved(point_tile, point_after.body), "targets", "status", where),
            std::vector<std::string>{"pledged"});
  EXPECT_EQ(pledged_in_clusters(fetch(cluster_tile)), pledged_in_clusters(cluster_before) + 1);
}

TEST(Tiles, TileJsonDescribesTheTargetsLayer) {
  test_support::http_client client;
  const json doc = body_of(get(client, "/tiles/kelurahan,rw,targets.json?program=pangan"));
  ASSERT_EQ(doc["vector_layers"].size(), 3u);
  const json& targets = doc["vector_layers"][2];
  EXPECT_EQ(targets["id"], "targets");
  EXPECT_EQ(targets["minzoom"], 0);
  for (const char* field : {"kind", "id", "program", "need", "priority", "status", "position",
                            "count", "status_open", "program_pangan"})
    EXPECT_TRUE(targets["fields"].contains(field)) << field;
  EXPECT_EQ(doc["tiles"][0],
            env().base_url() + "/tiles/kelurahan,rw,targets/{z}/{x}/{y}.mvt?program=pangan");
}

}  // namespace
