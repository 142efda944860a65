// Several `sasaran serve` on one PostgreSQL (issue 13, section 4): a private cluster of their
// own (tests/pg/pg_cluster.sh, so that a restart of it disturbs no other test), the tiny areas
// with 600 generated households imported into it with the real CLI, three servers on it. The
// servers follow each other through the store's change feed; a test waits until a server has
// taken in a change (its gauge sasaran_changes_applied reaches the store's seq), never for a
// time. Skipped without SASARAN_TEST_PG_URL (the sign that PostgreSQL runs here; its server is
// not used, a restart must be ours alone).
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "geo/store/pg_connection.hpp"
#include "tests/multiserver/server_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/pg_test_database.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test_support::http_client;
using test_support::http_response;
using test_support::server_process;
using clock_type = std::chrono::steady_clock;

constexpr int household_count = 600;

// A request that got no answer at all (refused, reset) is status 0.
http_response ask(http_client& client, const std::string& method, const std::string& url,
                  const std::string& body, const test_support::http_headers& headers) {
  try {
    return client.request(method, url, body, headers);
  } catch (const std::runtime_error&) {
    return {};
  }
}

class ServersOnPostgres : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!test_support::test_pg_url()) return;
    s_dir = (fs::temp_directory_path() / ("sasaran-multiserver-" + std::to_string(::getpid())))
                .string();
    fs::remove_all(s_dir);
    fs::create_directories(s_dir);
    const auto [started, out] = test_support::run_shell(cluster("start"));
    ASSERT_EQ(started, 0) << out;
    s_url = out.substr(out.rfind("postgresql://"));
    s_url = s_url.substr(0, s_url.find('\n'));
    write_dataset();
    const auto [imported, import_out] = test_support::run_sasaran(
        {"import", s_dir + "/dataset.json", "--db", s_url, "--datasets", SASARAN_TEST_DATA},
        s_dir + "/import.log");
    ASSERT_EQ(imported, 0) << import_out;
    s_tokens["collaborator"] = token({"--role", "collaborator", "--collaborator", "C1"});
    s_tokens["other"] = token({"--role", "collaborator", "--collaborator", "C3"});
    s_tokens["admin"] = token({"--role", "admin"});
    for (const auto& [role, secret] : s_tokens)
      ASSERT_FALSE(secret.empty()) << "no token for " << role;
    for (int n = 0; n < 3; ++n)
      s_servers.push_back(start_server(n));
  }

  static void TearDownTestSuite() {
    for (std::size_t n = 0; n < s_servers.size(); ++n)
      if (s_servers[n]) {
        EXPECT_TRUE(s_servers[n]->stop()) << "server " << n << " after SIGTERM";
      }
    s_servers.clear();
    if (s_dir.empty()) return;
    // A request that failed with a 500 (a bug, logged by the server) fails the suite; 503s
    // while PostgreSQL is away are expected.
    for (const auto& entry : fs::directory_iterator(s_dir)) {
      if (!entry.path().filename().string().starts_with("serve-")) continue;
      std::ifstream log(entry.path());
      for (std::string line; std::getline(log, line);)
        if (line.starts_with("sasaran serve: request ") &&
            line.find(" failed: ") != std::string::npos)
          ADD_FAILURE() << entry.path().filename() << ": " << line;
    }
    test_support::run_shell(cluster("stop"));
    if (!::testing::UnitTest::GetInstance()->Failed()) fs::remove_all(s_dir);
  }

  void SetUp() override {
    if (!test_support::test_pg_url()) GTEST_SKIP() << test_support::no_pg_url;
    ASSERT_EQ(s_servers.size(), 3u);
    for (const auto& s : s_servers)
      ASSERT_FALSE(s->base_url().empty());
  }

  static std::string cluster(const std::string& verb) {
    return std::string(SASARAN_SOURCE_DIR) + "/tests/pg/pg_cluster.sh " + verb + " " + s_dir +
           "/pg";
  }

  // The tiny dataset's areas (kelurahan 3171010001, RW 1 and 2, RT 1 and 2 of each) and
  // collaborators, and households G0000..G0599 on a grid inside RT 1 of RW 1 and of RW 2.
  static void write_dataset() {
    std::ofstream targets(s_dir + "/targets.csv");
    targets << "id,program,need,household_size,priority,lon,lat,kode_kel,rw,rt,registered_at\n";
    for (int i = 0; i < household_count; ++i) {
      const int rw = 1 + i % 2;
      const double lon = (rw == 1 ? 106.8011 : 106.8111) + (i / 2 % 20) * 0.0004;
      const double lat = -6.1989 + (i / 40) * 0.0005;
      targets << household(i) << ",pangan,beras,4,3," << json(lon).dump() << "," << json(lat).dump()
              << ",3171010001," << rw << ",1,2024-01-15\n";
    }
    json dataset =
        json::parse(std::ifstream(std::string(SASARAN_TEST_DATA) + "/dataset-tiny.json"));
    dataset["targets"] = s_dir + "/targets.csv";
    dataset.erase("pledges");
    std::ofstream(s_dir + "/dataset.json") << dataset.dump(2);
  }

  static std::string household(int i) {
    char id[16];
    std::snprintf(id, sizeof id, "G%04d", i);
    return id;
  }

  static std::string token(std::vector<std::string> more) {
    std::vector<std::string> args = {"token", "create", "--db", s_url};
    args.insert(args.end(), more.begin(), more.end());
    const auto [code, out] = test_support::run_sasaran(args, s_dir + "/token.log");
    return code == 0 ? out.substr(0, out.find('\n')) : std::string();
  }

  static std::unique_ptr<server_process> start_server(int n) {
    return std::make_unique<server_process>(
        s_url, s_dir + "/serve-" + std::to_string(n) + "-" + std::to_string(s_started++) + ".log");
  }

  static std::string url(int n) { return s_servers[static_cast<std::size_t>(n)]->base_url(); }
  static std::string authorization(const std::string& role) {
    return "Authorization: Bearer " + s_tokens.at(role);
  }

  // The first column of the first row of `sql` on the store, read on a connection of its own.
  static std::string query(const std::string& sql) {
    geo::pg_connection db(s_url);
    const geo::pg_rows rows = db.exec(sql);
    return rows.size() > 0 ? rows.text(0, 0) : std::string();
  }
  static std::int64_t count(const std::string& sql) { return std::stoll(query(sql)); }

  // A household no test has pledged yet.
  static std::string next_open_target() {
    EXPECT_LT(s_taken, household_count) << "the test households ran out";
    return household(s_taken++);
  }

  static http_response pledge(http_client& client, int server, const std::string& target,
                              const std::string& role = "collaborator",
                              const std::string& key = "") {
    test_support::http_headers headers = {authorization(role), "Content-Type: application/json"};
    if (!key.empty()) headers.push_back("Idempotency-Key: " + key);
    return ask(client, "POST", url(server) + "/api/v1/pledges",
               json({{"target", target}, {"form", "uang"}, {"amount_idr", 150000}}).dump(),
               headers);
  }

  static http_response get(http_client& client, int server, const std::string& path,
                           const std::string& role = "admin") {
    return ask(client, "GET", url(server) + path, "", {authorization(role)});
  }

  static double gauge(http_client& client, int server, const std::string& name) {
    const std::string metrics = get(client, server, "/metrics").body;
    const std::string line = "\n" + name + " ";
    const std::size_t at = metrics.find(line);
    return at == std::string::npos ? -1.0 : std::stod(metrics.substr(at + line.size()));
  }

  // Waits until every server has taken in the store's newest change; false after a generous
  // deadline that only guards against a hang.
  static bool all_caught_up() {
    const std::int64_t head = count("SELECT seq FROM change_head");
    http_client client;
    const auto deadline = clock_type::now() + std::chrono::minutes(2);
    for (int n = 0; n < 3; ++n)
      while (gauge(client, n, "sasaran_changes_applied") < double(head)) {
        if (clock_type::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    return true;
  }

  // What a server answers about the RW coverage and about `targets`, one text to compare.
  static std::string state_of(int server, const std::vector<std::string>& targets) {
    http_client client;
    const http_response coverage = get(client, server, "/api/v1/coverage?level=rw&limit=1000");
    EXPECT_EQ(coverage.status, 200) << coverage.body;
    std::string state = coverage.body;
    for (const std::string& t : targets) {
      const http_response r = get(client, server, "/api/v1/targets/" + t);
      EXPECT_EQ(r.status, 200) << t << ": " << r.body;
      state += "\n" + t + " " + json::parse(r.body.empty() ? "{}" : r.body).value("status", "");
    }
    return state;
  }

  static inline std::string s_dir;
  static inline std::string s_url;
  static inline std::map<std::string, std::string> s_tokens;
  static inline std::vector<std::unique_ptr<server_process>> s_servers;
  static inline int s_started = 0;
  static inline int s_taken = 0;
};

TEST_F(ServersOnPostgres, APledgeOnOneServerShowsOnTheOthers) {
  http_client client;
  const std::string t = next_open_target();
  EXPECT_EQ(json::parse(get(client, 1, "/api/v1/targets/" + t).body)["status"], "open");
  const http_response made = pledge(client, 0, t);
  ASSERT_EQ(made.status, 201) << made.body;
  ASSERT_TRUE(all_caught_up());
  for (int n = 1; n < 3; ++n) {
    EXPECT_EQ(json::parse(get(client, n, "/api/v1/targets/" + t).body)["status"], "pledged");
    const http_response on_n =
        get(client, n, "/api/v1/pledges/" + json::parse(made.body)["id"].get<std::string>(),
            "collaborator");
    EXPECT_EQ(on_n.status, 200) << on_n.body;
  }
}

TEST_F(ServersOnPostgres, OneTargetPledgedThroughTwoServersAtOnceGetsOne201AndOne409NamingIt) {
  for (int round = 0; round < 5; ++round) {
    const std::string t = next_open_target();
    http_response through_a, through_b;
    {
      std::jthread a([&] {
        http_client c;
        through_a = pledge(c, 0, t, "collaborator");
      });
      std::jthread b([&] {
        http_client c;
        through_b = pledge(c, 1, t, "other");
      });
    }
    const bool a_won = through_a.status == 201;
    const http_response& won = a_won ? through_a : through_b;
    const http_response& lost = a_won ? through_b : through_a;
    ASSERT_EQ(won.status, 201) << won.body << lost.body;
    ASSERT_EQ(lost.status, 409) << lost.body;
    EXPECT_EQ(json::parse(lost.body)["type"], "urn:sasaran:problem:target-taken");
    EXPECT_EQ(json::parse(lost.body)["holder"], json::parse(won.body)["id"]);
    EXPECT_EQ(count("SELECT count(*) FROM pledges WHERE target_id = '" + t + "'"), 1);
  }
}

TEST_F(ServersOnPostgres, OneIdempotencyKeyThroughTwoServersAtOnceMakesOnePledge) {
  for (int round = 0; round < 5; ++round) {
    const std::string t = next_open_target();
    const std::string key = "both-servers-" + t;
    http_response through_a, through_b;
    {
      std::jthread a([&] {
        http_client c;
        through_a = pledge(c, 0, t, "collaborator", key);
      });
      std::jthread b([&] {
        http_client c;
        through_b = pledge(c, 2, t, "collaborator", key);
      });
    }
    ASSERT_EQ(through_a.status, 201) << through_a.body;
    ASSERT_EQ(through_b.status, 201) << through_b.body;
    EXPECT_EQ(through_a.body, through_b.body);
    EXPECT_EQ((through_a.header("idempotent-replayed") == "true") +
                  (through_b.header("idempotent-replayed") == "true"),
              1);
    EXPECT_EQ(count("SELECT count(*) FROM pledges WHERE target_id = '" + t + "'"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM idempotent_answers WHERE key = '" + key + "'"), 1);
  }
}

// Server A is killed while a client posts pledges to it, each with an Idempotency-Key: what A
// acknowledged (201) is in the store once, the request cut off is there at most once, and
// sending every key again (to B, then to the restarted A) replays, never makes a second pledge.
TEST_F(ServersOnPostgres, AServerKilledMidWriteLosesNothingAcknowledgedAndAppliesNothingTwice) {
  struct sent {
    std::string target, key;
    http_response answer;
  };
  std::vector<sent> log;
  std::atomic<int> acknowledged{0};
  {
    std::jthread writer([&] {
      http_client c;
      // Until A is gone: the last request is the one the kill cut off.
      while (s_taken < household_count - 100) {
        sent s;
        s.target = next_open_target();
        s.key = "kill-" + s.target;
        s.answer = pledge(c, 0, s.target, "collaborator", s.key);
        log.push_back(s);
        if (s.answer.status != 201) return;
        ++acknowledged;
      }
    });
    const auto deadline = clock_type::now() + std::chrono::minutes(2);
    while (acknowledged < 20 && clock_type::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    s_servers[0]->kill_hard();
  }
  ASSERT_GE(acknowledged.load(), 20);
  ASSERT_FALSE(log.empty());
  ASSERT_EQ(log.back().answer.status, 0)
      << "the kill did not cut a request off: " << log.back().answer.body;
  std::string in_list;
  for (const sent& s : log)
    in_list += (in_list.empty() ? "'" : ",'") + s.target + "'";
  for (const sent& s : log) {
    if (s.answer.status != 201) continue;
    const std::string id = json::parse(s.answer.body)["id"];
    EXPECT_EQ(count("SELECT count(*) FROM pledges WHERE id = '" + id + "'"), 1) << s.key;
    EXPECT_EQ(count("SELECT count(*) FROM pledges WHERE target_id = '" + s.target + "'"), 1)
        << s.key;
    EXPECT_EQ(count("SELECT count(*) FROM idempotent_answers WHERE key = '" + s.key + "'"), 1)
        << s.key;
  }
  const std::int64_t cut_off =
      count("SELECT count(*) FROM pledges WHERE target_id = '" + log.back().target + "'");
  EXPECT_LE(cut_off, 1);

  // Every key again, through B: the acknowledged ones replay their answer; the one cut off
  // replays when it was committed, else is written now.
  http_client client;
  for (const sent& s : log) {
    const http_response again = pledge(client, 1, s.target, "collaborator", s.key);
    ASSERT_EQ(again.status, 201) << s.key << ": " << again.body;
    if (s.answer.status == 201) {
      EXPECT_EQ(again.header("idempotent-replayed"), "true") << s.key;
      EXPECT_EQ(again.body, s.answer.body) << s.key;
    } else {
      EXPECT_EQ(again.header("idempotent-replayed") == "true", cut_off == 1) << s.key;
    }
  }
  EXPECT_EQ(count("SELECT count(*) FROM pledges WHERE target_id IN (" + in_list + ")"),
            std::int64_t(log.size()));

  // A again, over the same store: it knows every one of them, and replays them too.
  s_servers[0] = start_server(0);
  ASSERT_FALSE(url(0).empty());
  ASSERT_TRUE(all_caught_up());
  for (const sent& s : log) {
    const http_response again = pledge(client, 0, s.target, "collaborator", s.key);
    ASSERT_EQ(again.status, 201) << s.key << ": " << again.body;
    EXPECT_EQ(again.header("idempotent-replayed"), "true") << s.key;
  }
  EXPECT_EQ(count("SELECT count(*) FROM pledges WHERE target_id IN (" + in_list + ")"),
            std::int64_t(log.size()));
  std::vector<std::string> targets;
  for (const sent& s : log)
    targets.push_back(s.target);
  const std::string on_a = state_of(0, targets);
  EXPECT_EQ(state_of(1, targets), on_a);
  EXPECT_EQ(state_of(2, targets), on_a);
}

// PostgreSQL stops (fast shutdown) and starts again on the same port while the servers run:
// they answer reads from memory meanwhile and refuse writes with 503, write again once it is
// back, and all end in the same state.
TEST_F(ServersOnPostgres, APostgresRestartLeavesReadsAnsweredAndServersConverged) {
  http_client client;
  std::vector<std::string> touched;
  for (int n = 0; n < 3; ++n) {
    touched.push_back(next_open_target());
    ASSERT_EQ(pledge(client, n, touched.back()).status, 201);
  }
  ASSERT_TRUE(all_caught_up());

  const auto [stopped, stop_out] = test_support::run_shell(cluster("stop"));
  ASSERT_EQ(stopped, 0) << stop_out;
  for (int n = 0; n < 3; ++n) {
    for (const std::string& path :
         {"/api/v1/targets/" + touched[0], std::string("/api/v1/coverage?level=rw&limit=1000"),
          std::string("/api/v1/pledges?collaborator=C1&limit=10")}) {
      const http_response r = get(client, n, path);
      EXPECT_EQ(r.status, 200) << "server " << n << " " << path << ": " << r.body;
    }
    const http_response refused = pledge(client, n, household(household_count - 1 - n));
    EXPECT_EQ(refused.status, 503) << "server " << n << ": " << refused.body;
    if (refused.status == 503) {
      EXPECT_EQ(json::parse(refused.body)["type"], "urn:sasaran:problem:store-unavailable");
    }
  }

  const auto [restarted, restart_out] = test_support::run_shell(cluster("restart"));
  ASSERT_EQ(restarted, 0) << restart_out;
  // Each server's first write after the outage succeeds.
  for (int n = 0; n < 3; ++n) {
    touched.push_back(next_open_target());
    const http_response made = pledge(client, n, touched.back());
    EXPECT_EQ(made.status, 201) << "server " << n << ": " << made.body;
  }
  // None of the refused writes was applied.
  for (int n = 0; n < 3; ++n)
    EXPECT_EQ(count("SELECT count(*) FROM pledges WHERE target_id = '" +
                    household(household_count - 1 - n) + "'"),
              0);
  ASSERT_TRUE(all_caught_up());
  const std::string on_a = state_of(0, touched);
  EXPECT_EQ(state_of(1, touched), on_a);
  EXPECT_EQ(state_of(2, touched), on_a);
  for (const std::string& t : touched)
    EXPECT_NE(on_a.find("\n" + t + " pledged"), std::string::npos) << t;
}

// Last of the suite: it reloads every server. Clients read from every server (and write a
// little) while `sasaran import` lands the households again: no request fails, every server
// switches to the new data version.
TEST_F(ServersOnPostgres, AnImportWhileServersRunFailsNoRequestAndSwitchesEveryServer) {
  const std::int64_t run = count("SELECT coalesce(max(id), 0) FROM import_runs") + 1;
  std::atomic<bool> done{false};
  std::vector<std::string> failures[4];
  std::atomic<int> reads{0};
  {
    std::vector<std::jthread> clients;
    for (int n = 0; n < 3; ++n)
      clients.emplace_back([&, n] {
        http_client c;
        for (int i = 0; !done; ++i) {
          const std::string path = i % 2 ? "/api/v1/coverage?level=rw&limit=1000"
                                         : "/api/v1/targets/" + household(i % household_count);
          const http_response r = get(c, n, path);
          if (r.status != 200)
            failures[n].push_back(std::to_string(r.status) + " " + path + ": " + r.body);
          ++reads;
        }
      });
    // A few writes, spread over the import (the pause only spaces them out; nothing is timed).
    clients.emplace_back([&] {
      http_client c;
      for (int i = 0; !done && i < 100; ++i) {
        const std::string t = next_open_target();
        const http_response r = pledge(c, i % 3, t, "collaborator", "during-import-" + t);
        if (r.status != 201) failures[3].push_back(std::to_string(r.status) + ": " + r.body);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    });
    const auto [code, out] = test_support::run_sasaran(
        {"import", "--table", "targets", s_dir + "/targets.csv", "--db", s_url},
        s_dir + "/reimport.log");
    EXPECT_EQ(code, 0) << out;
    http_client client;
    const auto deadline = clock_type::now() + std::chrono::minutes(2);
    for (int n = 0; n < 3; ++n)
      while (gauge(client, n, "sasaran_data_version") < double(run) && clock_type::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    done = true;
  }
  for (const auto& f : failures)
    EXPECT_TRUE(f.empty()) << f.size() << " failed, first: " << f.front();
  EXPECT_GT(reads.load(), 0);
  http_client client;
  for (int n = 0; n < 3; ++n)
    EXPECT_EQ(gauge(client, n, "sasaran_data_version"), double(run)) << "server " << n;
  ASSERT_TRUE(all_caught_up());
  std::vector<std::string> targets;
  for (int i = 0; i < s_taken; ++i)
    targets.push_back(household(i));
  const std::string on_a = state_of(0, targets);
  EXPECT_EQ(state_of(1, targets), on_a);
  EXPECT_EQ(state_of(2, targets), on_a);
}

}  // namespace
