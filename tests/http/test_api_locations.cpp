// POST /api/v1/targets/{id}/location: a PIC records where a household without a location lies.
// Over a served copy of the environment's database (the writes would change what other tests
// count): who may, the checks an import makes, the audit, idempotent retries, that every read
// shows the point at once, and that a following import keeps it.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <mutex>
#include <thread>

#include "tests/http/api_test_support.hpp"

namespace {

using namespace api_test;
using test_support::served_copy;

struct point {
  double lon;
  double lat;
};

class ApiLocations : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!env().on_postgres()) s_copy = std::make_unique<served_copy>("locations");
  }
  static void TearDownTestSuite() { s_copy.reset(); }

  void SetUp() override {
    SASARAN_SKIP_ON_POSTGRES(
        "these read the copy's SQLite file with SpatiaLite SQL (PointOnSurface, X(geom))");
    ASSERT_FALSE(s_copy->base_url().empty());
  }

  static http_response post_text(const std::string& path, const std::string& body,
                                 const std::string& role, test_support::http_headers headers = {}) {
    test_support::http_client client;
    if (!role.empty()) headers.push_back(authorization(role));
    headers.push_back("Content-Type: application/json");
    return client.post(s_copy->base_url() + path, body, headers);
  }
  static http_response locate(const std::string& id, const json& body, const std::string& role,
                              test_support::http_headers headers = {}) {
    return post_text("/api/v1/targets/" + id + "/location", body.dump(), role, std::move(headers));
  }
  static http_response read(const std::string& path, const std::string& role) {
    test_support::http_client client;
    return client.get(s_copy->base_url() + path, {authorization(role)});
  }
  static std::string authorization(const std::string& role) {
    if (role == "rw-pic") return "Authorization: Bearer " + s_rw_pic;
    return env().authorization(role);
  }

  static geo::sqlite_db& db() {
    static geo::sqlite_db d(s_copy->db_path());
    return d;
  }
  static std::string text(const std::string& sql, const std::string& bind = "") {
    geo::sqlite_statement s = db().prepare(sql);
    if (!bind.empty()) s.bind(1, bind);
    return s.step() ? (s.is_null(0) ? "null" : s.column_text(0)) : "none";
  }
  static std::int64_t number(const std::string& sql, const std::string& bind = "") {
    geo::sqlite_statement s = db().prepare(sql);
    if (!bind.empty()) s.bind(1, bind);
    return s.step() ? s.column_int(0) : -1;
  }
  // A point inside an area (SpatiaLite's PointOnSurface, independent of the server).
  static point inside(const std::string& code) {
    geo::sqlite_statement s = db().prepare(
        "SELECT X(PointOnSurface(geom)), Y(PointOnSurface(geom)) FROM areas WHERE code = ?");
    s.bind(1, code);
    EXPECT_TRUE(s.step()) << code;
    return {s.column_double(0), s.column_double(1)};
  }
  // Unlocated targets in service, of the PIC's kelurahan or of others.
  static std::vector<std::string> unlocated(bool in_pic_area, int n) {
    geo::sqlite_statement s = db().prepare(
        std::string("SELECT id FROM targets WHERE lon IS NULL AND retired_at IS NULL AND "
                    "kelurahan_code ") +
        (in_pic_area ? "=" : "<>") + " ? ORDER BY id LIMIT " + std::to_string(n));
    s.bind(1, env().pic_area());
    std::vector<std::string> out;
    while (s.step())
      out.push_back(s.column_text(0));
    return out;
  }
  // True when the store has the target at exactly this point (X(geom) too).
  static bool stored_at(const std::string& id, point at) {
    geo::sqlite_statement s = db().prepare(
        "SELECT lon = ?2 AND lat = ?3 AND X(geom) = ?2 AND Y(geom) = ?3 FROM targets WHERE id = "
        "?1");
    s.bind(1, id).bind(2, at.lon).bind(3, at.lat);
    return s.step() && s.column_int(0) == 1;
  }
  static std::int64_t audits_of(const std::string& id) {
    return number("SELECT count(*) FROM audit_log WHERE action = 'target.locate' AND subject = ?",
                  id);
  }

  static std::unique_ptr<served_copy> s_copy;
  static std::string s_rw_pic;  // a PIC token for one RW (RwPicIsHeldToItsRw)
};

