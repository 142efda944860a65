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

#include <algorithm>
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
  for (const char* sub : {"", "import", "report", "token", "token create", "token link",
                          "token list", "token revoke"}) {
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

TEST(Cli, WrongAreaFlagsAreUsageErrorsThatCreateNoDatabase) {
  const std::string db = temp_path("usage.sqlite");
  const std::pair<std::string, std::string> cases[] = {
      {"--level foo --code C --parent P f.geojson",
       "sasaran import: --level 'foo' is not one of kota, kecamatan, kelurahan, rw, rt\n"},
      {"--level rw f.geojson", "sasaran import: --code is required with --level\n"},
      {"--level rw --code KODE_KEL+RW:3 f.geojson",
       "sasaran import: --parent is required for level rw\n"},
      {"--code KODE_KEL --table targets f.csv",
       "sasaran import: --code is for one area file, given with --level; not with --table\n"},
      {"--source-layer rw datasets/jakarta.json",
       "sasaran import: --source-layer is for one area file, given with --level; a dataset "
       "description names its own layers\n"}};
  for (const auto& [flags, message] : cases) {
    const split_result r = run_split("import --db " + db + " " + flags);
    EXPECT_EQ(r.exit_code, 2) << flags;
    EXPECT_EQ(r.err, message) << flags;
    EXPECT_FALSE(fs::exists(db)) << flags;
  }
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
  // An agregator to act for: the kept collaborators again, with one more row.
  const std::string csv = temp_path("collaborators.csv");
  std::ofstream(csv) << "id,name,kind,lon,lat\nC1,Budi Santoso,perorangan,106.8,-6.2\n"
                        "C2,PT Maju Jaya,perusahaan,,\nC3,Karang Taruna 05,komunitas,106.81,-6.19\n"
                        "C5,Dinas Sosial,instansi,,\nC7,Kitabisa,agregator,,\n";
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

TEST_F(CliToken, LinkPrintsTheLinkAloneOnStdoutAndStoresOnlyTheHashOfItsCode) {
  const split_result r = run_split("token link --db " + m_db +
                                   " --role pic --area 3171010001 --name 'Ibu Sari' --expires 2d "
                                   "--session-days 7 --base-url https://peta.example.id/sasaran");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_match(
      r.out, m, std::regex("https://peta\\.example\\.id/sasaran/#masuk=([A-Za-z0-9_-]{43})\n")))
      << r.out;
  const std::string code = m[1].str();
  ASSERT_TRUE(std::regex_match(
      r.err, m,
      std::regex("sasaran token: sign-in link (lnk_[0-9a-f]{8}) for Ibu Sari \\(pic, area "
                 "3171010001\\), usable once until (\\S+); the session it opens lasts 7 days\\. "
                 "Send it privately: whoever opens it first signs in\n")))
      << r.err;
  const std::string id = m[1].str();
  EXPECT_EQ(sql("SELECT id, name, role, areas, collaborator_id, session_seconds, "
                "coalesce(used_at, '-'), "
                "CAST(strftime('%s', expires_at) - strftime('%s', created_at) AS TEXT) FROM "
                "sign_in_links"),
            id + "|Ibu Sari|pic|[\"3171010001\"]||604800|-|172800\n");
  EXPECT_EQ(sql("SELECT actor, role, action, subject FROM audit_log"),
            "cli|admin|link.issue|" + id + "\n");
  for (const char* suffix : {"", "-wal"})
    EXPECT_EQ(read_file(m_db + suffix).find(code), std::string::npos) << suffix;
  EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE detail LIKE '%" + code + "%'"), "0\n");
}

TEST_F(CliToken, LinkDrawsItsQrCodeOnTheTerminalAndIntoAPng) {
  const std::string png = temp_path("link.png");
  const split_result r = run_split("token link --db " + m_db +
                                   " --role planner --name 'Pak Budi' --qr --qr-png " + png);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string first = r.out.substr(0, r.out.find('\n'));
  EXPECT_TRUE(std::regex_match(first, std::regex("http://localhost:8080/#masuk=[A-Za-z0-9_-]{43}")))
      << first;
  // A 72-byte link needs a version 5 symbol at level M (ISO/IEC 18004 table 7: version 4-M
  // holds 62 bytes, 5-M 84): 37 modules and 4 of quiet zone on each side, two rows a line.
  const std::string qr = r.out.substr(first.size() + 1);
  EXPECT_EQ(std::count(qr.begin(), qr.end(), '\n'), 23);
  EXPECT_NE(qr.find("\u2580"), std::string::npos);
  EXPECT_NE(qr.find("\u2584"), std::string::npos);
  const std::string image = read_file(png);
  fs::remove(png);
  ASSERT_GE(image.size(), 24u);
  EXPECT_EQ(image.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(image.substr(12, 4), "IHDR");
  EXPECT_EQ(image.substr(16, 8), std::string("\0\0\x01\x68\0\0\x01\x68", 8));  // 45 x 8 = 360 px
}

TEST_F(CliToken, LinkRefusesWrongFlagsWithUsageErrorsAndChangesNothing) {
  const std::string base = "token link --db " + m_db + " ";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--role pic --name X", "sasaran token link: a pic link needs at least one --area\n"},
      {"--role planner --area 3171 --name X",
       "sasaran token link: --area is for pic links only, not planner\n"},
      {"--role collaborator --name X",
       "sasaran token link: a collaborator link needs --collaborator\n"},
      {"--role planner --name X --expires 0h",
       "sasaran token link: --expires '0h' is not a duration: a positive whole number and s, m, h "
       "or d (72h)\n"},
      {"--role planner --name X --expires 3w",
       "sasaran token link: --expires '3w' is not a duration: a positive whole number and s, m, h "
       "or d (72h)\n"},
      {"--role planner --name X --session-days 0",
       "sasaran token link: --session-days 0 is not between 1 and 365\n"},
      {"--role planner --name ''",
       "sasaran token link: --name must name the person the link is for\n"},
      {"--role planner --name X --base-url ftp://host/",
       "sasaran token link: --base-url 'ftp://host/' is not an http:// or https:// address "
       "without '?' or '#'\n"},
      {"--role planner --name X --base-url 'https://host/#x'",
       "sasaran token link: --base-url 'https://host/#x' is not an http:// or https:// address "
       "without '?' or '#'\n"},
      {"--role planner --name X --qr --no-qr",
       "sasaran token link: --qr and --no-qr exclude each other\n"},
  };
  for (const auto& [flags, message] : cases) {
    const split_result r = run_split(base + flags);
    EXPECT_EQ(r.exit_code, 2) << flags;
    EXPECT_EQ(r.out, "") << flags;
    EXPECT_EQ(r.err, message) << flags;
  }
  const split_result no_name = run_split(base + "--role planner");
  EXPECT_EQ(no_name.exit_code, 2);
  EXPECT_NE(no_name.err.find("--name is required"), std::string::npos) << no_name.err;
  const split_result unknown_area = run_split(base + "--role pic --area 9999 --name X");
  EXPECT_EQ(unknown_area.exit_code, 1);
  EXPECT_EQ(unknown_area.err,
            "sasaran token link: area 9999 is not in '" + m_db + "'; nothing was changed\n");
  EXPECT_EQ(sql("SELECT count(*) FROM sign_in_links; SELECT count(*) FROM audit_log"), "0\n0\n");
}

TEST_F(CliToken, ListShowsLinksAndSessionsWithTheirStateButNoCode) {
  const split_result made =
      run_split("token link --db " + m_db + " --role pic --area 3171010001 --name 'Ibu Sari'");
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const std::string code = made.out.substr(made.out.find("masuk=") + 6, 43);
  const std::string link_id = sql("SELECT id FROM sign_in_links").substr(0, 12);
  // A session as an exchange leaves it (tests/http exchange for real).
  sql("INSERT INTO tokens(id, secret_hash, role, areas, collaborator_id, created_at, revoked, "
      "note, kind, name, expires_at) VALUES ('tok_0000beef', 'h', 'pic', json_array('3171010001'), "
      "'', "
      "'2026-01-01T00:00:00Z', 0, '', 'session', 'Pak Budi', '2099-01-01T00:00:00Z')");
  const run_result text = run("token list --db " + m_db);
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_TRUE(std::regex_search(
      text.output, std::regex("tok_0000beef +pic +2026-01-01T00:00:00Z +active +area 3171010001 "
                              "+session of Pak Budi until 2099-01-01T00:00:00Z\n")))
      << text.output;
  EXPECT_TRUE(std::regex_search(
      text.output, std::regex(link_id + " +pic +\\S+ +unused +area 3171010001 +Ibu Sari, usable "
                                        "until \\S+\n")))
      << text.output;
  sql("UPDATE sign_in_links SET expires_at = '2024-01-01T00:00:00Z'");
  EXPECT_TRUE(std::regex_search(run("token list --db " + m_db).output,
                                std::regex(link_id + " +pic +\\S+ +expired ")));
  const run_result json = run("token list --db " + m_db + " --json");
  EXPECT_NE(
      json.output.find("\"kind\": \"link\",\n    \"name\": \"Ibu Sari\",\n    "
                       "\"expires_at\": \"2024-01-01T00:00:00Z\",\n    \"state\": \"expired\""),
      std::string::npos)
      << json.output;
  for (const run_result& r : {text, json})
    EXPECT_EQ(r.output.find(code), std::string::npos);

  const split_result ended = run_split("token revoke tok_0000beef --db " + m_db);
  EXPECT_EQ(ended.exit_code, 0);
  EXPECT_EQ(ended.err, "sasaran token: tok_0000beef is revoked (session ended)\n");
  EXPECT_TRUE(std::regex_search(run("token list --db " + m_db).output,
                                std::regex("tok_0000beef +pic +\\S+ +ended ")));
  EXPECT_EQ(sql("SELECT action || ' ' || subject FROM audit_log ORDER BY id"),
            "link.issue " + link_id + "\nsession.end tok_0000beef\n");
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

std::string datasets() {
  const char* env = std::getenv("SASARAN_DATASETS");
  return env && *env ? env : SASARAN_SOURCE_DIR "/../shared/datasets";
}

std::string shell(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  std::array<char, 4096> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
    out.append(buffer.data(), n);
  pclose(pipe);
  return out;
}

// A digest of every table's content, to show that a failed import left the database as it was.
std::string content_digest(const std::string& db) {
  return shell("sqlite3 " + db + " .sha3sum");
}

void remove_database(const std::string& db) {
  for (const char* suffix : {"", "-journal", "-wal", "-shm"})
    fs::remove(db + suffix);
}

// The files a database at `db` would leave, present ones only.
std::vector<std::string> database_files(const std::string& db) {
  std::vector<std::string> found;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"})
    if (fs::exists(db + suffix)) found.push_back(db + suffix);
  return found;
}

// The Jakarta kelurahan and RWs (from SASARAN_DATASETS) in a database of a temporary folder,
// and damaged copies of the RW layer made there, as an operator's update would bring them.
class CliDamagedSource : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_dir = new std::string(temp_path("damaged"));
    fs::create_directories(*s_dir);
    const std::string db = *s_dir + "/jakarta.sqlite";
    const std::string jakarta = datasets() + "/jakarta/";
    const run_result kelurahan =
        run("import --db " + db +
            " --level kelurahan --code village_code --strip-prefix id --name village --parent "
            "district_code " +
            jakarta + "kelurahan_hdx_bps2020.geojson");
    ASSERT_EQ(kelurahan.exit_code, 0) << kelurahan.output;
    const run_result rw =
        run("import --db " + db + " " + rw_flags + " " + jakarta + "rw_synthetic.geojson");
    ASSERT_EQ(rw.exit_code, 0) << rw.output;
  }
  static void TearDownTestSuite() {
    fs::remove_all(*s_dir);
    delete s_dir;
  }

  static std::string db() { return *s_dir + "/jakarta.sqlite"; }
  static std::string path(const std::string& name) { return *s_dir + "/" + name; }
  static std::string stored_rws() {
    return shell("sqlite3 " + db() + " \"SELECT count(*) FROM areas WHERE layer = 'rw'\"");
  }

  static constexpr const char* rw_flags = "--level rw --code KODE_KEL+RW:3 --parent KODE_KEL";
  static std::string* s_dir;
};

