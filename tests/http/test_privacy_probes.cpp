// The attacker's suite of issue 11, second part (the first is test_privacy_attacks.cpp): the
// active probe (a collaborator pledges each sampled target and cancels, and every public figure
// that moved must belong to an area holding the target's spot), per-RT figures, public RW
// figures recounted from the spots, the issue's four examples replayed, delivery notes, the
// order of authorization checks, and /metrics.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <charconv>
#include <iostream>

#include "geo/engine/geodesic.hpp"
#include "tests/http/privacy_attack_sample.hpp"
#include "tests/http/privacy_attack_support.hpp"

namespace {

using namespace attack;

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

TEST(PrivacyAttack, APledgeAndItsCancelMoveOnlyFiguresOfAreasHoldingTheSpot) {
  SASARAN_SKIP_ON_POSTGRES("the attack's sample and oracle are SQL over the SQLite file");
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

TEST(PrivacyAttack, PerRtFiguresGoOnlyToAdminsAndToAPicInScope) {
  SASARAN_SKIP_ON_POSTGRES("the attack's sample and oracle are SQL over the SQLite file");
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
  SASARAN_SKIP_ON_POSTGRES("the attack's sample and oracle are SQL over the SQLite file");
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
  SASARAN_SKIP_ON_POSTGRES("the attack's sample and oracle are SQL over the SQLite file");
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
  SASARAN_SKIP_ON_POSTGRES("the attack's sample and oracle are SQL over the SQLite file");
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