std::unique_ptr<served_copy> ApiLocations::s_copy;
std::string ApiLocations::s_rw_pic;

TEST_F(ApiLocations, ThePicOfTheAreaRecordsALocationThatEveryReadShowsAtOnce) {
  const std::vector<std::string> mine = unlocated(true, 1);
  ASSERT_EQ(mine.size(), 1u);
  const std::string id = mine[0];
  const std::string rt = text("SELECT declared_rt FROM targets WHERE id = ?", id);
  const point at = inside(rt);
  const std::string near = "/api/v1/targets/nearest?k=1&status=any&lon=" + json(at.lon).dump() +
                           "&lat=" + json(at.lat).dump();
  const std::string tile = "/tiles/targets/" + tile_path(at.lon, at.lat, 17) + ".mvt";
  const http_response tile_before = read(tile, "pic");
  ASSERT_NE(body_of(read(near, "pic"))["targets"][0]["id"], id);
  const json area_before = body_of(read("/api/v1/targets?limit=1000&area=" + rt, "pic"));

  const json ask = {{"lon", at.lon}, {"lat", at.lat}, {"accuracy_m", 8.5}};
  const http_response done = locate(id, ask, "pic", {"Idempotency-Key: loc-1"});
  ASSERT_EQ(done.status, 200) << done.body;
  const json t = body_of(done);
  EXPECT_EQ(t["id"], id);
  EXPECT_EQ(t["located"], true);
  EXPECT_EQ(t["position"], "exact");
  EXPECT_EQ(t["lon"].get<double>(), at.lon);
  EXPECT_EQ(t["lat"].get<double>(), at.lat);
  EXPECT_EQ(t["declared_rt"], rt);
  EXPECT_EQ(t["rt_code"], rt);  // PointOnSurface of the declared RT lies in it
  EXPECT_EQ(t["rw_code"], rt.substr(0, 13));
  EXPECT_EQ(t["kelurahan_code"], env().pic_area());

  // The store holds it, with its audit entry, once.
  EXPECT_TRUE(stored_at(id, at));
  EXPECT_EQ(text("SELECT rt_code || ' ' || rw_code || ' ' || (located_by IS NOT NULL) || ' ' || "
                 "(located_at IS NOT NULL) FROM targets WHERE id = ?",
                 id),
            rt + " " + rt.substr(0, 13) + " 1 1");
  EXPECT_EQ(audits_of(id), 1);
  const json audit = body_of(read("/api/v1/audit?limit=5", "admin"));
  bool audited = false;
  for (const json& e : audit["entries"])
    if (e["action"] == "target.locate" && e["subject"] == id) {
      audited = true;
      EXPECT_EQ(e["role"], "pic");
      EXPECT_EQ(e["detail"]["accuracy_m"], 8.5);
      EXPECT_EQ(e["detail"]["rt_code"], rt);
      EXPECT_EQ(e["detail"]["lon"].get<double>(), at.lon);
    }
  EXPECT_TRUE(audited) << audit.dump();

  // Every read shows it at once: nearest, the RT's targets, the target, the tile.
  const json nearest = body_of(read(near, "pic"));
  EXPECT_EQ(nearest["targets"][0]["id"], id);
  EXPECT_EQ(nearest["targets"][0]["distance_m"], 0);
  const json area_after = body_of(read("/api/v1/targets?limit=1000&area=" + rt, "pic"));
  EXPECT_EQ(area_after["number_matched"], area_before["number_matched"]);
  bool listed = false;
  for (const json& x : area_after["targets"])
    if (x["id"] == id) {
      listed = true;
      EXPECT_EQ(x["located"], true);
      EXPECT_EQ(x["lon"].get<double>(), at.lon);
    }
  EXPECT_TRUE(listed);
  EXPECT_EQ(body_of(read("/api/v1/targets/" + id, "admin"))["located"], true);
  const http_response tile_after = read(tile, "pic");
  ASSERT_EQ(tile_after.status, 200);
  EXPECT_NE(tile_after.header("etag"), tile_before.header("etag"));
  EXPECT_EQ(tile_after.header("content-encoding"), std::nullopt);
  EXPECT_NE(tile_after.body.find(id), std::string::npos);
  EXPECT_EQ(tile_before.body.find(id), std::string::npos);

  // A retry with the key gets the same answer and writes nothing; another body with it is
  // refused; a second visit without a key finds it located.
  const http_response again = locate(id, ask, "pic", {"Idempotency-Key: loc-1"});
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, done.body);
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  EXPECT_EQ(audits_of(id), 1);
  const http_response other =
      locate(id, {{"lon", at.lon}, {"lat", at.lat}}, "pic", {"Idempotency-Key: loc-1"});
  EXPECT_EQ(other.status, 422) << other.body;
  const http_response twice = locate(id, ask, "pic");
  EXPECT_EQ(twice.status, 409) << twice.body;
  EXPECT_EQ(body_of(twice)["type"], "urn:sasaran:problem:target-already-located");
  EXPECT_EQ(twice.header("content-type"), "application/problem+json");
  EXPECT_EQ(audits_of(id), 1);
}

