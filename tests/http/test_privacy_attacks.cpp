// The attacker's suite of issue 11: "the cell is the unit of disclosure". For a sample of
// targets of every import outcome, biased toward cells that straddle an RT or RW boundary, each
// coarse role (collaborator, aggregator, planner, a PIC outside their scope) and anonymous
// callers query every channel (targets by id, nearest, box and area, OGC items and filters,
// target tiles at z14-22 and their clusters at z11-13, pledge answers, planners' pledges by area,
// and every public figure a pledge and its cancel move), and the test computes what the answers
// together pin each target to: its cell intersected with every area they tie it to. It fails,
// naming target, role and channel, when that is less than the cell and the areas at its spot
// already say, when an area holding the spot leaves it out (membership follows the spot), or
// when an answer carries an exact position, a distance from it, or a household detail. Then the
// issue's examples replayed, delivery notes, the order of authorization checks, and /metrics.
// About 15 s in release, 2.5 minutes under ASan, after the environment's import.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <charconv>
#include <iostream>

#include "geo/geodesic.hpp"
#include "tests/http/privacy_attack_support.hpp"

namespace {

using namespace attack;

// Members and properties that only a household or its exact position determine.
const std::vector<std::string> detail_members = {"household_size", "declared_rt",   "rt_code", "rt",
                                                 "registered_at",  "import_outcome"};

// Coverage figures, as areas, rankings, OGC features and tiles carry them.
const std::vector<std::string> figure_members = {"targets",       "pledged",         "delivered",
                                                 "pledged_ratio", "delivered_ratio", "unserved",
                                                 "unmet_priority"};

std::string number(double v) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr;
  return std::string(buffer, end);
}

std::string box_param(const geo::bbox& b) {
  return number(b.min_x) + "," + number(b.min_y) + "," + number(b.max_x) + "," + number(b.max_y);
}

std::string who(const std::string& role) {
  return role.empty() ? "anonymous" : role;
}

// --- the sample ----------------------------------------------------------------------------

// How many targets of an outcome the sample takes: those whose spot lies in another RW than the
// target, in another RT of the same RW, and in the target's own RT.
struct quota {
  const char* outcome;
  int other_rw, other_rt, same_rt;
};

std::vector<sample_target> choose_sample() {
  std::vector<sample_target> out;
  const area_shape* pic = areas().find(env().pic_area());
  EXPECT_NE(pic, nullptr) << env().pic_area();
  if (!pic) return out;
  // The issue's examples, whatever their cells.
  for (const char* id : {"T0000031", "T0179077"}) {
    const std::optional<sample_target> t = stored_target(id);
    EXPECT_TRUE(t.has_value()) << id << " has no unambiguous spot chain";
    if (t) out.push_back(*t);
  }
  for (quota q : {quota{"clean", 4, 4, 2}, quota{"flagged", 3, 3, 2}, quota{"corrected", 2, 2, 2},
                  quota{"normalized", 2, 2, 2}, quota{"unlocated", 0, 0, 6}}) {
    geo::sqlite_statement count =
        database().prepare("SELECT count(*) FROM targets WHERE import_outcome = ?1");
    count.bind(1, std::string_view(q.outcome));
    const std::int64_t total = count.step() ? count.column_int(0) : 0;
    EXPECT_GT(total, 0) << "no target has outcome " << q.outcome;
    // Candidates in a fixed order that is not the files' (which follow the areas), so that
    // the sample spreads over the city; at most 3,000 of them.
    geo::sqlite_statement s =
        database().prepare(std::string(target_columns) +
                           "WHERE t.import_outcome = ?1 AND t.kelurahan_code IS NOT ?2 "
                           "ORDER BY (t.pk * 2654435761) % 4294967296, t.id LIMIT 3000");
    s.bind(1, std::string_view(q.outcome)).bind(2, std::string_view(env().pic_area()));
    while (s.step() && (q.other_rw > 0 || q.other_rt > 0 || q.same_rt > 0)) {
      sample_target t = read_target(s);
      if (!t.open || t.id == "T0000031" || t.id == "T0179077") continue;
      if (t.located() && geo::intersects(pic->shape, t.cell())) continue;
      const std::optional<chain> spot = spot_chain_of(t, t.exact_chain.at(geo::admin_level::rw));
      if (!spot || (t.located() && spot->at(geo::admin_level::rt).empty())) continue;
      t.spot_chain = *spot;
      int* slot = t.straddles(geo::admin_level::rw)   ? &q.other_rw
                  : t.straddles(geo::admin_level::rt) ? &q.other_rt
                                                      : &q.same_rt;
      if (*slot <= 0) continue;
      --*slot;
      out.push_back(std::move(t));
    }
  }
  return out;
}

