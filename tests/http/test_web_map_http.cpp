// The web map's files over real HTTP (server/static_routes behind the Pistache edge): a second
// `sasaran serve --web DIR` over the tiny dataset serves a small made-up page, with ETags, 304s,
// gzip, HEAD and no way out of its folder; the shared Jakarta server, started without a built
// map in its working directory, says at / how to build one, and keeps every API path.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "tests/http/api_test_support.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace api_test;

const std::string page_html = "<!doctype html><html lang=\"id\"><title>Sasaran</title></html>\n";

void write(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// `sasaran ARGS`, stdout to a pipe (returned), stderr to `log`.
pid_t spawn(const std::vector<std::string>& args, const fs::path& log, int& stdout_fd) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  std::vector<std::string> all = {SASARAN_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : all)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, SASARAN_BINARY, &actions, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  stdout_fd = fds[0];
  return pid;
}

int run_to_end(const std::vector<std::string>& args, const fs::path& log) {
  int out = -1;
  const pid_t pid = spawn(args, log, out);
  if (pid < 0) return -1;
  char buffer[4096];
  while (read(out, buffer, sizeof buffer) > 0) {
  }
  close(out);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The server of this file: the tiny dataset, and a web folder with a page, a script larger than
// the gzip threshold, a hidden file, a sub-folder, and a secret beside the folder.
class WebMapHttp : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char pattern[] = "/tmp/sasaran_web_http_XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    s_dir = pattern;
    fs::create_directories(s_dir / "dist" / "sub");
    write(s_dir / "secret.txt", "not for the web");
    write(s_dir / "dist" / "index.html", page_html);
    write(s_dir / "dist" / "app.js", "console.log('sasaran');\n" + std::string(3000, '/') + "\n");
    write(s_dir / "dist" / "app.css", "body{margin:0}\n");
    write(s_dir / "dist" / ".env", "hidden");
    write(s_dir / "dist" / "sub" / "x.css", "a{}");
    const std::string data = std::string(SASARAN_SOURCE_DIR) + "/tests/data";
    const std::string db = (s_dir / "tiny.sqlite").string();
    ASSERT_EQ(run_to_end({"import", "--db", db, "--datasets", data, data + "/dataset-tiny.json"},
                         s_dir / "import.log"),
              0);
    int out = -1;
    s_pid = spawn({"serve", "--db", db, "--host", "127.0.0.1", "--port", "0", "--web",
                   (s_dir / "dist").string()},
                  s_dir / "serve.log", out);
    ASSERT_GT(s_pid, 0);
    // The first line on stdout says where it listens.
    std::string line;
    // Two lines: the port, then "ready" once the store is loaded. The deadline only guards
    // against a hang (loading takes over a minute under the sanitizers).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
    std::string first;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{out, POLLIN, 0};
      if (poll(&p, 1, 200) <= 0) continue;
      char c = 0;
      if (read(out, &c, 1) != 1) break;
      if (c != '\n') {
        line += c;
      } else if (first.empty()) {
        first = std::exchange(line, {});
      } else {
        break;
      }
    }
    close(out);
    const std::string prefix = "sasaran serve: listening on ";
    ASSERT_TRUE(first.starts_with(prefix)) << "first line: '" << first << "'";
    ASSERT_EQ(line, "sasaran serve: ready");
    s_base = first.substr(prefix.size());
  }

  static void TearDownTestSuite() {
    if (s_pid > 0) {
      kill(s_pid, SIGTERM);
      int status = 0;
      waitpid(s_pid, &status, 0);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
    }
    fs::remove_all(s_dir);
  }

  static http_response fetch(const std::string& path, test_support::http_headers headers = {},
                             const std::string& method = "GET") {
    test_support::http_client client;
    return client.request(method, s_base + path, {}, headers);
  }

  static inline fs::path s_dir;
  static inline std::string s_base;
  static inline pid_t s_pid = -1;
};

