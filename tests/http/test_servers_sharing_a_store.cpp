// Any number of servers over one store: two `sasaran serve` on one SQLite file (WAL lets two
// processes share it) each follow what the other writes through the store's change feed. A
// test waits until server B has taken in the change of A's write (its gauge
// sasaran_changes_applied reaches the change's seq in the store), then asserts what B answers:
// the feed, not the passing of time, makes B current.
#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "tests/http/api_test_support.hpp"

namespace {

using namespace api_test;
using test_support::served_copy;

class ServersSharingAStore : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_copy = std::make_unique<served_copy>("servers-sharing-a-store");
    s_a = s_copy->base_url();
    s_b = s_copy->serve_another();
  }
  static void TearDownTestSuite() {
    // A failed request (a 500) on either server fails the suite.
    for (std::size_t n = 0; n < 2; ++n) {
      const std::string log = s_copy->server_log(n);
      EXPECT_EQ(log.find(" failed: "), std::string::npos) << "server " << n << ":\n" << log;
    }
    s_copy.reset();
  }

  void SetUp() override {
    ASSERT_FALSE(s_a.empty());
    ASSERT_FALSE(s_b.empty());
  }

  static std::int64_t count(const std::string& sql) {
    geo::sqlite_db db(s_copy->db_path());
    geo::sqlite_statement s = db.prepare(sql);
    return s.step() ? s.column_int(0) : -1;
  }

  // The seq of the newest change of `kind` about `key` in the store.
  static std::int64_t change_of(const std::string& kind, const std::string& key) {
    return count("SELECT coalesce(max(seq), -1) FROM changes WHERE kind = '" + kind +
                 "' AND key = '" + key + "'");
  }

  static double changes_applied(test_support::http_client& client, const std::string& server) {
    const std::string metrics =
        client.get(server + "/metrics", {env().authorization("admin")}).body;
    const std::string name = "\nsasaran_changes_applied ";
    const std::size_t at = metrics.find(name);
    return at == std::string::npos ? -1.0 : std::stod(metrics.substr(at + name.size()));
  }

  // Waits until `server` has taken in change `seq`; false after a generous deadline that only
  // guards against a hang.
  static bool taken_in(const std::string& server, std::int64_t seq) {
    test_support::http_client client;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    while (changes_applied(client, server) < double(seq)) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  // A located open target of the PIC's kelurahan no test has used yet, with its point and RW.
  struct open_target {
    std::string id;
    double lon = 0, lat = 0;
    std::string rw;
  };
  static open_target next_open_target() {
    static std::int64_t taken = 0;
    geo::sqlite_db db(s_copy->db_path());
    geo::sqlite_statement s = db.prepare(R"sql(
      SELECT id, lon, lat, rw_code FROM targets
      WHERE kelurahan_code = ?1 AND lon IS NOT NULL AND retired_at IS NULL
        AND id NOT IN (SELECT target_id FROM pledges)
      ORDER BY id LIMIT 1 OFFSET ?2)sql");
    s.bind(1, env().pic_area()).bind(2, taken++);
    if (!s.step()) {
      ADD_FAILURE() << "no open target left in " << env().pic_area();
      return {};
    }
    return {s.column_text(0), s.column_double(1), s.column_double(2), s.column_text(3)};
  }

  static http_response pledge_through(test_support::http_client& client, const std::string& server,
                                      const std::string& target, const std::string& role,
                                      const std::string& key = "") {
    const json ask = {{"target", target}, {"form", "uang"}, {"amount_idr", 150000}};
    test_support::http_headers headers = {env().authorization(role),
                                          "Content-Type: application/json"};
    if (!key.empty()) headers.push_back("Idempotency-Key: " + key);
    return client.post(server + "/api/v1/pledges", ask.dump(), headers);
  }

  static json read(test_support::http_client& client, const std::string& server,
                   const std::string& path, const std::string& role = "admin") {
    const http_response r = client.get(server + path, {env().authorization(role)});
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    return json::parse(r.body.empty() ? "null" : r.body);
  }

  static inline std::unique_ptr<served_copy> s_copy;
  static inline std::string s_a;
  static inline std::string s_b;
};

bool lists(const json& nearest, const std::string& id) {
  for (const json& t : nearest["targets"])
    if (t["id"] == id) return true;
  return false;
}