const std::vector<sample_target>& sample() {
  static const std::vector<sample_target> chosen = choose_sample();
  return chosen;
}

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

// The entry of `id` in a list of targets, or null.
json entry_of(const json& list, const std::string& id) {
  for (const json& t : list)
    if (t.value("id", "") == id) return t;
  return nullptr;
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

// The areas to ask for a target's membership: those of its spot chain and of its exact chain,
// the kota only where the two differ (a kota's list is some 50,000 targets long, and its
// kecamatan, asked, lies in it).
std::vector<std::string> areas_to_ask(const sample_target& t) {
  std::set<std::string> out;
  for (const chain* c : {&t.spot_chain, &t.exact_chain})
    for (const std::string& code : c->codes())
      out.insert(code);
  if (t.spot_chain.at(geo::admin_level::kota) == t.exact_chain.at(geo::admin_level::kota))
    out.erase(t.spot_chain.at(geo::admin_level::kota));
  return {out.begin(), out.end()};
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

// The targets layer from z14 to z22: the point in the tile holding the spot, at the spot, with
// no detail; never in a tile that holds only the exact position.
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
      const auto it = std::find_if(features.begin(), features.end(), [&](const tile_feature& x) {
        return x.id == t.feature_id() && x.property("kind") == "target";
      });
      if (it == features.end()) {
        if (spot_tile) f.leak(channel, "leaves it out of the tile holding its spot");
        continue;
      }
      f.in_box(channel, tile_box(tile));
      if (it->property("position") != "coarse")
        f.leak(channel, "position " + it->property("position"));
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

// --- figures, for the active probe ---------------------------------------------------------

// One public figure: which channel shows it, about which area (or part of a tile), and its
// value as text.
struct figure {
  std::string channel;
  std::string code;              // the area it is about
  std::optional<geo::bbox> box;  // or the part of a tile it is about
  std::string value;
};
using figures = std::map<std::string, figure>;  // by channel and area

void add(figures& all, const std::string& channel, const std::string& code, const json& value,
         std::optional<geo::bbox> box = std::nullopt) {
  all[channel + " " + code] = {channel, code, box, value.dump()};
}

json only_figures(const json& item) {
  json out = json::object();
  for (const std::string& m : figure_members)
    if (item.contains(m)) out[m] = item[m];
  return out;
}

// Every public figure a pledge of `t` could move, as anonymous callers and planners read them.
figures public_figures(test_support::http_client& client, const sample_target& t) {
  figures all;
  std::set<std::string> codes;
  for (const chain* c : {&t.spot_chain, &t.exact_chain})
    for (const std::string& code : c->codes())
      codes.insert(code);
  for (const std::string& code : codes) {
    const std::string path = "/api/v1/areas/" + code;
    add(all, "GET " + path, code, body_of(get(client, path))["coverage"]);
  }
  // Rankings of the RWs of both kelurahan and the kelurahan of both kecamatan, as planners
  // read them, and the summaries of both kelurahan.
  for (geo::admin_level level : {geo::admin_level::kelurahan, geo::admin_level::kecamatan}) {
    std::set<std::string> within;
    for (const chain* c : {&t.spot_chain, &t.exact_chain})
      if (!c->at(level).empty()) within.insert(c->at(level));
    const std::string below = level == geo::admin_level::kelurahan ? "rw" : "kelurahan";
    for (const std::string& code : within) {
      const std::string path =
          "/api/v1/coverage?level=" + below + "&within=" + code + "&limit=10000";
      const json ranking = body_of(get(client, path, "planner"));
      for (const json& item : ranking["items"])
        add(all, "GET " + path + " as planner", item.value("code", ""), only_figures(item));
      add(all, "GET " + path + " as planner, summary", code, ranking["summary"]);
      if (level == geo::admin_level::kelurahan) {
        const std::string summary = "/api/v1/coverage/summary?within=" + code;
        add(all, "GET " + summary, code, body_of(get(client, summary))["levels"]);
      }
    }
  }
  for (const chain* c : {&t.spot_chain, &t.exact_chain}) {
    const std::string& rw = c->at(geo::admin_level::rw);
    if (rw.empty()) continue;
    const std::string path = "/ogc/collections/coverage/items/" + rw;
    add(all, "GET " + path, rw, only_figures(body_of(get(client, path))["properties"]));
  }
  // Tiles: the anonymous RW markers at z10, the rw, kelurahan and rt layers at z14, and the
  // collaborator's clusters at z11-13, around the spot and the exact position.
  std::set<std::string> asked;  // tiles already read (the spot's and the exact one may agree)
  std::vector<geo::lon_lat> places;
  if (t.located()) places = {*t.spot, *t.exact};
  for (const geo::lon_lat& p : places) {
    const std::string markers = "/tiles/targets/" + tile_of(p.lon, p.lat, 10).path() + ".mvt";
    if (asked.insert(markers).second)
      for (const tile_feature& x : decoded_layer(get(client, markers).body, "targets"))
        add(all, "GET " + markers + " RW marker", x.property("code"),
            only_figures(json(x.properties)));
    const std::string areas_tile =
        "/tiles/rw,kelurahan,rt/" + tile_of(p.lon, p.lat, 14).path() + ".mvt";
    if (asked.insert(areas_tile).second)
      for (const auto& [layer, features] :
           decoded_layers(get(client, areas_tile).body, {"rw", "kelurahan", "rt"}, false))
        for (const tile_feature& x : features)
          add(all, "GET " + areas_tile + " layer " + layer, x.property("code"),
              only_figures(json(x.properties)));
    for (int z = 11; z <= 13; ++z) {
      const tile_xyz tile = tile_of(p.lon, p.lat, z);
      const std::string path = "/tiles/targets/" + tile.path() + ".mvt";
      if (!asked.insert(path).second) continue;
      const http_response r = get(client, path, "collaborator");
      for (const tile_feature& x : decoded_layer(r.status == 200 ? r.body : "", "targets")) {
        // A cluster stands for an eighth of the tile's width and height (its mean position lies
        // in it); a tile unit of slack for the rounding of that position.
        const double ex = std::floor(x.x / 512) * 512;
        const double ey = std::floor(x.y / 512) * 512;
        const geo::bbox part = tile_box(tile, ex - 1, ey - 1, ex + 513, ey + 513);
        add(all, "GET " + path + " as collaborator, cluster", number(ex) + "," + number(ey),
            json(x.properties), part);
      }
    }
  }
  return all;
}

// Ties every figure that differs between `a` and `b` (or is in only one of them).
void tie_changes(findings& f, const figures& a, const figures& b, const std::string& when) {
  const auto tie_one = [&](const figure& x) {
    if (x.box) {
      f.in_box(x.channel + " (" + when + ")", *x.box);
    } else {
      f.tie(x.channel + " (" + when + ")", x.code);
    }
  };
  for (const auto& [key, x] : a) {
    const auto it = b.find(key);
    if (it == b.end() || it->second.value != x.value) tie_one(x);
  }
  for (const auto& [key, x] : b)
    if (!a.contains(key)) tie_one(x);
}

// The RTs of a tile's rt layer that carry figures, each as its feature's text.
std::vector<std::string> rt_figures(const http_response& tile) {
  std::vector<std::string> out;
  const auto layers = decoded_layers(tile.status == 200 ? tile.body : "", {"rt"}, false);
  const auto rt = layers.find("rt");
  if (rt == layers.end()) return out;
  for (const tile_feature& x : rt->second)
    if (std::any_of(figure_members.begin(), figure_members.end(),
                    [&](const std::string& m) { return !x.property(m).empty(); }))
      out.push_back(x.text());
  return out;
}

// --- the tests -----------------------------------------------------------------------------

TEST(PrivacyAttack, TheSampleCoversEveryOutcomeAndItsSpotsAreWhereTheServerFindsThem) {
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
  ASSERT_FALSE(sample().empty());
  ASSERT_EQ(sample().front().id, "T0000031");
  EXPECT_NONFATAL_FAILURE(attack_t0000031_as_admin(),
                          "GET /api/v1/targets/T0000031: shows it at 106.864153,-6.116114");
}

TEST(PrivacyAttack, ACollaboratorLearnsNothingBeyondTheCell) {
  attack_as("collaborator");
}

TEST(PrivacyAttack, AnAggregatorLearnsNothingBeyondTheCell) {
  attack_as("aggregator");
}

TEST(PrivacyAttack, APlannerLearnsNothingBeyondTheCell) {
  attack_as("planner");
}

TEST(PrivacyAttack, APicOutsideTheirScopeLearnsNothingBeyondTheCell) {
  attack_as("pic");
}

TEST(PrivacyAttack, AnonymousCallersGetNoTargetThroughAnyChannel) {
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

TEST(PrivacyAttack, APledgeAndItsCancelMoveOnlyFiguresOfAreasHoldingTheSpot) {
  ASSERT_FALSE(sample().empty());
  test_support::http_client client;
  int probed = 0;
  for (const sample_target& t : sample()) {
    if (!t.open) continue;
    findings f(t, "collaborator (pledging), planner and anonymous (reading)");
    const figures before = public_figures(client, t);
    const http_response made =
        post(client, "/api/v1/pledges", {{"target", t.id}, {"form", "barang"}, {"quantity", 1}},
             "collaborator");
    ASSERT_EQ(made.status, 201) << t.name() << ": " << made.body;
    ++probed;
    const json pledge = body_of(made);
    const std::string id = pledge["id"];
    f.tie_members("POST /api/v1/pledges answer", pledge);
    // Planners list the active pledges of an area by the same membership.
    for (const std::string& code : areas_to_ask(t)) {
      const std::string path = "/api/v1/pledges?area=" + code + "&limit=10000";
      // Read without parsing it all (as scan_targets): the member "id" names a pledge only.
      const bool there =
          get(client, path, "planner").body.find("\"id\":\"" + id + "\"") != std::string::npos;
      if (there) {
        f.tie("GET " + path + " as planner", code);
      } else if (t.spot_chain.holds(code)) {
        f.left_out("GET " + path + " as planner", code);
      }
    }
    const figures during = public_figures(client, t);
    tie_changes(f, before, during, "after the pledge");
    // The spot's RW shows the pledge.
    const std::string rw = t.spot_chain.at(geo::admin_level::rw);
    const std::string key = "GET /api/v1/areas/" + rw + " " + rw;
    if (before.contains(key) && during.contains(key) &&
        before.at(key).value == during.at(key).value)
      f.left_out("GET /api/v1/areas/" + rw + " figures (after the pledge)", rw);
    const http_response cancelled =
        post(client, "/api/v1/pledges/" + id + "/cancel", json::object(), "collaborator");
    ASSERT_EQ(cancelled.status, 200) << t.name() << ": " << cancelled.body;
    f.tie_members("POST /api/v1/pledges/" + id + "/cancel answer", body_of(cancelled));
    const figures after = public_figures(client, t);
    for (const auto& [k, x] : before) {
      const auto it = after.find(k);
      if (it == after.end() || it->second.value != x.value)
        f.leak(x.channel, "the cancel did not restore the figure of " + x.code + ": " + x.value +
                              " before, " + (it == after.end() ? "none" : it->second.value) +
                              " after");
    }
    f.judge();
  }
  EXPECT_GE(probed, 30);
}

TEST(PrivacyAttack, APicSeesExactlyEveryTargetWhoseCellMeetsTheirScope) {
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

TEST(PrivacyAttack, PerRtFiguresGoOnlyToAdminsAndToAPicInScope) {
  ASSERT_FALSE(sample().empty());
  test_support::http_client client;
  // The RTs of straddling cells (where per-RT figures single a household out), both sides.
  std::vector<std::pair<std::string, geo::lon_lat>> rts;
  for (const sample_target& t : sample())
    if (t.straddles(geo::admin_level::rt) && rts.size() < 12) {
      rts.emplace_back(t.spot_chain.at(geo::admin_level::rt), *t.spot);
      rts.emplace_back(t.exact_chain.at(geo::admin_level::rt), *t.exact);
    }
  ASSERT_FALSE(rts.empty());
  for (const std::string role : {"", "collaborator", "aggregator", "planner", "pic"}) {
    for (const auto& [rt, place] : rts) {
      const std::string kelurahan = rt.substr(0, 10);
      const http_response area = get(client, "/api/v1/areas/" + rt, role);
      ASSERT_EQ(area.status, 200) << rt;
      EXPECT_TRUE(body_of(area)["coverage"].is_null())
          << who(role) << ": GET /api/v1/areas/" << rt << " gives " << body_of(area)["coverage"];
      for (const std::string& path : {std::string("/api/v1/coverage?level=rt"),
                                      "/api/v1/coverage?level=rt&within=" + kelurahan}) {
        const http_response r = get(client, path, role);
        if (role.empty()) {
          EXPECT_TRUE(r.status == 401 || r.status == 403)
              << "anonymous: GET " << path << " " << r.status;
        } else {
          EXPECT_EQ(r.status, 403) << who(role) << ": GET " << path;
        }
      }
      for (const std::string& path : {std::string("/api/v1/coverage/summary"),
                                      "/api/v1/coverage/summary?within=" + kelurahan}) {
        const http_response r = get(client, path, role);
        ASSERT_EQ(r.status, 200) << who(role) << ": GET " << path << " " << r.body;
        const json levels = body_of(r)["levels"];
        for (const json& level : levels)
          EXPECT_NE(level.value("level", ""), "rt") << who(role) << ": GET " << path;
      }
      const http_response ogc = get(client, "/ogc/collections/rt/items/" + rt, role);
      ASSERT_EQ(ogc.status, 200) << rt;
      for (const std::string& m : figure_members)
        EXPECT_FALSE(body_of(ogc)["properties"].contains(m))
            << who(role) << ": GET /ogc/collections/rt/items/" << rt << " carries " << m;
      for (int z : {14, 16, 18}) {
        const std::string path =
            "/tiles/rt,targets/" + tile_of(place.lon, place.lat, z).path() + ".mvt";
        const std::vector<std::string> shown = rt_figures(get(client, path, role));
        EXPECT_TRUE(shown.empty()) << who(role) << ": GET " << path << " shows the figures of "
                                   << shown.size() << " RTs, e.g. " << shown.front();
      }
    }
  }
  // Those who may: admins everywhere, the PIC inside their kelurahan.
  EXPECT_FALSE(
      body_of(get(client, "/api/v1/areas/" + rts[0].first, "admin"))["coverage"].is_null());
  EXPECT_EQ(
      get(client, "/api/v1/coverage?level=rt&within=" + rts[0].first.substr(0, 10), "admin").status,
      200);
  const json pic_area = body_of(get(client, "/api/v1/areas/" + env().pic_area(), "pic"));
  ASSERT_FALSE(pic_area["children"].empty());
  const std::string pic_rw = pic_area["children"][0]["code"];
  const json pic_rts = body_of(get(client, "/api/v1/areas/" + pic_rw, "pic"))["children"];
  ASSERT_FALSE(pic_rts.empty());
  EXPECT_FALSE(body_of(get(client, "/api/v1/areas/" + pic_rts[0]["code"].get<std::string>(),
                           "pic"))["coverage"]
                   .is_null());
  EXPECT_EQ(get(client, "/api/v1/coverage?level=rt&within=" + env().pic_area(), "pic").status, 200);
}

TEST(PrivacyAttack, PublicRwFiguresCountEachTargetAtItsSpot) {
  // The RWs on both sides of the issue's example and of the sample's RW-straddling cells.
  std::set<std::string> rws = {"3175020003001", "3175020003002"};
  for (const sample_target& t : sample())
    if (t.straddles(geo::admin_level::rw) && rws.size() < 8) {
      rws.insert(t.spot_chain.at(geo::admin_level::rw));
      rws.insert(t.exact_chain.at(geo::admin_level::rw));
    }
  test_support::http_client client;
  for (const std::string& rw : rws) {
    const area_shape* a = areas().find(rw);
    ASSERT_NE(a, nullptr) << rw;
    // Located targets whose cell can meet the RW, counted where their spot is; unlocated
    // targets by their declared RW. A spot of no single area leaves the count uncertain.
    int certain = 0, uncertain = 0;
    geo::sqlite_statement s = database().prepare(
        "SELECT lon, lat, rw_code FROM targets WHERE (lon BETWEEN ?1 AND ?2 AND lat BETWEEN ?3 "
        "AND ?4) OR (lon IS NULL AND rw_code = ?5)");
    const double d = geo::coarse_cell_degrees;
    s.bind(1, a->box.min_x - d).bind(2, a->box.max_x + d).bind(3, a->box.min_y - d);
    s.bind(4, a->box.max_y + d).bind(5, std::string_view(rw));
    while (s.step()) {
      if (s.is_null(0)) {
        ++certain;
        continue;
      }
      const geo::lon_lat spot = geo::coarse_position(s.column_double(0), s.column_double(1));
      const std::optional<chain> c = areas().chain_at(spot.lon, spot.lat);
      if (!c) {
        uncertain += geo::intersects(a->shape, cell_of(s.column_double(0), s.column_double(1)));
      } else {
        certain += c->at(geo::admin_level::rw) == rw;
      }
    }
    const json coverage = body_of(get(client, "/api/v1/areas/" + rw))["coverage"]["all"];
    ASSERT_TRUE(coverage.is_object()) << rw;
    const int shown = coverage["targets"].get<int>();
    EXPECT_TRUE(shown >= certain && shown <= certain + uncertain)
        << "GET /api/v1/areas/" << rw << " counts " << shown << " targets; by their spots "
        << certain << " (+" << uncertain << " spots in no single area)";
  }
}

TEST(PrivacyAttack, Issue11Example1PublicRtFiguresOfT0000031DoNotExist) {
  test_support::http_client client;
  const json seen = body_of(get(client, "/api/v1/targets/T0000031", "collaborator"));
  EXPECT_EQ(seen["lon"], 106.86375);
  EXPECT_EQ(seen["lat"], -6.11595);
  const json at = body_of(get(client, "/api/v1/lookup?lon=106.86375&lat=-6.11595"));
  EXPECT_EQ(at["rt"]["code"], "3175020003002015");
  for (const std::string role : {"", "collaborator", "aggregator", "planner"}) {
    for (const char* rt : {"3175020003002015", "3175020003001007"})
      EXPECT_TRUE(
          body_of(get(client, std::string("/api/v1/areas/") + rt, role))["coverage"].is_null())
          << who(role) << ": " << rt;
    const http_response ranking =
        get(client, "/api/v1/coverage?level=rt&within=3175020003&program=umkm", role);
    EXPECT_TRUE(ranking.status == 401 || ranking.status == 403)
        << who(role) << ": " << ranking.status << " " << ranking.body.substr(0, 200);
    for (int z = 14; z <= 22; z += 2) {
      const std::string path =
          "/tiles/rt/" + tile_of(106.86375, -6.11595, z).path() + ".mvt?program=umkm";
      const std::vector<std::string> shown = rt_figures(get(client, path, role));
      EXPECT_TRUE(shown.empty()) << who(role) << ": GET " << path << " shows the figures of "
                                 << shown.size() << " RTs, e.g. " << shown.front();
    }
  }
}

TEST(PrivacyAttack, Issue11Example2APledgeOfT0000031MovesOnlyItsSpotRwFigures) {
  test_support::http_client client;
  const auto read = [&] {
    std::map<std::string, json> out;
    for (const char* code :
         {"3175020003001", "3175020003002", "3175020003001007", "3175020003002015"})
      out[code] = body_of(get(client, std::string("/api/v1/areas/") + code))["coverage"];
    return out;
  };
  const auto before = read();
  const http_response made =
      post(client, "/api/v1/pledges", {{"target", "T0000031"}, {"form", "barang"}, {"quantity", 1}},
           "collaborator");
  ASSERT_EQ(made.status, 201) << made.body;
  const auto during = read();
  const std::string id = body_of(made)["id"];
  ASSERT_EQ(
      post(client, "/api/v1/pledges/" + id + "/cancel", json::object(), "collaborator").status,
      200);
  const auto after = read();
  EXPECT_EQ(during.at("3175020003002")["all"]["pledged"],
            before.at("3175020003002")["all"]["pledged"].get<int>() + 1);
  EXPECT_EQ(during.at("3175020003002")["by_program"]["umkm"]["pledged"],
            before.at("3175020003002")["by_program"]["umkm"]["pledged"].get<int>() + 1);
  EXPECT_EQ(during.at("3175020003001"), before.at("3175020003001"))
      << "the exact RW's figures moved: the probe tells the household's side of the cell";
  for (const char* rt : {"3175020003001007", "3175020003002015"})
    EXPECT_TRUE(during.at(rt).is_null()) << rt << ": " << during.at(rt);
  EXPECT_EQ(after, before);
}

TEST(PrivacyAttack, Issue11Example3PledgeAnswersForT0000031NameItsSpotRw) {
  test_support::http_client client;
  const http_response made =
      post(client, "/api/v1/pledges",
           {{"target", "T0000031"}, {"form", "uang"}, {"amount_idr", 50000}}, "collaborator");
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(body_of(made)["rw"], "3175020003002");
  const http_response cancelled =
      post(client, "/api/v1/pledges/" + body_of(made)["id"].get<std::string>() + "/cancel",
           json::object(), "collaborator");
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(body_of(cancelled)["rw"], "3175020003002");
}

TEST(PrivacyAttack, Issue11Example4PlannersListPledgesByTheRtOfTheSpot) {
  const std::optional<sample_target> t = stored_target("T0179077");
  ASSERT_TRUE(t.has_value());
  const std::string spot_rt = t->spot_chain.at(geo::admin_level::rt);
  ASSERT_NE(spot_rt, "3175010005020009") << "the issue's premise: the spot lies in another RT";
  geo::sqlite_statement s = database().prepare(
      "SELECT id FROM pledges WHERE target_id = 'T0179077' AND status IN ('committed', "
      "'delivered')");
  ASSERT_TRUE(s.step()) << "T0179077 has no active pledge";
  const std::string pledge = s.column_text(0);
  test_support::http_client client;
  const auto lists = [&](const std::string& rt) {
    const json page =
        body_of(get(client, "/api/v1/pledges?area=" + rt + "&limit=10000", "planner"));
    for (const json& p : page["pledges"])
      if (p.value("id", "") == pledge) return true;
    return false;
  };
  EXPECT_FALSE(lists("3175010005020009")) << pledge << " listed under the exact RT";
  EXPECT_TRUE(lists(spot_rt)) << pledge << " not listed under the spot's RT " << spot_rt;
  const json targets =
      body_of(get(client, "/api/v1/targets?area=" + spot_rt + "&status=any&limit=1000", "planner"));
  EXPECT_FALSE(entry_of(targets["targets"], "T0179077").is_null()) << spot_rt;
}

TEST(PrivacyAttack, DeliveryNotesAndDeliverersStayWithAdminsAndThePicOfTheTarget) {
  test_support::http_client client;
  // The last located open target of the PIC's kelurahan: the other tests take the first ones.
  const json page = body_of(
      get(client, "/api/v1/targets?status=open&limit=1000&area=" + env().pic_area(), "admin"));
  std::string target;
  for (const json& t : page["targets"])
    if (t["located"] == true && t["kelurahan_code"] == env().pic_area()) target = t["id"];
  ASSERT_FALSE(target.empty());
  const http_response made =
      post(client, "/api/v1/pledges", {{"target", target}, {"form", "barang"}, {"quantity", 2}},
           "collaborator");
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string id = body_of(made)["id"];
  const std::string note = "Jl. Rahasia 12 rumah biru";
  const std::string deliverer = "Pak Joko Susanto";
  const http_response done = post(client, "/api/v1/pledges/" + id + "/realizations",
                                  {{"delivered_by", deliverer},
                                   {"delivered_at", "2026-11-28"},
                                   {"note", note},
                                   {"quantity", 2}},
                                  "pic");
  ASSERT_EQ(done.status, 201) << done.body;
  for (const std::string role : {"collaborator", "planner"}) {
    const http_response r = get(client, "/api/v1/pledges/" + id, role);
    ASSERT_EQ(r.status, 200) << role << " " << r.body;
    const json read = body_of(r);
    ASSERT_EQ(read["realizations"].size(), 1u) << role;
    const json& x = read["realizations"][0];
    EXPECT_FALSE(x.contains("note")) << role << " reads " << x;
    EXPECT_FALSE(x.contains("delivered_by")) << role << " reads " << x;
    EXPECT_EQ(x["delivered_at"], "2026-11-28") << role;
    EXPECT_EQ(x["quantity"], 2) << role;
    EXPECT_TRUE(x.contains("id") && x.contains("recorded_at")) << role << " reads " << x;
    EXPECT_EQ(r.body.find("Rahasia"), std::string::npos) << role;
    EXPECT_EQ(r.body.find("Joko"), std::string::npos) << role;
  }
  const http_response own = get(client, "/api/v1/pledges", "collaborator");
  EXPECT_EQ(own.body.find("Rahasia"), std::string::npos);
  for (const std::string role : {"admin", "pic"}) {
    const json read = body_of(get(client, "/api/v1/pledges/" + id, role));
    ASSERT_EQ(read["realizations"].size(), 1u) << role;
    EXPECT_EQ(read["realizations"][0]["note"], note) << role;
    EXPECT_EQ(read["realizations"][0]["delivered_by"], deliverer) << role;
  }
}

TEST(PrivacyAttack, AuthorizationIsDecidedBeforeExistenceOrTheBodyIsRevealed) {
  // A committed pledge of another collaborator, for a target whose cell is far from the PIC's
  // kelurahan.
  const area_shape* pic = areas().find(env().pic_area());
  ASSERT_NE(pic, nullptr);
  geo::sqlite_statement s = database().prepare(
      "SELECT p.id, t.lon, t.lat FROM pledges p JOIN targets t ON t.id = p.target_id WHERE "
      "p.status = 'committed' AND p.origin = 'import' AND p.collaborator_id NOT IN (?1, ?2) AND "
      "t.lon IS NOT NULL AND t.kelurahan_code IS NOT ?3 ORDER BY p.id");
  s.bind(1, std::string_view(env().collaborator_of("collaborator")))
      .bind(2, std::string_view(env().collaborator_of("aggregator")))
      .bind(3, std::string_view(env().pic_area()));
  std::string other;
  while (other.empty() && s.step())
    if (!geo::intersects(pic->shape, cell_of(s.column_double(1), s.column_double(2))))
      other = s.column_text(0);
  ASSERT_FALSE(other.empty());
  const std::string missing = "P9999999";
  test_support::http_client client;
  const auto status = [&](const std::string& method, const std::string& path, const json& body,
                          const std::string& role) {
    return method == "GET" ? get(client, path, role).status : post(client, path, body, role).status;
  };
  const json good = {{"delivered_by", "Bu Ani"}, {"delivered_at", "2026-11-28"}, {"quantity", 1}};
  for (const std::string& id : {other, missing}) {
    const std::string at = "/api/v1/pledges/" + id;
    EXPECT_EQ(status("GET", at, nullptr, ""), 401) << "anonymous GET " << at;
    EXPECT_EQ(status("POST", at + "/cancel", json::object(), ""), 401) << "anonymous cancel " << at;
    EXPECT_EQ(status("POST", at + "/realizations", good, ""), 401) << "anonymous " << at;
    for (const std::string role : {"collaborator", "aggregator"}) {
      EXPECT_EQ(status("GET", at, nullptr, role), 404) << role << " GET " << at;
      EXPECT_EQ(status("POST", at + "/cancel", json::object(), role), 404)
          << role << " cancel " << at;
    }
    for (const json& body : {good, json{{"x", 1}}, json::object(), json{{"quantity", "two"}}}) {
      EXPECT_EQ(status("POST", at + "/realizations", body, "pic"), 404)
          << "pic outside scope, " << at << "/realizations " << body;
      EXPECT_EQ(status("POST", at + "/realizations", body, "planner"), 403)
          << "planner, " << at << "/realizations " << body;
    }
  }
}

TEST(PrivacyAttack, MetricsAreForOperatorsOnly) {
  test_support::http_client client;
  EXPECT_EQ(get(client, "/metrics").status, 401);
  for (const std::string role : {"collaborator", "aggregator", "planner", "pic"})
    EXPECT_EQ(get(client, "/metrics", role).status, 403) << role;
  const http_response admin = get(client, "/metrics", "admin");
  EXPECT_EQ(admin.status, 200);
  EXPECT_NE(admin.body.find("sasaran_http_requests_total"), std::string::npos);
}

}  // namespace