TEST_F(WebMapHttp, ServesThePageAtRootWithAStrongETagThatRevalidatesTo304) {
  const http_response r = fetch("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, page_html);
  EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(r.header("cache-control"), "no-cache");
  const std::string etag = r.header("etag").value_or("");
  ASSERT_EQ(etag.size(), 18u) << etag;
  const http_response again = fetch("/", {"If-None-Match: " + etag});
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.body, "");
  EXPECT_EQ(again.header("etag"), etag);
  EXPECT_EQ(fetch("/index.html").body, page_html);
}

TEST_F(WebMapHttp, GzipsScriptsForClientsThatAskWithTheGzipFormOfTheETag) {
  const http_response plain = fetch("/app.js");
  EXPECT_EQ(plain.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(plain.header("content-encoding"), std::nullopt);
  const http_response packed = fetch("/app.js", {"Accept-Encoding: gzip"});
  EXPECT_EQ(packed.status, 200);
  EXPECT_EQ(packed.header("content-encoding"), "gzip");
  EXPECT_LT(packed.body.size(), plain.body.size() / 4);
  const std::string etag = plain.header("etag").value_or("");
  const std::string gzip_etag = etag.substr(0, etag.size() - 1) + "-gzip\"";
  EXPECT_EQ(packed.header("etag"), gzip_etag);
  EXPECT_EQ(fetch("/app.js", {"Accept-Encoding: gzip", "If-None-Match: " + gzip_etag}).status, 304);
  EXPECT_EQ(fetch("/app.css").header("content-type"), "text/css; charset=utf-8");
}

TEST_F(WebMapHttp, AnswersHeadWithoutABody) {
  const http_response r = fetch("/app.js", {}, "HEAD");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.header("content-type"), "text/javascript; charset=utf-8");
}

// curl sends percent-encoded dots and slashes as they are; the server decodes them before
// routing, so these arrive as "..", "../secret.txt" and the like.
TEST_F(WebMapHttp, NeverServesAFileOutsideTheFolderNorAHiddenOne) {
  for (const std::string path :
       {"/%2e%2e", "/%2e%2e/secret.txt", "/%2e%2e%2fsecret.txt", "/..%2fsecret.txt",
        "/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/secret.txt", "/.env", "/sub", "/sub/x.css",
        "/sub%2fx.css", "/app.js%00.css", "/%5c..%5csecret.txt"}) {
    const http_response r = fetch(path);
    // A control character (the NUL) makes the path malformed (400) rather than unknown.
    EXPECT_EQ(r.status, path.find("%00") != std::string::npos ? 400 : 404) << path;
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << path;
    EXPECT_EQ(r.body.find("not for the web"), std::string::npos) << path;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << path;
  }
}

TEST_F(WebMapHttp, LeavesTheApiItsPaths) {
  EXPECT_EQ(body_of(fetch("/healthz"))["status"], "ok");
  // The API's own refusal (metrics are for an admin token), not a file of the page.
  EXPECT_EQ(fetch("/metrics").status, 401);
  EXPECT_EQ(fetch("/metrics").header("content-type"), "application/problem+json");
  EXPECT_EQ(fetch("/api/v1").status, 200);
  EXPECT_EQ(fetch("/ogc").status, 200);
  EXPECT_EQ(fetch("/tiles/kelurahan,rw,targets.json").status, 200);
  EXPECT_EQ(fetch("/", {}, "POST").status, 405);
}

// The shared server is given a web folder with no page in it (http_environment).
TEST(WebMapUnbuilt, RootSaysHowToBuildTheMapWhileTheApiWorks) {
  test_support::http_client client;
  const http_response r = get(client, "/");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  const std::string detail = body_of(r)["detail"];
  EXPECT_TRUE(detail.starts_with("the web map is not built: no index.html in '")) << detail;
  EXPECT_TRUE(
      detail.ends_with("/web-not-built'; run scripts/build-web.sh (or give sasaran serve "
                       "--web DIR)"))
      << detail;
  EXPECT_EQ(get(client, "/healthz").status, 200);
}

}  // namespace