TEST_F(ServersSharingAStore, APledgeOnAShowsOnBInStatusNearestCoverageAndTiles) {
  test_support::http_client client;
  const open_target t = next_open_target();
  const std::string nearest =
      "/api/v1/targets/nearest?k=5&lon=" + std::to_string(t.lon) + "&lat=" + std::to_string(t.lat);
  const std::string tile = "/tiles/kelurahan,rw,targets/" + tile_path(t.lon, t.lat, 16) + ".mvt";
  EXPECT_EQ(read(client, s_b, "/api/v1/targets/" + t.id)["status"], "open");
  EXPECT_TRUE(lists(read(client, s_b, nearest), t.id));
  const json coverage_before = read(client, s_b, "/api/v1/areas/" + t.rw)["coverage"]["all"];
  const http_response tile_before = client.get(s_b + tile, {env().authorization("admin")});
  ASSERT_EQ(tile_before.status, 200);

  const http_response made = pledge_through(client, s_a, t.id, "collaborator");
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string id = json::parse(made.body)["id"];
  ASSERT_TRUE(taken_in(s_b, change_of("pledge", id)));

  EXPECT_EQ(read(client, s_b, "/api/v1/targets/" + t.id)["status"], "pledged");
  EXPECT_FALSE(lists(read(client, s_b, nearest), t.id));
  const json coverage_after = read(client, s_b, "/api/v1/areas/" + t.rw)["coverage"]["all"];
  EXPECT_EQ(coverage_after["pledged"].get<int>(), coverage_before["pledged"].get<int>() + 1);
  EXPECT_EQ(coverage_after["unserved"].get<int>(), coverage_before["unserved"].get<int>() - 1);
  const http_response tile_after = client.get(s_b + tile, {env().authorization("admin")});
  ASSERT_EQ(tile_after.status, 200);
  EXPECT_NE(tile_after.header("etag"), tile_before.header("etag"));
  const json on_b = read(client, s_b, "/api/v1/pledges/" + id, "collaborator");
  EXPECT_EQ(on_b["status"], "committed");
  EXPECT_EQ(on_b["target"], t.id);
  // B's next pledge takes the next number: two servers never make the same id.
  const open_target u = next_open_target();
  const http_response next = pledge_through(client, s_b, u.id, "collaborator");
  ASSERT_EQ(next.status, 201) << next.body;
  EXPECT_GT(json::parse(next.body)["id"].get<std::string>(), id);
}

TEST_F(ServersSharingAStore, ACancelOnBShowsOnA) {
  test_support::http_client client;
  const open_target t = next_open_target();
  const http_response made = pledge_through(client, s_a, t.id, "collaborator");
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string id = json::parse(made.body)["id"];
  ASSERT_TRUE(taken_in(s_b, change_of("pledge", id)));

  const http_response cancelled =
      client.post(s_b + "/api/v1/pledges/" + id + "/cancel", "{}",
                  {env().authorization("collaborator"), "Content-Type: application/json"});
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  ASSERT_TRUE(taken_in(s_a, change_of("pledge", id)));
  EXPECT_EQ(read(client, s_a, "/api/v1/pledges/" + id, "collaborator")["status"], "cancelled");
  EXPECT_EQ(read(client, s_a, "/api/v1/targets/" + t.id)["status"], "open");
  // A, told of the cancellation, refuses a second one as the store would.
  const http_response again =
      client.post(s_a + "/api/v1/pledges/" + id + "/cancel", "{}",
                  {env().authorization("collaborator"), "Content-Type: application/json"});
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(json::parse(again.body)["type"], "urn:sasaran:problem:pledge-cancelled");
}