std::string* CliDamagedSource::s_dir = nullptr;

// Overwrites the 4 KiB page at half the file's size with bytes that are no SQLite page.
void overwrite_middle_page(const std::string& file) {
  const auto size = fs::file_size(file);
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(size / 2 / 4096 * 4096));
  const std::string garbage(4096, '\x5a');
  f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
}

TEST_F(CliDamagedSource, GeoPackageWithADamagedPageFailsNamingFileLayerAndFeature) {
  const std::string gpkg = path("rw.gpkg");
  shell("ogr2ogr -f GPKG " + gpkg + " " + datasets() + "/jakarta/rw_synthetic.geojson");
  overwrite_middle_page(gpkg);
  ASSERT_EQ(stored_rws(), "2841\n");
  const std::string before = content_digest(db());
  const split_result r = run_split("import --db " + db() + " " + rw_flags + " " + gpkg);
  EXPECT_EQ(r.exit_code, 1);
  // Which feature the page held depends on the page layout GDAL wrote; the rest is exact.
  const std::regex message(
      "\nsasaran import: '" + gpkg +
      "' layer 'rw_synthetic': cannot read feature [1-9][0-9]*: In GetNextRawFeature\\(\\): "
      "sqlite3_step\\(\\) : database disk image is malformed; the database is unchanged\n");
  EXPECT_TRUE(std::regex_search(r.err, message)) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(stored_rws(), "2841\n");
  EXPECT_EQ(content_digest(db()), before);
}

