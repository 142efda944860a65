// The attacker's suite of issue 11: "the cell is the unit of disclosure". For a sample of
// targets of every import outcome, biased toward cells that straddle an RT or RW boundary, each
// coarse role (collaborator, aggregator, planner, a PIC outside their scope) and anonymous
// callers query every channel (targets by id, nearest, box and area, OGC items and filters,
// target tiles at z14-22 and their clusters at z11-13, pledge answers, planners' pledges by area,
// and every public figure a pledge and its cancel move), and the test computes what the answers
// together pin each target to: its cell intersected with every area they tie it to. It fails,
// naming target, role and channel, when that is less than the cell and the areas at its spot
// already say, when an area holding the spot leaves it out (membership follows the spot), or
// when an answer carries an exact position, a distance from it, or a household detail. The
// active probe, figures, the examples, delivery notes, the order of authorization
// checks and /metrics are in test_privacy_probes.cpp. Both: about 15 s in release, 2.5 minutes
// under ASan, after the environment's import.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <charconv>
#include <iostream>

#include "geo/engine/geodesic.hpp"
#include "tests/http/privacy_attack_sample.hpp"
#include "tests/http/privacy_attack_support.hpp"

namespace {

using namespace attack;

// --- reading the channels ------------------------------------------------------------------

// A target as an API answer gives it to a coarse caller: the spot or null, "coarse", no detail.
void check_coarse_target(findings& f, const std::string& channel, const sample_target& t,
                         const json& j) {
  if (j.value("position", "") != "coarse")
    f.leak(channel, "position " + j.value("position", std::string("(none)")));
  for (const std::string& m : detail_members)
    if (j.contains(m) && !j[m].is_null()) f.leak(channel, "carries " + m + " = " + j[m].dump());
  if (t.located()) {
    if (!j["lon"].is_number() || !j["lat"].is_number() || j["lon"].get<double>() != t.spot->lon ||
        j["lat"].get<double>() != t.spot->lat)
      f.leak(channel, "shows it at " + j["lon"].dump() + "," + j["lat"].dump() + ", not its spot");
  } else if (!j["lon"].is_null() || !j["lat"].is_null()) {
    f.leak(channel, "shows an unlocated target at " + j["lon"].dump() + "," + j["lat"].dump());
  }
  f.tie_members(channel, j);
}

// GET /api/v1/targets/{id}, nearest, and boxes around the spot and around the exact position.
void read_target_api(test_support::http_client& client, const sample_target& t,
                     const std::string& role, findings& f) {
  {
    const std::string channel = "GET /api/v1/targets/" + t.id;
    const http_response r = get(client, "/api/v1/targets/" + t.id, role);
    if (r.status != 200) {
      f.leak(channel, "answered " + std::to_string(r.status) + ": " + r.body);
    } else {
      check_coarse_target(f, channel, t, body_of(r));
    }
  }
  if (!t.located()) {
    // An unlocated target has no position to be found near or in a box.
    const area_shape* rw = areas().find(t.spot_chain.at(geo::admin_level::rw));
    if (!rw) return;
    const std::string path =
        "/api/v1/targets/nearest?lon=" + number((rw->box.min_x + rw->box.max_x) / 2) +
        "&lat=" + number((rw->box.min_y + rw->box.max_y) / 2) +
        "&k=100&status=any&program=" + t.program;
    if (!entry_of(body_of(get(client, path, role))["targets"], t.id).is_null())
      f.leak("GET " + path, "lists an unlocated target");
    return;
  }
  // Nearest from the exact position: the distance must be the one to the spot.
  {
    const std::string path = "/api/v1/targets/nearest?lon=" + number(t.exact->lon) +
                             "&lat=" + number(t.exact->lat) +
                             "&k=100&status=any&program=" + t.program;
    const json near = body_of(get(client, path, role));
    const json e = entry_of(near["targets"], t.id);
    if (!e.is_null()) {
      check_coarse_target(f, "GET " + path, t, e);
      const double to_spot =
          geo::geodesic_distance_m(t.exact->lon, t.exact->lat, t.spot->lon, t.spot->lat);
      if (std::abs(e.value("distance_m", -1.0) - to_spot) > 0.011)
        f.leak("GET " + path, "distance_m " + e["distance_m"].dump() +
                                  " is not the distance to the spot (" + number(to_spot) + " m)");
    }
  }
  // Nearest from the spot: it is there at distance 0 unless 100 others share its cell.
  {
    const std::string path = "/api/v1/targets/nearest?lon=" + number(t.spot->lon) +
                             "&lat=" + number(t.spot->lat) +
                             "&k=100&status=any&program=" + t.program;
    const json near = body_of(get(client, path, role))["targets"];
    const json e = entry_of(near, t.id);
    if (e.is_null()) {
      if (near.size() < 100 || near.back().value("distance_m", 0.0) > 0)
        f.leak("GET " + path, "leaves it out though it lies at the queried spot");
    } else {
      check_coarse_target(f, "GET " + path, t, e);
      if (e.value("distance_m", -1.0) != 0)
        f.leak("GET " + path, "distance_m " + e["distance_m"].dump() + " from its own spot");
    }
  }
  // A box around the spot holds it; a box around the exact position that misses the spot
  // must not.
  const geo::bbox around_spot{t.spot->lon - 0.0002, t.spot->lat - 0.0002, t.spot->lon + 0.0002,
                              t.spot->lat + 0.0002};
  const double off =
      std::max(std::abs(t.exact->lon - t.spot->lon), std::abs(t.exact->lat - t.spot->lat)) / 2;
  const std::optional<geo::bbox> around_exact =
      off < 1e-6 ? std::nullopt
                 : std::optional<geo::bbox>(geo::bbox{t.exact->lon - off, t.exact->lat - off,
                                                      t.exact->lon + off, t.exact->lat + off});
  for (const std::optional<geo::bbox>& box :
       {std::optional<geo::bbox>(around_spot), around_exact}) {
    if (!box) continue;
    const std::string path =
        "/api/v1/targets?bbox=" + box_param(*box) + "&program=" + t.program + "&limit=1000";
    const json e = entry_of(body_of(get(client, path, role))["targets"], t.id);
    if (!e.is_null()) {
      check_coarse_target(f, "GET " + path, t, e);
      f.in_box("GET " + path, *box);
    } else if (box->contains(t.spot->lon, t.spot->lat)) {
      f.leak("GET " + path, "leaves it out of a box around its spot");
    }
  }
}

// A page of GET /api/v1/targets read without parsing all of it (a page holds up to 1,000
// targets, the suite reads hundreds of pages, and the sanitizers make parsing them slow): the
// entry of one id (targets are flat objects, written without spaces), the page's last id and the
// link to the next page. Should the layout change, entries go missing and the test fails.
struct scanned_page {
  json entry = nullptr;
  std::string last_id;
  std::string next;
};

scanned_page scan_targets(const std::string& body, const std::string& id) {
  scanned_page out;
  if (const std::size_t at = body.find("{\"id\":\"" + id + "\""); at != std::string::npos)
    out.entry = json::parse(body.substr(at, body.find('}', at) - at + 1));
  const std::string opening = "{\"id\":\"";
  if (const std::size_t at = body.rfind(opening); at != std::string::npos) {
    const std::size_t start = at + opening.size();
    out.last_id = body.substr(start, body.find('"', start) - start);
  }
  if (const std::size_t at = body.rfind(",\"next\":"); at != std::string::npos)
    out.next = json::parse("{" + body.substr(at + 1))["next"].get<std::string>();
  return out;
}

// GET /api/v1/targets?area= for each area, following `next` until the target's id is passed.
void read_area_lists(test_support::http_client& client, const sample_target& t,
                     const std::string& role, findings& f) {
  for (const std::string& code : areas_to_ask(t)) {
    const std::string first =
        "/api/v1/targets?area=" + code + "&program=" + t.program + "&status=any&limit=1000";
    const std::string channel = "GET " + first;
    json found = nullptr;
    for (std::string path = first; !path.empty();) {
      const http_response r = get(client, path, role);
      if (r.status != 200) {
        f.leak(channel, "answered " + std::to_string(r.status) + ": " + r.body);
        break;
      }
      const scanned_page page = scan_targets(r.body, t.id);
      found = page.entry;
      path = found.is_null() && page.last_id < t.id && !page.next.empty()
                 ? page.next.substr(env().base_url().size())
                 : "";
    }
    if (!found.is_null()) {
      check_coarse_target(f, channel, t, found);
      f.tie(channel, code);
    } else if (t.spot_chain.holds(code)) {
      f.left_out(channel, code);
    }
  }
}

// The OGC targets collection: the item, boxes, and property filters on the chains' codes.
void read_ogc(test_support::http_client& client, const sample_target& t, const std::string& role,
              findings& f) {
  const std::string base = "/ogc/collections/targets/items";
  const auto check_feature = [&](const std::string& channel, const json& feature) {
    const json& p = feature["properties"];
    if (p.value("precision", "") != "coarse")
      f.leak(channel, "precision " + p.value("precision", std::string("(none)")));
    for (const std::string& m : detail_members)
      if (p.contains(m) && !p[m].is_null()) f.leak(channel, "carries " + m + " = " + p[m].dump());
    f.tie_members(channel, p);
    const json& g = feature["geometry"];
    if (t.located()) {
      const bool at_spot = g.is_object() && g["coordinates"].size() == 2 &&
                           std::abs(g["coordinates"][0].get<double>() - t.spot->lon) < 1e-9 &&
                           std::abs(g["coordinates"][1].get<double>() - t.spot->lat) < 1e-9;
      if (!at_spot) f.leak(channel, "geometry " + g.dump() + " is not the spot");
      // Membership follows the spot: coarse features name the spot chain's RW and up.
      for (geo::admin_level level : {geo::admin_level::rw, geo::admin_level::kelurahan}) {
        const std::string member = std::string(geo::to_string(level)) + "_code";
        if (p.value(member, "") != t.spot_chain.at(level))
          f.leak(channel, "carries " + member + " = " +
                              (p.contains(member) ? p[member].dump() : "(none)") +
                              ", not the spot chain's " + t.spot_chain.at(level));
      }
    } else if (!g.is_null()) {
      f.leak(channel, "gives an unlocated target the geometry " + g.dump());
    }
  };
  {
    const std::string path = base + "/" + t.id;
    const http_response r = get(client, path, role);
    if (r.status == 200) {
      check_feature("GET " + path, body_of(r));
    } else if (t.located() || r.status != 404) {
      f.leak("GET " + path, "answered " + std::to_string(r.status) + ": " + r.body);
    }
  }
  const auto listed = [&](const std::string& path) -> json {
    const http_response r = get(client, path, role);
    if (r.status != 200) {
      f.leak("GET " + path, "answered " + std::to_string(r.status) + ": " + r.body);
      return nullptr;
    }
    const json page = body_of(r);
    for (const json& feature : page["features"])
      if (feature.value("id", "") == t.id) return feature;
    return nullptr;
  };
  if (t.located()) {
    const geo::bbox around_spot{t.spot->lon - 0.0002, t.spot->lat - 0.0002, t.spot->lon + 0.0002,
                                t.spot->lat + 0.0002};
    const double off =
        std::max(std::abs(t.exact->lon - t.spot->lon), std::abs(t.exact->lat - t.spot->lat)) / 2;
    std::vector<geo::bbox> boxes = {around_spot};
    if (off >= 1e-6)
      boxes.push_back(
          {t.exact->lon - off, t.exact->lat - off, t.exact->lon + off, t.exact->lat + off});
    for (const geo::bbox& box : boxes) {
      const std::string path = base + "?bbox=" + box_param(box) + "&limit=1000";
      const json feature = listed(path);
      if (!feature.is_null()) {
        check_feature("GET " + path, feature);
        f.in_box("GET " + path, box);
      } else if (box.contains(t.spot->lon, t.spot->lat)) {
        f.leak("GET " + path, "leaves it out of a box around its spot");
      }
    }
  }
  // Filters on the codes of both chains, within the cell, so that pages stay short. Not for
  // unlocated targets: they are no features for coarse callers (their item is a 404, above),
  // and a filter without a box scans the whole collection (seconds under the sanitizers).
  if (!t.located()) return;
  const geo::bbox cell = t.cell();
  const geo::bbox near_cell{cell.min_x - 0.0001, cell.min_y - 0.0001, cell.max_x + 0.0001,
                            cell.max_y + 0.0001};
  for (geo::admin_level level :
       {geo::admin_level::rt, geo::admin_level::rw, geo::admin_level::kelurahan}) {
    const std::string member = std::string(geo::to_string(level)) + "_code";
    std::set<std::string> codes;
    for (const chain* c : {&t.spot_chain, &t.exact_chain})
      if (!c->at(level).empty()) codes.insert(c->at(level));
    for (const std::string& code : codes) {
      const std::string path =
          base + "?" + member + "=" + code + "&bbox=" + box_param(near_cell) + "&limit=10000";
      const json feature = listed(path);
      if (!feature.is_null()) {
        check_feature("GET " + path, feature);
        f.tie("GET " + path, code);
      } else if (level != geo::admin_level::rt && t.spot_chain.holds(code)) {
        f.left_out("GET " + path, code);
      }
    }
  }
}

// The targets layer from z14 to z22: the feature of its cell (kind cell, or a point with its id
// were the caller shown it as such) in the tile holding the spot, at the spot, with no detail;
// never in a tile that holds only the exact position.
void read_tiles(test_support::http_client& client, const sample_target& t, const std::string& role,
                findings& f) {
  if (!t.located()) return;
  for (int z = 14; z <= 22; ++z) {
    const tile_xyz at_spot = tile_of(t.spot->lon, t.spot->lat, z);
    const tile_xyz at_exact = tile_of(t.exact->lon, t.exact->lat, z);
    for (const bool spot_tile : {true, false}) {
      if (!spot_tile && at_exact == at_spot) continue;
      const tile_xyz& tile = spot_tile ? at_spot : at_exact;
      const std::string path = "/tiles/targets/" + tile.path() + ".mvt";
      const std::string channel = "GET " + path;
      const http_response r = get(client, path, role);
      if (r.status != 200 && r.status != 204) {
        f.leak(channel, "answered " + std::to_string(r.status));
        continue;
      }
      const std::vector<tile_feature> features =
          decoded_layer(r.status == 200 ? r.body : "", "targets");
      const geo::bbox square = t.cell();
      const std::string cell =
          std::to_string(std::llround(square.min_x / geo::coarse_cell_degrees)) + "," +
          std::to_string(std::llround(square.min_y / geo::coarse_cell_degrees));
      auto it = std::find_if(features.begin(), features.end(), [&](const tile_feature& x) {
        return x.id == t.feature_id() && x.property("kind") == "target";
      });
      if (it == features.end())
        it = std::find_if(features.begin(), features.end(), [&](const tile_feature& x) {
          return x.property("kind") == "cell" && x.property("cell") == cell;
        });
      if (it == features.end()) {
        if (spot_tile) f.leak(channel, "leaves it out of the tile holding its spot");
        continue;
      }
      f.in_box(channel, tile_box(tile));
      if (it->property("kind") == "target" && it->property("position") != "coarse")
        f.leak(channel, "position " + it->property("position"));
      if (it->property("kind") == "cell" && !it->property("id").empty())
        f.leak(channel, "a cell carrying id " + it->property("id"));
      for (const std::string& m : detail_members)
        if (!it->property(m).empty()) f.leak(channel, "carries " + m + " = " + it->property(m));
      f.tie_members(channel, it->properties);
      // The tile grid, or 1e-7 degrees (about 1 cm) where the grid is finer than the server's
      // own precision (z22).
      const auto [x, y] = tile_units(tile, t.spot->lon, t.spot->lat);
      const double slack = std::max(1.5, 1e-7 / (360 / std::pow(2.0, z) / tile_extent));
      if (!(std::abs(it->x - x) <= slack && std::abs(it->y - y) <= slack))
        f.leak(channel, "draws it at " + number(it->x) + "," + number(it->y) +
                            " (tile units), not at its spot " + number(x) + "," + number(y));
    }
  }
}

// Every located target's spot, read once.
const std::vector<geo::lon_lat>& all_spots() {
  static const std::vector<geo::lon_lat> spots = [] {
    std::vector<geo::lon_lat> out;
    geo::sqlite_statement s = database().prepare(
        "SELECT lon, lat FROM targets WHERE lon IS NOT NULL AND lat IS NOT NULL");
    while (s.step())
      out.push_back(geo::coarse_position(s.column_double(0), s.column_double(1)));
    return out;
  }();
  return spots;
}

// A cluster as the spots alone make it: the targets whose spot lies in one eighth of a tile's
// width and height, and their mean position in tile units.
struct expected_cluster {
  int count = 0;
  double x = 0, y = 0;
};

expected_cluster cluster_of_spots(const tile_xyz& tile, long ex, long ey) {
  static std::map<std::string, expected_cluster> known;
  const std::string key = tile.path() + "/" + std::to_string(ex) + "/" + std::to_string(ey);
  if (const auto it = known.find(key); it != known.end()) return it->second;
  const double part = tile_extent / 8;
  const geo::bbox box =
      tile_box(tile, static_cast<double>(ex) * part - 1, static_cast<double>(ey) * part - 1,
               static_cast<double>(ex + 1) * part + 1, static_cast<double>(ey + 1) * part + 1);
  expected_cluster c;
  for (const geo::lon_lat& spot : all_spots()) {
    if (!box.contains(spot.lon, spot.lat) || !(tile_of(spot.lon, spot.lat, tile.z) == tile))
      continue;
    const auto [x, y] = tile_units(tile, spot.lon, spot.lat);
    if (static_cast<long>(std::floor(x / part)) != ex ||
        static_cast<long>(std::floor(y / part)) != ey)
      continue;
    ++c.count;
    c.x += x;
    c.y += y;
  }
  if (c.count > 0) {
    c.x /= c.count;
    c.y /= c.count;
  }
  return known[key] = c;
}

// The targets layer below z14: the cluster that holds the target is the one of its spot's
// eighth of the tile, counting and placed by spots only (a cluster of one at the exact position
// would give it away). Not for a PIC, whose clusters mix in the exact positions of their scope.
void read_clusters(test_support::http_client& client, const sample_target& t,
                   const std::string& role, findings& f) {
  if (!t.located() || role == "pic") return;
  for (int z = 11; z <= 13; ++z) {
    const tile_xyz tile = tile_of(t.spot->lon, t.spot->lat, z);
    const std::string path = "/tiles/targets/" + tile.path() + ".mvt";
    const http_response r = get(client, path, role);
    const auto [sx, sy] = tile_units(tile, t.spot->lon, t.spot->lat);
    const double part = tile_extent / 8;
    const long ex = static_cast<long>(std::floor(sx / part));
    const long ey = static_cast<long>(std::floor(sy / part));
    const expected_cluster want = cluster_of_spots(tile, ex, ey);
    std::vector<tile_feature> found;
    for (tile_feature& x : decoded_layer(r.status == 200 ? r.body : "", "targets"))
      if (x.property("kind") == "cluster" && x.x >= static_cast<double>(ex) * part - 1 &&
          x.x <= static_cast<double>(ex + 1) * part + 1 &&
          x.y >= static_cast<double>(ey) * part - 1 &&
          x.y <= static_cast<double>(ey + 1) * part + 1)
        found.push_back(std::move(x));
    const bool as_spots =
        found.size() == 1 && found[0].property("count") == std::to_string(want.count) &&
        std::abs(found[0].x - want.x) <= 1.5 && std::abs(found[0].y - want.y) <= 1.5;
    if (!as_spots)
      f.leak("GET " + path, "the clusters of its spot's eighth of the tile are " +
                                (found.empty() ? std::string("none") : found[0].text()) +
                                (found.size() > 1 ? " and more" : "") + "; by the spots: one of " +
                                std::to_string(want.count) + " at " + number(want.x) + "," +
                                number(want.y));
  }
}

void attack(const sample_target& t, const std::string& role) {
  test_support::http_client client;
  findings f(t, role);
  read_target_api(client, t, role, f);
  read_area_lists(client, t, role, f);
  read_ogc(client, t, role, f);
  read_tiles(client, t, role, f);
  read_clusters(client, t, role, f);
  f.judge();
}

void attack_as(const std::string& role) {
  ASSERT_FALSE(sample().empty());
  for (const sample_target& t : sample())
    attack(t, role);
}

// The same attack on T0000031 as an admin, who sees it exactly: the judge must object.
void attack_t0000031_as_admin() {
  attack(sample().front(), "admin");
}

// --- the tests -----------------------------------------------------------------------------

TEST(PrivacyAttack, TheSampleCoversEveryOutcomeAndItsSpotsAreWhereTheServerFindsThem) {
  SASARAN_SKIP_ON_POSTGRES("the attack's sample and oracle are SQL over the SQLite file");
  ASSERT_FALSE(sample().empty());
  std::map<std::string, int> by_outcome;
  int other_rw = 0, other_rt = 0;
  test_support::http_client client;
  for (const sample_target& t : sample()) {
    ++by_outcome[t.outcome];
    other_rw += t.straddles(geo::admin_level::rw);
    other_rt += t.straddles(geo::admin_level::rt) && !t.straddles(geo::admin_level::rw);
    if (!t.located()) continue;
    // The spot chain computed here from the database is the one the server looks up.
    const json at = body_of(
        get(client, "/api/v1/lookup?lon=" + number(t.spot->lon) + "&lat=" + number(t.spot->lat)));
    for (geo::admin_level level : geo::all_admin_levels) {
      const json& a = at[std::string(geo::to_string(level))];
      EXPECT_EQ(a.is_null() ? "" : a.value("code", ""), t.spot_chain.at(level))
          << t.name() << ": the server's lookup at the spot";
    }
  }
  geo::sqlite_statement s = database().prepare("SELECT DISTINCT import_outcome FROM targets");
  while (s.step())
    EXPECT_GT(by_outcome[s.column_text(0)], 0) << "no target of outcome " << s.column_text(0);
  EXPECT_GE(other_rw, 10) << "too few targets whose spot lies in another RW";
  EXPECT_GE(other_rt, 10) << "too few targets whose spot lies in another RT of their RW";
  std::cout << "privacy attack sample: " << sample().size() << " targets (";
  for (const auto& [outcome, n] : by_outcome)
    std::cout << outcome << " " << n << ", ";
  std::cout << other_rw << " with the spot in another RW, " << other_rt
            << " in another RT of the same RW)\n";
}

TEST(PrivacyAttack, TheAttackCatchesAnExactView) {
  SASARAN_SKIP_ON_POSTGRES("the attack's sample and oracle are SQL over the SQLite file");
  ASSERT_FALSE(sample().empty());
  ASSERT_EQ(sample().front().id, "T0000031");
  EXPECT_NONFATAL_FAILURE(attack_t0000031_as_admin(),
                          "GET /api/v1/targets/T0000031: shows it at 106.864153,-6.116114");
}

TEST(PrivacyAttack, ACollaboratorLearnsNothingBeyondTheCell) {
  SASARAN_SKIP_ON_POSTGRES("the attack's sample and oracle are SQL over the SQLite file");
  attack_as("collaborator");
}

TEST(PrivacyAttack, AnAggregatorLearnsNothingBeyondTheCell) {
  SASARAN_SKIP_ON_POSTGRES("the attack's sample and oracle are SQL over the SQLite file");
  attack_as("aggregator");
}

TEST(PrivacyAttack, APlannerLearnsNothingBeyondTheCell) {
  SASARAN_SKIP_ON_POSTGRES("the attack's sample and oracle are SQL over the SQLite file");
  attack_as("planner");
}

TEST(PrivacyAttack, APicOutsideTheirScopeLearnsNothingBeyondTheCell) {
  SASARAN_SKIP_ON_POSTGRES("the attack's sample and oracle are SQL over the SQLite file");
  attack_as("pic");
}

TEST(PrivacyAttack, AnonymousCallersGetNoTargetThroughAnyChannel) {
  SASARAN_SKIP_ON_POSTGRES("the attack's sample and oracle are SQL over the SQLite file");
  ASSERT_FALSE(sample().empty());
  test_support::http_client client;
  for (const sample_target& t : sample()) {
    const std::string rw = t.spot_chain.at(geo::admin_level::rw);
    std::vector<std::string> paths = {
        "/api/v1/targets/" + t.id,
        "/api/v1/targets?area=" + rw,
        "/ogc/collections/targets/items/" + t.id,
        "/ogc/collections/targets/items?rw_code=" + rw,
        "/api/v1/pledges?area=" + rw,
    };
    if (t.located()) {
      const geo::bbox cell = t.cell();
      paths.push_back("/api/v1/targets/nearest?lon=" + number(t.spot->lon) +
                      "&lat=" + number(t.spot->lat) + "&status=any");
      paths.push_back("/api/v1/targets?bbox=" + box_param(cell));
      paths.push_back("/ogc/collections/targets/items?bbox=" + box_param(cell));
    }
    for (const std::string& path : paths) {
      const http_response r = get(client, path);
      EXPECT_EQ(r.status, 401) << t.id << " as anonymous: GET " << path << " " << r.body;
    }
    if (!t.located()) continue;
    for (int z = 11; z <= 22; ++z) {
      const std::string path =
          "/tiles/targets/" + tile_of(t.spot->lon, t.spot->lat, z).path() + ".mvt";
      const http_response r = get(client, path);
      for (const tile_feature& x : decoded_layer(r.status == 200 ? r.body : "", "targets"))
        EXPECT_EQ(x.property("kind"), "rw")
            << t.id << " as anonymous: GET " << path << " " << x.text();
    }
  }
}

TEST(PrivacyAttack, APicSeesExactlyEveryTargetWhoseCellMeetsTheirScope) {
  SASARAN_SKIP_ON_POSTGRES("the attack's sample and oracle are SQL over the SQLite file");
  // Were a household of a cell the PIC's kelurahan shares shown coarsely, the PIC, who sees all
  // of their kelurahan exactly, would learn that it lies outside: less than the cell. So the
  // scope is rounded out to whole cells.
  const area_shape* pic = areas().find(env().pic_area());
  ASSERT_NE(pic, nullptr);
  const double d = geo::coarse_cell_degrees;
  geo::sqlite_statement s = database().prepare(
      "SELECT id, lon, lat FROM targets WHERE kelurahan_code IS NOT ?1 AND lon BETWEEN ?2 AND ?3 "
      "AND lat BETWEEN ?4 AND ?5 ORDER BY id");
  s.bind(1, std::string_view(env().pic_area()))
      .bind(2, pic->box.min_x - d)
      .bind(3, pic->box.max_x + d)
      .bind(4, pic->box.min_y - d)
      .bind(5, pic->box.max_y + d);
  test_support::http_client client;
  int shared = 0, apart = 0;
  while (s.step()) {
    const geo::bbox cell = cell_of(s.column_double(1), s.column_double(2));
    const bool meets = geo::intersects(pic->shape, cell);
    if ((meets && shared >= 12) || (!meets && apart >= 12)) continue;
    ++(meets ? shared : apart);
    const std::string id = s.column_text(0);
    const json seen = body_of(get(client, "/api/v1/targets/" + id, "pic"));
    EXPECT_EQ(seen.value("position", ""), meets ? "exact" : "coarse")
        << id << " at " << number(s.column_double(1)) << "," << number(s.column_double(2))
        << " as the PIC of " << env().pic_area() << " (its cell "
        << (meets ? "meets" : "does not meet") << " the kelurahan)";
  }
  EXPECT_GT(shared, 0);
  EXPECT_GT(apart, 0);
}

}  // namespace