TEST_F(ApiLocations, APointOutsideTheDeclaredKelurahanIsRefusedNamingWhereItLies) {
  const std::vector<std::string> theirs = unlocated(false, 1);
  ASSERT_EQ(theirs.size(), 1u);
  const std::string id = theirs[0];
  const std::string own = text("SELECT kelurahan_code FROM targets WHERE id = ?", id);
  const std::string elsewhere = text(
      "SELECT code FROM areas WHERE level = 'kelurahan' AND code <> ? ORDER BY code LIMIT 1", own);
  const std::string name = text("SELECT name FROM areas WHERE code = ?", elsewhere);
  const point at = inside(elsewhere);
  const http_response r = locate(id, {{"lon", at.lon}, {"lat", at.lat}}, "admin");
  ASSERT_EQ(r.status, 422) << r.body;
  const json problem = body_of(r);
  EXPECT_EQ(problem["type"], "urn:sasaran:problem:location-outside-area");
  EXPECT_EQ(problem["area"], elsewhere);
  EXPECT_NE(
      problem["detail"].get<std::string>().find("lies in kelurahan " + elsewhere + " (" + name +
                                                "), not in the household's declared "
                                                "kelurahan " +
                                                own),
      std::string::npos)
      << problem["detail"];
  const http_response sea = locate(id, {{"lon", 105.0}, {"lat", -7.0}}, "admin");
  ASSERT_EQ(sea.status, 422) << sea.body;
  EXPECT_NE(body_of(sea)["detail"].get<std::string>().find("lies outside every kelurahan"),
            std::string::npos);
  EXPECT_FALSE(body_of(sea).contains("area"));
  EXPECT_EQ(text("SELECT coalesce(lon, 'null') FROM targets WHERE id = ?", id), "null");
  EXPECT_EQ(audits_of(id), 0);
  EXPECT_EQ(body_of(read("/api/v1/targets/" + id, "admin"))["located"], false);
}