// The number (first = 1) of the first record that a .shp of `size` bytes no longer holds
// whole, from the offsets and lengths in its .shx (ESRI Shapefile Technical Description:
// 100-byte header, then 8 bytes a record, big-endian 16-bit words).
long first_cut_record(const std::string& shx, std::uintmax_t size) {
  const std::string index = read_file(shx);
  const auto word = [&](std::size_t at) {
    const auto b = [&](std::size_t i) { return static_cast<unsigned char>(index[at + i]); };
    return (std::uintmax_t{b(0)} << 24 | std::uintmax_t{b(1)} << 16 | std::uintmax_t{b(2)} << 8 |
            std::uintmax_t{b(3)}) *
           2;
  };
  for (std::size_t k = 0; 100 + 8 * k + 8 <= index.size(); ++k)
    if (word(100 + 8 * k) + 8 + word(100 + 8 * k + 4) > size) return static_cast<long>(k) + 1;
  return -1;
}

TEST_F(CliDamagedSource, ShapefileCutInHalfFailsNamingTheFirstFeatureItCannotRead) {
  const std::string folder = path("shp");
  fs::create_directories(folder);
  shell("ogr2ogr -f 'ESRI Shapefile' " + folder + "/rw.shp " + datasets() +
        "/jakarta/rw_synthetic.geojson");
  const std::string shp = folder + "/rw.shp";
  fs::resize_file(shp, fs::file_size(shp) / 2);
  const long cut = first_cut_record(folder + "/rw.shx", fs::file_size(shp));
  ASSERT_GT(cut, 1);
  const std::string before = content_digest(db());
  const split_result r = run_split("import --db " + db() + " " + rw_flags + " " + shp);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("sasaran import: '" + shp + "' layer 'rw': cannot read feature " +
                       std::to_string(cut) + ": Error in fread() reading object of size "),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("from .shp file; the database is unchanged\n"), std::string::npos) << r.err;
  EXPECT_EQ(stored_rws(), "2841\n");
  EXPECT_EQ(content_digest(db()), before);
}