TEST_F(ServersSharingAStore, ALocationRecordedOnAShowsOnBInTheTargetNearestAndTiles) {
  test_support::http_client client;
  std::string id, rt;
  double lon = 0, lat = 0;
  {
    // An unlocated household of the PIC's kelurahan, and a point inside its declared RT
    // (SpatiaLite's PointOnSurface, independent of the server).
    geo::sqlite_db db(s_copy->db_path());
    geo::sqlite_statement s = db.prepare(R"sql(
      SELECT t.id, t.declared_rt, X(PointOnSurface(a.geom)), Y(PointOnSurface(a.geom))
      FROM targets t JOIN areas a ON a.code = t.declared_rt
      WHERE t.lon IS NULL AND t.retired_at IS NULL AND t.kelurahan_code = ?
      ORDER BY t.id LIMIT 1)sql");
    s.bind(1, env().pic_area());
    ASSERT_TRUE(s.step());
    id = s.column_text(0);
    rt = s.column_text(1);
    lon = s.column_double(2);
    lat = s.column_double(3);
  }
  const std::string nearest =
      "/api/v1/targets/nearest?k=5&status=any&lon=" + json(lon).dump() + "&lat=" + json(lat).dump();
  const std::string tile = "/tiles/targets/" + tile_path(lon, lat, 17) + ".mvt";
  EXPECT_EQ(read(client, s_b, "/api/v1/targets/" + id)["located"], false);
  EXPECT_FALSE(lists(read(client, s_b, nearest), id));
  const http_response tile_before = client.get(s_b + tile, {env().authorization("pic")});

  const http_response done = client.post(
      s_a + "/api/v1/targets/" + id + "/location", json({{"lon", lon}, {"lat", lat}}).dump(),
      {env().authorization("pic"), "Content-Type: application/json"});
  ASSERT_EQ(done.status, 200) << done.body;
  ASSERT_TRUE(taken_in(s_b, change_of("location", id)));

  const json on_b = read(client, s_b, "/api/v1/targets/" + id);
  EXPECT_EQ(on_b["located"], true);
  EXPECT_EQ(on_b["lon"].get<double>(), lon);
  EXPECT_EQ(on_b["lat"].get<double>(), lat);
  EXPECT_EQ(on_b["rt_code"], rt);
  EXPECT_TRUE(lists(read(client, s_b, nearest), id));
  const http_response tile_after = client.get(s_b + tile, {env().authorization("pic")});
  ASSERT_EQ(tile_after.status, 200);
  EXPECT_NE(tile_after.header("etag"), tile_before.header("etag"));
  // B, told of it, refuses a second location as the store would.
  const http_response again = client.post(
      s_b + "/api/v1/targets/" + id + "/location", json({{"lon", lon}, {"lat", lat}}).dump(),
      {env().authorization("pic"), "Content-Type: application/json"});
  EXPECT_EQ(again.status, 409) << again.body;
}

TEST_F(ServersSharingAStore, ASessionEndedOnAIsRefusedByB) {
  test_support::http_client client;
  const http_response issued = client.post(
      s_a + "/api/v1/sign-in-links",
      json({{"role", "pic"}, {"name", "Ibu Rina"}, {"areas", {env().pic_area()}}}).dump(),
      {env().authorization("admin"), "Content-Type: application/json"});
  ASSERT_EQ(issued.status, 201) << issued.body;
  const std::string link = json::parse(issued.body)["link"];
  const std::string code = link.substr(link.find("#masuk=") + 7);
  const http_response session = client.post(s_a + "/api/v1/sessions", json({{"link", code}}).dump(),
                                            {"Content-Type: application/json"});
  ASSERT_EQ(session.status, 201) << session.body;
  const json s = json::parse(session.body);
  const std::string bearer = "Authorization: Bearer " + s["token"].get<std::string>();
  // B knows the session now (and keeps it in memory for a while).
  ASSERT_EQ(client.get(s_b + "/api/v1/me", {bearer}).status, 200);

  ASSERT_EQ(client.post(s_a + "/api/v1/sessions/end", "", {bearer}).status, 204);
  ASSERT_TRUE(taken_in(s_b, change_of("token", s["session_id"])));
  const http_response refused = client.get(s_b + "/api/v1/me", {bearer});
  EXPECT_EQ(refused.status, 401) << refused.body;
  EXPECT_EQ(json::parse(refused.body)["type"], "urn:sasaran:problem:token-not-accepted");
}