TEST_F(ApiLocations, RolesAreCheckedFirstAndATargetOutOfScopeIsAsMissing) {
  const std::string theirs = unlocated(false, 1).at(0);
  const point at = inside(text("SELECT declared_rt FROM targets WHERE id = ?", theirs));
  const json ask = {{"lon", at.lon}, {"lat", at.lat}};
  const http_response anonymous = locate(theirs, ask, "");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(body_of(anonymous)["type"], "urn:sasaran:problem:sign-in-required");
  for (const char* role : {"collaborator", "aggregator", "planner"}) {
    const http_response r = locate(theirs, ask, role);
    EXPECT_EQ(r.status, 403) << role;
    EXPECT_EQ(body_of(r)["type"], "urn:sasaran:problem:forbidden") << role;
  }
  // Roles before the body and the id: a bad body and an unknown id give the same refusal.
  EXPECT_EQ(post_text("/api/v1/targets/NOPE/location", "{", "collaborator").status, 403);
  EXPECT_EQ(post_text("/api/v1/targets/NOPE/location", "{", "").status, 401);
  // A PIC and a household of another kelurahan: the same 404 as an id that does not exist.
  const http_response out_of_scope = locate(theirs, ask, "pic");
  const http_response missing = locate("T9999999", ask, "pic");
  ASSERT_EQ(out_of_scope.status, 404);
  ASSERT_EQ(missing.status, 404);
  json a = body_of(out_of_scope), b = body_of(missing);
  EXPECT_EQ(a["type"], "urn:sasaran:problem:not-found");
  EXPECT_EQ(a["detail"], "no target has id '" + theirs + "' among those you may locate");
  EXPECT_EQ(b["detail"], "no target has id 'T9999999' among those you may locate");
  for (json* p : {&a, &b})
    for (const char* varying : {"detail", "instance", "request_id"})
      p->erase(varying);
  EXPECT_EQ(a, b);
  EXPECT_EQ(audits_of(theirs), 0);
}

TEST_F(ApiLocations, BadBodiesAreRefusedNamingTheMemberAndWriteNothing) {
  const std::string id = unlocated(false, 2).at(1);
  const point at = inside(text("SELECT declared_rt FROM targets WHERE id = ?", id));
  const std::string lon = std::to_string(at.lon), lat = std::to_string(at.lat);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"lon": NaN, "lat": )" + lat + "}", "lon"},
      {R"({"lon": )" + lon + R"(, "lat": Infinity})", "lat"},
      {R"({"lon": 200, "lat": )" + lat + "}", "lon"},
      {R"({"lon": )" + lon + R"(, "lat": -91})", "lat"},
      {R"({"lon": ")" + lon + R"(", "lat": )" + lat + "}", "lon"},
      {R"({"lat": )" + lat + "}", "lon"},
      {R"({"lon": )" + lon + "}", "lat"},
      {R"({"lon": )" + lon + R"(, "lat": )" + lat + R"(, "accuracy_m": -3})", "accuracy_m"},
      {R"({"lon": )" + lon + R"(, "lat": )" + lat + R"(, "alt": 12})", "alt"},
      {R"({"lon": 1e400, "lat": )" + lat + "}", "lon"},
      {"[1, 2]", "body"},
      {R"({"lon": )", "body"},
  };
  for (const auto& [body, member] : cases) {
    const http_response r = post_text("/api/v1/targets/" + id + "/location", body, "admin");
    EXPECT_EQ(r.status, 400) << body << "\n" << r.body;
    EXPECT_EQ(body_of(r)["parameter"], member) << body << "\n" << r.body;
  }
  EXPECT_EQ(text("SELECT coalesce(lon, 'null') FROM targets WHERE id = ?", id), "null");
  EXPECT_EQ(audits_of(id), 0);
}

