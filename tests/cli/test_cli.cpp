// The `sasaran` command as scripts use it: help, exit codes, and a failed import that leaves
// the database as it was.
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <csignal>
#include <thread>
#include <vector>

#include <fcntl.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct run_result {
  int exit_code;
  std::string output;
};

run_result run(const std::string& arguments) {
  const std::string command = std::string(SASARAN_BINARY) + " " + arguments + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  std::array<char, 4096> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
    output.append(buffer.data(), n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// Runs the command with stdout and stderr apart, as a script capturing the secret sees them.
struct split_result {
  int exit_code;
  std::string out;
  std::string err;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string temp_path(const std::string& name);

split_result run_split(const std::string& arguments) {
  const std::string err_path = temp_path("stderr.txt");
  const run_result r = [&] {
    const std::string command = std::string(SASARAN_BINARY) + " " + arguments + " 2>" + err_path;
    FILE* pipe = popen(command.c_str(), "r");
    std::string output;
    std::array<char, 4096> buffer{};
    while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
      output.append(buffer.data(), n);
    const int status = pclose(pipe);
    return run_result{WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
  }();
  split_result out{r.exit_code, r.output, read_file(err_path)};
  fs::remove(err_path);
  return out;
}

std::string temp_path(const std::string& name) {
  return (fs::temp_directory_path() / ("sasaran-cli-" + std::to_string(::getpid()) + "-" + name))
      .string();
}

std::string data(const std::string& name) {
  return std::string(SASARAN_TEST_DATA) + "/" + name;
}

// A first import into `db`, so that there is something a failed import must leave alone.
int import_two_kelurahan(const std::string& db) {
  return run("import --db " + db + " --level kelurahan --code code --name name --parent parent " +
             data("cli-kelurahan-2squares.geojson"))
      .exit_code;
}

TEST(Cli, EverySubcommandHasHelp) {
  for (const char* sub :
       {"", "import", "report", "token", "token create", "token list", "token revoke"}) {
    const run_result r = run(std::string(sub) + " --help");
    EXPECT_EQ(r.exit_code, 0) << sub;
    EXPECT_NE(r.output.find("Usage:"), std::string::npos) << r.output;
  }
}

TEST(Cli, ImportHelpListsTheExitCodes) {
  const run_result r = run("import --help");
  EXPECT_NE(r.output.find("Exit codes: 0 imported; 1 failed, nothing imported; 2 wrong usage; 3 "
                          "imported with rejected rows and --strict given; 130 interrupted"),
            std::string::npos)
      << r.output;
}

TEST(Cli, UnknownFlagIsAUsageError) {
  const run_result r = run("import --no-such-flag x");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--no-such-flag"), std::string::npos) << r.output;
}

TEST(Cli, MissingFileFailsNamingItAndKeepsTheDatabase) {
  const std::string db = temp_path("missing.sqlite");
  ASSERT_EQ(import_two_kelurahan(db), 0);
  const run_result r =
      run("import --db " + db +
          " --level rw --code KODE_KEL+RW:3 --parent KODE_KEL /nonexistent/rw.geojson");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("cannot open '/nonexistent/rw.geojson'"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("the database is unchanged"), std::string::npos) << r.output;
  const run_result runs = run("report --db " + db + " --runs");
  EXPECT_NE(runs.output.find("#1 "), std::string::npos) << runs.output;
  EXPECT_EQ(runs.output.find("#2 "), std::string::npos) << runs.output;
  for (const char* suffix : {"", "-wal", "-shm"})
    fs::remove(db + suffix);
}

TEST(Cli, LevelNeedsACodeRule) {
  const run_result r = run("import --db " + temp_path("x.sqlite") + " --level rw file.geojson");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("--code is required with --level"), std::string::npos) << r.output;
}

TEST(Cli, StrictExitsWithThreeWhenRowsWereRejectedAndReportsThemAsJson) {
  const std::string db = temp_path("strict.sqlite");
  const std::string report = temp_path("strict.json");
  ASSERT_EQ(import_two_kelurahan(db), 0);
  const run_result r = run("import --db " + db + " --strict --report " + report +
                           " --table collaborators " + data("cli-collaborators-1bad.csv"));
  EXPECT_EQ(r.exit_code, 3) << r.output;
  std::ifstream in(report);
  const std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(json.find("\"rejected\": 1"), std::string::npos) << json;
  EXPECT_NE(json.find("\"unknown_kind\": 1"), std::string::npos) << json;
  const run_result listed = run("report --db " + db + " --layer collaborators");
  EXPECT_EQ(listed.exit_code, 0);
  EXPECT_NE(listed.output.find("unknown kind 'bank'"), std::string::npos) << listed.output;
  for (const char* suffix : {"", "-wal", "-shm"})
    fs::remove(db + suffix);
  fs::remove(report);
}

TEST(Cli, CtrlCStopsTheImportAndLeavesTheDatabaseAsItWas) {
  const std::string db = temp_path("interrupted.sqlite");
  ASSERT_EQ(import_two_kelurahan(db), 0);
  // The full Jakarta import takes seconds; interrupt it one second in.
  std::vector<std::string> args = {SASARAN_BINARY, "import", "--db", db,
                                   std::string(SASARAN_SOURCE_DIR) + "/datasets/jakarta.json"};
  std::vector<char*> argv;
  for (std::string& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t quiet;
  posix_spawn_file_actions_init(&quiet);
  posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, SASARAN_BINARY, &quiet, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&quiet);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  const run_result runs = run("report --db " + db + " --runs");
  EXPECT_NE(runs.output.find("#1 "), std::string::npos) << runs.output;
  EXPECT_EQ(runs.output.find("#2 "), std::string::npos) << runs.output;
  for (const char* suffix : {"", "-wal", "-shm"})
    fs::remove(db + suffix);
}

// A database with the tiny dataset: areas of kelurahan 3171010001, collaborators C1 (perorangan),
// C2, C3, C5, no agregator.
class CliToken : public ::testing::Test {
 protected:
  CliToken() : m_db(temp_path("token.sqlite")) {
    const run_result r = run("import --db " + m_db + " --datasets " + SASARAN_TEST_DATA + " " +
                             data("dataset-tiny.json"));
    EXPECT_EQ(r.exit_code, 0) << r.output;
  }
  ~CliToken() override {
    for (const char* suffix : {"", "-wal", "-shm"})
      fs::remove(m_db + suffix);
  }

  // The id a `token create` names on stderr.
  static std::string created_id(const split_result& r) {
    std::smatch m;
    return std::regex_search(r.err, m, std::regex("created (tok_[0-9a-f]{8})")) ? m[1].str()
                                                                                : std::string();
  }

  std::string sql(const std::string& query) {
    FILE* pipe = popen(("sqlite3 " + m_db + " \"" + query + "\"").c_str(), "r");
    std::string out;
    std::array<char, 4096> buffer{};
    while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
      out.append(buffer.data(), n);
    pclose(pipe);
    return out;
  }

  std::string m_db;
};

TEST_F(CliToken, CreatePrintsTheSecretAloneOnStdoutAndStoresOnlyItsHash) {
  const split_result r = run_split("token create --db " + m_db +
                                   " --role pic --area 3171010001 --area 3171010001001 --note "
                                   "'Bu Sri, PIC Kebon Kelapa'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_match(r.out, std::regex("sst_[0-9a-f]{64}\n"))) << r.out;
  const std::string id = created_id(r);
  ASSERT_FALSE(id.empty()) << r.err;
  EXPECT_EQ(r.err, "sasaran token: created " + id +
                       " (pic, areas 3171010001, 3171010001001); the secret above is shown this "
                       "once and stored only as a hash\n");
  const std::string secret = r.out.substr(0, r.out.size() - 1);
  for (const char* suffix : {"", "-wal"})
    EXPECT_EQ(read_file(m_db + suffix).find(secret), std::string::npos) << suffix;
  EXPECT_EQ(sql("SELECT role, areas, note, revoked, length(secret_hash) FROM tokens"),
            "pic|[\"3171010001\",\"3171010001001\"]|Bu Sri, PIC Kebon Kelapa|0|64\n");
  EXPECT_EQ(sql("SELECT actor, role, action, subject, detail FROM audit_log"),
            "cli|admin|token.create|" + id +
                "|{\"role\":\"pic\",\"areas\":[\"3171010001\",\"3171010001001\"],"
                "\"collaborator_id\":\"\",\"note\":\"Bu Sri, PIC Kebon Kelapa\"}\n");
}

TEST_F(CliToken, CreateScopesCollaboratorAndAggregatorTokens) {
  const split_result c =
      run_split("token create --db " + m_db + " --role collaborator --collaborator C1");
  EXPECT_EQ(c.exit_code, 0) << c.err;
  EXPECT_NE(c.err.find("(collaborator, collaborator C1)"), std::string::npos) << c.err;
  // An agregator to act for: the collaborators file again, with one more row.
  const std::string csv = temp_path("collaborators.csv");
  std::ofstream(csv) << "id,name,kind,lon,lat\nC1,Budi Santoso,perorangan,106.8,-6.2\n"
                        "C2,PT Maju Jaya,perusahaan,,\nC7,Kitabisa,agregator,,\n";
  ASSERT_EQ(run("import --db " + m_db + " --table collaborators " + csv).exit_code, 0);
  fs::remove(csv);
  const split_result a =
      run_split("token create --db " + m_db + " --role aggregator --collaborator C7");
  EXPECT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(sql("SELECT role || ' ' || collaborator_id FROM tokens ORDER BY rowid"),
            "collaborator C1\naggregator C7\n");
}

TEST_F(CliToken, CreateRefusesScopesThatDoNotFitTheRoleAndChangesNothing) {
  const std::vector<std::tuple<std::string, int, std::string>> cases = {
      {"--role pic", 2, "sasaran token create: a pic token needs at least one --area\n"},
      {"--role planner --area 3171", 2,
       "sasaran token create: --area is for pic tokens only, not planner\n"},
      {"--role collaborator", 2,
       "sasaran token create: a collaborator token needs --collaborator\n"},
      {"--role admin --collaborator C1", 2,
       "sasaran token create: --collaborator is for collaborator and aggregator tokens only, "
       "not admin\n"},
      {"--role pic --area 3171010001 --area 9999", 1,
       "sasaran token create: area 9999 is not in '" + m_db + "'; nothing was changed\n"},
      {"--role collaborator --collaborator C9", 1,
       "sasaran token create: collaborator C9 is not in '" + m_db + "'; nothing was changed\n"},
      {"--role aggregator --collaborator C1", 1,
       "sasaran token create: collaborator C1 is a perorangan, not an agregator; nothing was "
       "changed\n"},
  };
  for (const auto& [flags, code, message] : cases) {
    const split_result r = run_split("token create --db " + m_db + " " + flags);
    EXPECT_EQ(r.exit_code, code) << flags;
    EXPECT_EQ(r.out, "") << flags;
    EXPECT_EQ(r.err, message) << flags;
  }
  const split_result sultan = run_split("token create --db " + m_db + " --role sultan");
  EXPECT_EQ(sultan.exit_code, 2);
  EXPECT_NE(sultan.err.find("sultan"), std::string::npos) << sultan.err;
  EXPECT_EQ(sql("SELECT count(*) FROM tokens; SELECT count(*) FROM audit_log"), "0\n0\n");
}

TEST_F(CliToken, ListShowsRoleScopeAndStateButNoSecretNorHash) {
  const split_result pic =
      run_split("token create --db " + m_db + " --role pic --area 3171010001 --note 'Bu Sri'");
  const split_result planner = run_split("token create --db " + m_db + " --role planner");
  const std::string pic_id = created_id(pic), planner_id = created_id(planner);
  const std::string hash = sql("SELECT secret_hash FROM tokens WHERE id = '" + pic_id + "'");
  ASSERT_EQ(hash.size(), 65u);
  const run_result text = run("token list --db " + m_db);
  EXPECT_EQ(text.exit_code, 0);
  std::istringstream lines(text.output);
  std::string header, first, second;
  std::getline(lines, header);
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_TRUE(std::regex_match(
      first, std::regex(pic_id + R"( +pic +\S+ +active +area 3171010001 +Bu Sri)")))
      << first;
  EXPECT_TRUE(std::regex_match(
      second, std::regex(planner_id + R"( +planner +\S+ +active +public and planning data *)")))
      << second;
  const run_result json = run("token list --db " + m_db + " --json");
  EXPECT_EQ(json.exit_code, 0);
  EXPECT_NE(json.output.find("\"id\": \"" + pic_id +
                             "\",\n    \"role\": \"pic\",\n    "
                             "\"areas\": [\n      \"3171010001\"\n    ],"),
            std::string::npos)
      << json.output;
  for (const run_result& r : {text, json}) {
    EXPECT_EQ(r.output.find("sst_"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find(hash.substr(0, 64)), std::string::npos) << r.output;
  }
}

TEST_F(CliToken, RevokeMarksTheTokenRevokedOnceAndAuditsIt) {
  const std::string id = created_id(run_split("token create --db " + m_db + " --role admin"));
  const split_result r = run_split("token revoke " + id + " --db " + m_db);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "sasaran token: " + id + " is revoked\n");
  const split_result again = run_split("token revoke " + id + " --db " + m_db);
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_EQ(again.err, "sasaran token: " + id + " was already revoked\n");
  EXPECT_NE(run("token list --db " + m_db).output.find(" revoked "), std::string::npos);
  EXPECT_EQ(sql("SELECT action || ' ' || subject FROM audit_log ORDER BY id"),
            "token.create " + id + "\ntoken.revoke " + id + "\n");
  const split_result unknown = run_split("token revoke tok_ffffffff --db " + m_db);
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.err,
            "sasaran token revoke: token tok_ffffffff does not exist; nothing was changed\n");
}

TEST(Cli, TokenCommandsNeedAnExistingDatabase) {
  const std::string db = temp_path("never-made.sqlite");
  for (const std::string& command :
       {"token create --role admin --db " + db, "token list --db " + db,
        "token revoke tok_00000000 --db " + db}) {
    const split_result r = run_split(command);
    EXPECT_EQ(r.exit_code, 1) << command;
    EXPECT_NE(r.err.find("there is no database '" + db + "' (make one with sasaran import)"),
              std::string::npos)
        << r.err;
  }
  EXPECT_FALSE(fs::exists(db));
}

}  // namespace