TEST_F(ServersSharingAStore, OneTargetPledgedThroughBothAtOnceGetsOne201AndOne409NamingIt) {
  for (int round = 0; round < 3; ++round) {
    const open_target t = next_open_target();
    http_response through_a, through_b;
    {
      std::jthread a([&] {
        test_support::http_client c;
        through_a = pledge_through(c, s_a, t.id, "collaborator");
      });
      std::jthread b([&] {
        test_support::http_client c;
        through_b = pledge_through(c, s_b, t.id, "aggregator");
      });
    }
    const bool a_won = through_a.status == 201;
    const http_response& won = a_won ? through_a : through_b;
    const http_response& lost = a_won ? through_b : through_a;
    ASSERT_EQ(won.status, 201) << won.body << lost.body;
    ASSERT_EQ(lost.status, 409) << lost.body;
    const json problem = json::parse(lost.body);
    EXPECT_EQ(problem["type"], "urn:sasaran:problem:target-taken");
    EXPECT_EQ(problem["holder"], json::parse(won.body)["id"]);
    EXPECT_EQ(count("SELECT count(*) FROM pledges WHERE target_id = '" + t.id + "'"), 1);
  }
}

TEST_F(ServersSharingAStore, OneIdempotencyKeyThroughBothAtOnceMakesOnePledge) {
  for (int round = 0; round < 3; ++round) {
    const open_target t = next_open_target();
    const std::string key = "both-servers-" + t.id;
    http_response through_a, through_b;
    {
      std::jthread a([&] {
        test_support::http_client c;
        through_a = pledge_through(c, s_a, t.id, "collaborator", key);
      });
      std::jthread b([&] {
        test_support::http_client c;
        through_b = pledge_through(c, s_b, t.id, "collaborator", key);
      });
    }
    ASSERT_EQ(through_a.status, 201) << through_a.body;
    ASSERT_EQ(through_b.status, 201) << through_b.body;
    EXPECT_EQ(through_a.body, through_b.body);
    EXPECT_EQ(through_a.header("location"), through_b.header("location"));
    // One of them is the write, the other its answer replayed.
    EXPECT_EQ((through_a.header("idempotent-replayed") == "true") +
                  (through_b.header("idempotent-replayed") == "true"),
              1);
    EXPECT_EQ(count("SELECT count(*) FROM pledges WHERE target_id = '" + t.id + "'"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM idempotent_answers WHERE key = '" + key + "'"), 1);
  }
}

// Last of the suite: it reloads both servers.
TEST_F(ServersSharingAStore, AnImportSwitchesBothServersAndTheyFollowEachOtherOnAfterIt) {
  test_support::http_client client;
  const open_target t = next_open_target();
  const http_response before = pledge_through(client, s_a, t.id, "collaborator");
  ASSERT_EQ(before.status, 201) << before.body;
  const std::int64_t run = count("SELECT max(id) FROM import_runs") + 1;

  // The same targets file again: nothing changes but the log of imports, and both reload.
  const auto [code, out] =
      s_copy->run({"import", "--table", "targets",
                   env().datasets_root() + "/jakarta/targets_250k.csv", "--db", s_copy->db_path()});
  ASSERT_EQ(code, 0) << out;
  const std::int64_t imported = change_of("import", std::to_string(run));
  ASSERT_GT(imported, 0);
  ASSERT_TRUE(taken_in(s_a, imported));
  ASSERT_TRUE(taken_in(s_b, imported));
  for (const std::string& server : {s_a, s_b}) {
    const std::string metrics =
        client.get(server + "/metrics", {env().authorization("admin")}).body;
    EXPECT_NE(metrics.find("\nsasaran_data_version " + std::to_string(run) + "\n"),
              std::string::npos)
        << server;
    EXPECT_EQ(read(client, server, "/api/v1/targets/" + t.id)["status"], "pledged") << server;
  }

  // The new generations follow each other as the old ones did.
  const open_target u = next_open_target();
  const http_response after = pledge_through(client, s_b, u.id, "aggregator");
  ASSERT_EQ(after.status, 201) << after.body;
  ASSERT_TRUE(taken_in(s_a, change_of("pledge", json::parse(after.body)["id"])));
  EXPECT_EQ(read(client, s_a, "/api/v1/targets/" + u.id)["status"], "pledged");
  const http_response twice = pledge_through(client, s_a, u.id, "collaborator");
  EXPECT_EQ(twice.status, 409) << twice.body;
  EXPECT_EQ(json::parse(twice.body)["holder"], json::parse(after.body)["id"]);
}

}  // namespace