TEST_F(ApiLocations, APicOfOneRwIsHeldToItsRw) {
  // A household declared in one RW of the PIC's kelurahan... made unlocated for the test would
  // change the copy's data behind its server; instead a PIC of the RW of an unlocated household
  // of another kelurahan, and a point in another RW of that kelurahan.
  // From the end of the id order (the other tests take from the start), in a kelurahan of more
  // than one RW.
  const std::string id = text(R"sql(
    SELECT id FROM targets t WHERE lon IS NULL AND retired_at IS NULL AND kelurahan_code <> ?
      AND (SELECT count(*) FROM areas a WHERE level = 'rw' AND parent_code = t.kelurahan_code) > 1
    ORDER BY id DESC LIMIT 1)sql",
                              env().pic_area());
  const std::string rt = text("SELECT declared_rt FROM targets WHERE id = ?", id);
  const std::string rw = rt.substr(0, 13);
  const auto [code, out] =
      s_copy->run({"token", "create", "--db", s_copy->db_path(), "--role", "pic", "--area", rw});
  ASSERT_EQ(code, 0) << out;
  s_rw_pic = out.substr(0, out.find('\n'));
  const std::string other_rw =
      text("SELECT code FROM areas WHERE level = 'rw' AND parent_code = ? AND code <> '" + rw +
               "' ORDER BY code LIMIT 1",
           rw.substr(0, 10));
  ASSERT_NE(other_rw, "none");
  const std::string other_rt =
      text("SELECT code FROM areas WHERE level = 'rt' AND parent_code = '" + other_rw +
           "' ORDER BY code LIMIT 1");
  const point there = inside(other_rt);
  const http_response refused = locate(id, {{"lon", there.lon}, {"lat", there.lat}}, "rw-pic");
  ASSERT_EQ(refused.status, 422) << refused.body;
  const json problem = body_of(refused);
  EXPECT_EQ(problem["type"], "urn:sasaran:problem:location-outside-area");
  EXPECT_EQ(problem["area"], other_rt);
  EXPECT_NE(problem["detail"].get<std::string>().find("lies in rt " + other_rt), std::string::npos)
      << problem["detail"];
  EXPECT_NE(problem["detail"].get<std::string>().find("outside your areas (" + rw + ")"),
            std::string::npos)
      << problem["detail"];
  EXPECT_EQ(audits_of(id), 0);
  // In their RW it lands.
  const point here = inside(rt);
  const http_response done = locate(id, {{"lon", here.lon}, {"lat", here.lat}}, "rw-pic");
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(body_of(done)["rw_code"], rw);
}

