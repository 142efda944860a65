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
  for (const char* sub : {"", "import", "report"}) {
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

}  // namespace
