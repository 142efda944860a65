// Vector tiles over HTTP: TileJSON, tiles read back with GDAL's MVT driver, the 204/304/400/
// 404 paths, and a pledge showing at once in the tiles of its RW.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <numbers>
#include <tuple>

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
  // Its ~100 m cell, numbered as docs/api.md says: floor(degrees / 0.0009) on each axis.
  const std::string cell =
      std::to_string(static_cast<long>(std::floor(target["lon"].get<double>() / 0.0009))) + "," +
      std::to_string(static_cast<long>(std::floor(target["lat"].get<double>() / 0.0009)));
  const std::string where_cell = "cell = '" + cell + "'";
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
        const bool coarse = std::string(role) == "collaborator" || std::string(role) == "planner";
        if (!values_of(file, "targets", coarse ? "kind" : "id", coarse ? where_cell : where)
                 .empty())
          file_of[role] = file;
        if (coarse) {
          // Cells only: no target's id, need, detail or own status leaves the server.
          for (const std::string& kind : values_of(file, "targets", "kind"))
            EXPECT_EQ(kind, "cell") << role;
          for (const char* field : {"id", "need", "priority", "status", "rt", "household_size"})
            EXPECT_TRUE(values_of(file, "targets", field).empty()) << role << " " << field;
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
  for (const char* role : {"collaborator", "planner"})
    EXPECT_EQ(values_of(file_of[role], "targets", "kind", where_cell),
              std::vector<std::string>{"cell"});
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
  EXPECT_TRUE(targets["fields"].contains("cell"));
  EXPECT_EQ(doc["tiles"][0],
            env().base_url() + "/tiles/kelurahan,rw,targets/{z}/{x}/{y}.mvt?program=pangan");
}

}  // namespace