TEST_F(ApiLocations, ReadsAndPledgesUnderWayWhileLocationsAreRecordedAreNeitherRefusedNorLost) {
  std::vector<std::pair<std::string, point>> to_locate;
  {
    geo::sqlite_statement s = db().prepare(R"sql(
      SELECT id, declared_rt FROM targets WHERE lon IS NULL AND retired_at IS NULL
        AND kelurahan_code <> ? ORDER BY id LIMIT 20 OFFSET 10)sql");
    s.bind(1, env().pic_area());
    while (s.step())
      to_locate.emplace_back(s.column_text(0), inside(s.column_text(1)));
  }
  std::vector<std::string> to_pledge;
  {
    geo::sqlite_statement s = db().prepare(R"sql(
      SELECT id FROM targets WHERE lon IS NOT NULL AND retired_at IS NULL
        AND id NOT IN (SELECT target_id FROM pledges) ORDER BY id LIMIT 20 OFFSET 9000)sql");
    while (s.step())
      to_pledge.push_back(s.column_text(0));
  }
  ASSERT_EQ(to_locate.size(), 20u);
  ASSERT_EQ(to_pledge.size(), 20u);
  std::mutex lock;
  std::vector<std::string> failures;
  const auto fail = [&](const std::string& what) {
    const std::lock_guard guard(lock);
    failures.push_back(what);
  };
  std::atomic<bool> stop{false};
  std::vector<std::jthread> readers;
  for (int n = 0; n < 2; ++n)
    readers.emplace_back([&, n] {
      for (std::size_t i = static_cast<std::size_t>(n); !stop; ++i) {
        const point at = to_locate[i % to_locate.size()].second;
        const std::string path =
            i % 2 ? "/tiles/rw,targets/" + tile_path(at.lon, at.lat, 15) + ".mvt"
                  : "/api/v1/targets/nearest?status=any&lon=" + json(at.lon).dump() +
                        "&lat=" + json(at.lat).dump();
        const long status = read(path, "admin").status;
        if (status != 200 && status != 204) fail("GET " + path + ": " + std::to_string(status));
      }
    });
  std::jthread pledging([&] {
    for (const std::string& id : to_pledge) {
      const http_response r = post_text(
          "/api/v1/pledges", json{{"target", id}, {"form", "barang"}, {"quantity", 1}}.dump(),
          "collaborator");
      if (r.status != 201) fail("pledge " + id + ": " + std::to_string(r.status) + " " + r.body);
    }
  });
  for (const auto& [id, at] : to_locate) {
    const http_response r = locate(id, {{"lon", at.lon}, {"lat", at.lat}}, "admin");
    if (r.status != 200) fail("locate " + id + ": " + std::to_string(r.status) + " " + r.body);
  }
  pledging.join();
  stop = true;
  readers.clear();
  EXPECT_TRUE(failures.empty()) << failures.size() << " failures, the first: " << failures[0];
  for (const auto& [id, at] : to_locate) {
    EXPECT_TRUE(stored_at(id, at)) << id;
    const json t = body_of(read("/api/v1/targets/" + id, "admin"));
    EXPECT_EQ(t["located"], true) << id;
    EXPECT_EQ(t["lon"].get<double>(), at.lon) << id;
    EXPECT_EQ(audits_of(id), 1) << id;
  }
  for (const std::string& id : to_pledge) {
    EXPECT_EQ(
        number("SELECT count(*) FROM pledges WHERE status = 'committed' AND target_id = ?", id), 1)
        << id;
    EXPECT_EQ(body_of(read("/api/v1/targets/" + id, "admin"))["status"], "pledged") << id;
  }
}

TEST_F(ApiLocations, AFollowingImportKeepsALocationRecordedInTheField) {
  const std::string id = unlocated(false, 4).at(3);
  const std::string rt = text("SELECT declared_rt FROM targets WHERE id = ?", id);
  const point at = inside(rt);
  ASSERT_EQ(locate(id, {{"lon", at.lon}, {"lat", at.lat}}, "admin").status, 200);
  const std::int64_t version = number("SELECT max(id) FROM import_runs");
  const std::int64_t recorded = number("SELECT count(*) FROM targets WHERE located_at IS NOT NULL");
  ASSERT_GE(recorded, 1);
  // The registry has not caught up: the same targets file, still without a point for it.
  const auto [code, out] =
      s_copy->run({"import", "--table", "targets",
                   env().datasets_root() + "/jakarta/targets_250k.csv", "--db", s_copy->db_path()});
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("kept the location recorded in the field"), std::string::npos) << out;
  const std::string report =
      text("SELECT report FROM import_runs WHERE id = ?", std::to_string(version + 1));
  const json changes = json::parse(report)["layers"][0]["changes"];
  EXPECT_EQ(changes["field_locations_kept"], recorded) << changes;  // this one and the others
  EXPECT_EQ(changes["field_locations_replaced"], 0);
  EXPECT_TRUE(stored_at(id, at));
  // The server follows the import and still shows it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  std::string metrics;
  while (std::chrono::steady_clock::now() < deadline) {
    metrics = read("/metrics", "admin").body;
    if (metrics.find("\nsasaran_data_version " + std::to_string(version + 1)) != std::string::npos)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_NE(metrics.find("\nsasaran_data_version " + std::to_string(version + 1)),
            std::string::npos);
  const json t = body_of(read("/api/v1/targets/" + id, "admin"));
  EXPECT_EQ(t["located"], true);
  EXPECT_EQ(t["lon"].get<double>(), at.lon);
  EXPECT_EQ(t["rt_code"], rt);
}

}  // namespace