TEST_F(CliDamagedSource, MultiLayerSourceNeedsSourceLayerNamingOneOfItsLayers) {
  const std::string gpkg = path("two-layers.gpkg");
  shell("ogr2ogr -f GPKG -nln rw_2019 " + gpkg + " " + datasets() +
        "/jakarta/rw_synthetic.geojson");
  shell("ogr2ogr -update -f GPKG -nln rw_2020 " + gpkg + " " + datasets() +
        "/jakarta/rw_synthetic.geojson");
  const std::string before = content_digest(db());
  const split_result none = run_split("import --db " + db() + " " + rw_flags + " " + gpkg);
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_EQ(none.err, "\nsasaran import: '" + gpkg +
                          "' holds 2 layers ('rw_2019', 'rw_2020'); name the one to read with "
                          "--source-layer (\"source_layer\" in a dataset description); the "
                          "database is unchanged\n");
  const split_result unknown =
      run_split("import --db " + db() + " " + rw_flags + " --source-layer rw " + gpkg);
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.err, "\nsasaran import: '" + gpkg +
                             "' has no layer 'rw' (it has: 'rw_2019', 'rw_2020'); the database "
                             "is unchanged\n");
  EXPECT_EQ(content_digest(db()), before);
  const run_result chosen =
      run("import --db " + db() + " " + rw_flags + " --source-layer rw_2020 " + gpkg);
  EXPECT_EQ(chosen.exit_code, 0) << chosen.output;
  EXPECT_NE(chosen.output.find("\nrw                         2841     2835"), std::string::npos)
      << chosen.output;
}