namespace {

using namespace api_test;

// The ~100 m cell of a position, numbered as docs/api.md says (floor of degrees / 0.0009 on
// each axis), and its centre: worked out here, not by geo/.
constexpr double cell_degrees = 0.0009;
std::pair<long, long> cell_numbers(double lon, double lat) {
  return {static_cast<long>(std::floor(lon / cell_degrees)),
          static_cast<long>(std::floor(lat / cell_degrees))};
}
std::string cell_text(std::pair<long, long> c) {
  return std::to_string(c.first) + "," + std::to_string(c.second);
}

// By cell ("x,y"), the number of located targets whose cell's centre lies in the tile: what a
// coarse viewer's tile must count, from the store rather than from the server.
std::map<std::string, std::uint64_t> expected_cells(const xyz& t) {
  std::map<std::string, std::uint64_t> out;
  for (const geo::target& target : stored().load_targets()) {
    if (!target.lon) continue;
    const auto c = cell_numbers(*target.lon, *target.lat);
    const xyz at = tile_of((double(c.first) + 0.5) * cell_degrees,
                           (double(c.second) + 0.5) * cell_degrees, t.z);
    if (at.x == t.x && at.y == t.y) ++out[cell_text(c)];
  }
  return out;
}

// By cell, the `count` of each cell feature of a targets tile read back by GDAL, checking that
// the layer holds only cells, each once.
std::map<std::string, std::uint64_t> cells_in(const std::string& file) {
  const std::vector<std::string> cells = values_of(file, "targets", "cell");
  const std::vector<std::string> counts = values_of(file, "targets", "count");
  EXPECT_EQ(cells.size(), counts.size());
  std::map<std::string, std::uint64_t> out;
  for (std::size_t i = 0; i < cells.size() && i < counts.size(); ++i)
    EXPECT_TRUE(out.emplace(cells[i], std::stoull(counts[i])).second) << cells[i] << " twice";
  return out;
}

TEST(TargetCells, ACollaboratorsTileFromZoom14HasOneFeaturePerOccupiedCellCountingItsTargets) {
  test_support::http_client client;
  const json target = located_open_target(client, 0);
  ASSERT_FALSE(target.is_null());
  for (int z = 14; z <= 16; ++z) {
    const xyz t = tile_of(target["lon"], target["lat"], z);
    const http_response r = get(client, "/tiles/targets/" + t.path() + ".mvt", "collaborator");
    ASSERT_EQ(r.status, 200) << t.path();
    const std::string file = saved(t, r.body, "cells");
    for (const std::string& kind : values_of(file, "targets", "kind"))
      EXPECT_EQ(kind, "cell");
    for (const char* field : {"id", "need", "priority", "household_size", "rt", "position"})
      EXPECT_TRUE(values_of(file, "targets", field).empty()) << field << " at " << t.path();
    const std::map<std::string, std::uint64_t> expected = expected_cells(t);
    EXPECT_GT(expected.size(), 3u) << t.path();
    EXPECT_EQ(cells_in(file), expected) << t.path();
    // The statuses of a cell add up to its count.
    const auto sum = [&](const char* field) {
      std::uint64_t n = 0;
      for (const std::string& v : values_of(file, "targets", field))
        n += std::stoull(v);
      return n;
    };
    EXPECT_EQ(sum("status_open") + sum("status_pledged") + sum("status_delivered"), sum("count"));
  }
}

TEST(TargetCells, ACellQueryListsWhatABboxQueryOfItsSquareListsInThatCellAndTheTileCounts) {
  test_support::http_client client;
  const json target = located_open_target(client, 1);
  ASSERT_FALSE(target.is_null());
  const xyz t = tile_of(target["lon"], target["lat"], 15);
  const std::map<std::string, std::uint64_t> tile_cells = cells_in(saved(
      t, get(client, "/tiles/targets/" + t.path() + ".mvt", "collaborator").body, "cell-query"));
  ASSERT_FALSE(tile_cells.empty());
  std::size_t checked = 0;
  for (const auto& [cell, count] : tile_cells) {
    if (++checked > 6) break;
    const long x = std::stol(cell.substr(0, cell.find(','))),
               y = std::stol(cell.substr(cell.find(',') + 1));
    for (const char* role : {"collaborator", "admin"}) {
      const json by_cell = body_of(get(client, "/api/v1/targets?limit=1000&cell=" + cell, role));
      char box[128];
      std::snprintf(box, sizeof box, "%.7f,%.7f,%.7f,%.7f", double(x) * cell_degrees,
                    double(y) * cell_degrees, double(x + 1) * cell_degrees,
                    double(y + 1) * cell_degrees);
      const json by_box =
          body_of(get(client, std::string("/api/v1/targets?limit=1000&bbox=") + box, role));
      std::vector<std::string> in_box, in_cell;
      for (const json& v : by_box["targets"])
        if (cell_text(cell_numbers(v["lon"], v["lat"])) == cell) in_box.push_back(v["id"]);
      for (const json& v : by_cell["targets"])
        in_cell.push_back(v["id"]);
      EXPECT_EQ(in_cell, in_box) << role << " " << cell;
      EXPECT_EQ(by_cell["number_matched"], count) << role << " " << cell;
    }
  }
}

TEST(TargetCells, AMalformedCellIsA400NamingItAndAFarCellHoldsNoTarget) {
  test_support::http_client client;
  for (const char* bad : {"1,", "a,b", ",1", "1", "1,2,3", "99999999999999999999,1", "200001,0",
                          "0,-100001", "1.5,2", "%2B1,2", "1,%202", "1;2"}) {
    const http_response r = get(client, std::string("/api/v1/targets?cell=") + bad, "collaborator");
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(body_of(r)["parameter"], "cell") << bad;
  }
  EXPECT_EQ(get(client, "/api/v1/targets?cell=1,2&area=3171010001", "collaborator").status, 400);
  const json far = body_of(get(client, "/api/v1/targets?cell=-200000,100000", "collaborator"));
  EXPECT_EQ(far["number_matched"], 0);
  EXPECT_EQ(get(client, "/api/v1/targets?cell=118677,-6848").status, 401);
}

TEST(TargetCells, AnAdminGetsPointsAndAPicPointsInScopeAndCellsOutside) {
  test_support::http_client client;
  const json target = located_open_target(client, 2);
  ASSERT_FALSE(target.is_null());
  const xyz t = tile_of(target["lon"], target["lat"], 14);
  const std::string admin =
      saved(t, get(client, "/tiles/targets/" + t.path() + ".mvt", "admin").body, "admin14");
  for (const std::string& kind : values_of(admin, "targets", "kind"))
    EXPECT_EQ(kind, "target");
  const std::string pic =
      saved(t, get(client, "/tiles/targets/" + t.path() + ".mvt", "pic").body, "pic14");
  const std::vector<std::string> kinds = values_of(pic, "targets", "kind");
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "target"), kinds.end());
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "cell"), kinds.end());
  for (const std::string& p : values_of(pic, "targets", "position"))
    EXPECT_EQ(p, "exact");
  EXPECT_EQ(values_of(pic, "targets", "kind", "id = '" + target["id"].get<std::string>() + "'"),
            std::vector<std::string>{"target"});
  for (const std::string& id : values_of(pic, "targets", "cell", "kind = 'target'"))
    ADD_FAILURE() << "a point with a cell: " << id;
}

TEST(TargetCells, APledgeMovesOneTargetOfItsCellToPledgedAndChangesTheTilesETag) {
  test_support::http_client client;
  const json target = located_open_target(client, 9);
  ASSERT_FALSE(target.is_null());
  const std::string cell = cell_text(cell_numbers(target["lon"], target["lat"]));
  const xyz t =
      tile_of((double(cell_numbers(target["lon"], target["lat"]).first) + 0.5) * cell_degrees,
              (double(cell_numbers(target["lon"], target["lat"]).second) + 0.5) * cell_degrees, 16);
  const auto read = [&](const char* as) {
    const http_response r = get(client, "/tiles/targets/" + t.path() + ".mvt", "collaborator");
    const std::string file = saved(t, r.body, as);
    const std::string where = "cell = '" + cell + "'";
    return std::tuple{r.header("etag"), values_of(file, "targets", "status_open", where),
                      values_of(file, "targets", "status_pledged", where)};
  };
  const auto [etag_before, open_before, pledged_before] = read("pledge-before");
  ASSERT_EQ(open_before.size(), 1u);
  ASSERT_EQ(post(client, "/api/v1/pledges",
                 {{"target", target["id"]}, {"form", "barang"}, {"quantity", 1}}, "collaborator")
                .status,
            201);
  const auto [etag_after, open_after, pledged_after] = read("pledge-after");
  EXPECT_NE(etag_after, etag_before);
  ASSERT_EQ(open_after.size(), 1u);
  EXPECT_EQ(std::stoi(open_after[0]), std::stoi(open_before[0]) - 1);
  EXPECT_EQ(std::stoi(pledged_after[0]), std::stoi(pledged_before[0]) + 1);
}

}  // namespace