TEST(Cli, ReportOnAMissingDatabaseFailsAndCreatesNoFile) {
  const std::string db = temp_path("no-such.sqlite");
  const split_result r = run_split("report --db " + db);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "sasaran report: there is no database '" + db + "' (make one with sasaran import)\n");
  EXPECT_EQ(database_files(db), std::vector<std::string>{});
}

TEST(Cli, FailedImportIntoANewPathLeavesNoFileNorFolder) {
  const std::string folder = temp_path("new-folder");
  const std::string db = folder + "/sub/new.sqlite";
  const split_result r =
      run_split("import --db " + db + " --table collaborators " + data("no-such-file.csv"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the database is unchanged"), std::string::npos) << r.err;
  EXPECT_EQ(database_files(db), std::vector<std::string>{});
  EXPECT_FALSE(fs::exists(folder));
}

TEST(Cli, InterruptedImportIntoANewPathLeavesNoFile) {
  const std::string db = temp_path("interrupted-new.sqlite");
  std::vector<std::string> args = {SASARAN_BINARY, "import", "--db", db,
                                   std::string(SASARAN_SOURCE_DIR) + "/datasets/jakarta.json"};
  std::vector<char*> argv;
  for (std::string& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t quiet;
  posix_spawn_file_actions_init(&quiet);
  posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&quiet, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, SASARAN_BINARY, &quiet, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&quiet);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ASSERT_FALSE(database_files(db).empty());  // the import is under way
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_EQ(database_files(db), std::vector<std::string>{});
  remove_database(db);
}

// `sasaran serve` on a free port over `db`, stopped with SIGTERM when the object goes.
class served_database {
 public:
  explicit served_database(const std::string& db) : m_out(db + ".serve.out") {
    std::vector<std::string> args = {SASARAN_BINARY, "serve", "--db",      db,
                                     "--port",       "0",     "--threads", "1"};
    std::vector<char*> argv;
    for (std::string& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, 1, m_out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&files, 2, "/dev/null", O_WRONLY, 0);
    posix_spawn(&m_pid, SASARAN_BINARY, &files, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&files);
    for (int i = 0; i < 300 && read_file(m_out).find("sasaran serve: ready") == std::string::npos;
         ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::smatch m;
    const std::string out = read_file(m_out);
    if (std::regex_search(out, m, std::regex("listening on (http://[0-9.]+:[0-9]+)")))
      m_base = m[1].str();
  }
  ~served_database() {
    kill(m_pid, SIGTERM);
    int status = 0;
    waitpid(m_pid, &status, 0);
    fs::remove(m_out);
  }
  served_database(const served_database&) = delete;
  served_database& operator=(const served_database&) = delete;

  // The body of GET `path`, by curl.
  std::string get(const std::string& path) const { return shell("curl -s " + m_base + path); }
  bool ready() const { return !m_base.empty(); }

 private:
  std::string m_out;
  pid_t m_pid = 0;
  std::string m_base;
};

// The value of "attribution" in a TileJSON body.
std::string attribution_in(const std::string& tilejson) {
  std::smatch m;
  return std::regex_search(tilejson, m, std::regex("\"attribution\":\\s*\"([^\"]*)\""))
             ? m[1].str()
             : "no attribution in " + tilejson;
}

TEST(Cli, TileJsonCreditsOnlyTheBoundariesTheDatabaseHolds) {
  const std::string db = temp_path("attribution.sqlite");
  ASSERT_EQ(import_two_kelurahan(db), 0);
  {
    const served_database kelurahan_only(db);
    ASSERT_TRUE(kelurahan_only.ready());
    EXPECT_EQ(attribution_in(kelurahan_only.get("/tiles/kelurahan.json")),
              "Kelurahan boundaries: BPS via OCHA HDX (CC BY-IGO)");
  }
  const run_result rw =
      run("import --db " + db + " --level rw --code code --parent parent --layer rw " +
          data("cli-rw-1square-in-3172060007.geojson"));
  ASSERT_EQ(rw.exit_code, 0) << rw.output;
  {
    const served_database with_rw(db);
    ASSERT_TRUE(with_rw.ready());
    EXPECT_EQ(attribution_in(with_rw.get("/tiles/kelurahan.json")),
              "Kelurahan boundaries: BPS via OCHA HDX (CC BY-IGO); RW boundaries: synthetic");
  }
  remove_database(db);
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

namespace {

// The tiny dataset, then its targets file without T01, which pledge P01 holds.
TEST(Cli, AFileLackingOverATenthOfALayerIsRefusedUntilAllowedAndRetiredRowsArePrinted) {
  const std::string db = temp_path("removals.sqlite");
  ASSERT_EQ(run("import --db " + db + " --datasets " + SASARAN_TEST_DATA + " " +
                data("dataset-tiny.json"))
                .exit_code,
            0);
  const std::string without = temp_path("targets-without-T01.csv");
  {
    std::ifstream in(data("targets-15rows-one-of-each-outcome.csv"));
    std::ofstream out(without);
    for (std::string line; std::getline(in, line);)
      if (!line.starts_with("T01,")) out << line << "\n";
  }
  const run_result refused = run("import --db " + db + " --table targets " + without);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.output.find("layer targets: the file lacks 1 of the 6 rows stored, more than "
                                "10% (a damaged or partial file?); they would be removed or "
                                "retired: T01. Nothing was changed; to accept, import again with "
                                "--allow-removals"),
            std::string::npos)
      << refused.output;
  const run_result allowed =
      run("import --db " + db + " --table targets " + without + " --allow-removals");
  EXPECT_EQ(allowed.exit_code, 0) << allowed.output;
  EXPECT_NE(allowed.output.find("\nretired targets T01\n"), std::string::npos) << allowed.output;
  const run_result changes = run("report --db " + db + " --changes --layer targets");
  EXPECT_EQ(changes.exit_code, 0);
  EXPECT_NE(changes.output.find("  targets        retired           1\n"), std::string::npos)
      << changes.output;
  EXPECT_NE(changes.output.find("targets        T01                  retired\n"), std::string::npos)
      << changes.output;
  EXPECT_EQ(run("report --db " + db + " --changes 99").exit_code, 1);
  EXPECT_EQ(run("report --db " + db + " --changes nine").exit_code, 2);
  for (const char* suffix : {"", "-wal", "-shm"})
    fs::remove(db + suffix);
  fs::remove(without);
}

}  // namespace
