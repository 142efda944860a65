#include "server/static_routes.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "server/gzip.hpp"

namespace {

namespace fs = std::filesystem;

// A web map folder in a fresh temporary directory, with a secret file beside it that no request
// may reach, and the routes as the app registers them: an API route first, the static ones last.
class StaticRoutes : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/sasaran_static_XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    m_root = pattern;
    m_dir = m_root / "dist";
    fs::create_directories(m_dir / "assets");
    write(m_root / "secret.txt", "not for the web");
    write(m_dir / "index.html", "<!doctype html><title>Sasaran</title>");
    write(m_dir / "app.js", std::string(4000, 'x'));
    write(m_dir / "app.css", "body{margin:0}");
    write(m_dir / ".hidden", "hidden");
    write(m_dir / "assets" / "a.css", "a{}");
    fs::create_symlink(m_root / "secret.txt", m_dir / "link.txt");
    m_routes.add("GET", "/healthz",
                 [](server::request&) { return server::response::json("{\"status\":\"ok\"}"); });
    server::add_static_routes(m_routes, m_dir);
  }
  void TearDown() override { fs::remove_all(m_root); }

  static void write(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }

  // The answer to GET `path` (already percent-decoded, as the edge hands it on), or the status
  // of the http_error the handler throws; 404 when no route matches, as the edge answers.
  server::response get(const std::string& path,
                       std::vector<std::pair<std::string, std::string>> headers = {}) {
    server::request r;
    r.method = "GET";
    r.path = path;
    for (auto& [name, value] : headers)
      r.headers[name] = value;
    const server::router::match found = m_routes.find("GET", path, r.params);
    if (!found.run) return {404, "", "no route", {}};
    try {
      return (*found.run)(r);
    } catch (const server::http_error& e) {
      return {e.status(), "application/problem+json", e.what(), {}};
    }
  }

  static std::string header(const server::response& r, const std::string& name) {
    for (const auto& [n, v] : r.headers)
      if (n == name) return v;
    return {};
  }

  fs::path m_root;
  fs::path m_dir;
  server::router m_routes;
};

TEST_F(StaticRoutes, ServesIndexAtRootAsHtmlWithNoCacheAndAnETag) {
  const server::response r = get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(r.body, "<!doctype html><title>Sasaran</title>");
  EXPECT_EQ(header(r, "Cache-Control"), "no-cache");
  EXPECT_EQ(header(r, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(header(r, "ETag").size(), 18u);  // "16 hex digits"
  EXPECT_EQ(get("/index.html").body, r.body);
}

TEST_F(StaticRoutes, ServesFilesWithTheTypeOfTheirExtension) {
  EXPECT_EQ(get("/app.css").content_type, "text/css; charset=utf-8");
  EXPECT_EQ(get("/app.css").body, "body{margin:0}");
  EXPECT_EQ(get("/app.js").content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(server::content_type_of("maplibre-gl-worker.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(server::content_type_of("x.json"), "application/json");
  EXPECT_EQ(server::content_type_of("x.svg"), "image/svg+xml");
  EXPECT_EQ(server::content_type_of("README"), "application/octet-stream");
}

TEST_F(StaticRoutes, Answers304ForEitherFormOfTheETag) {
  const std::string etag = header(get("/app.js"), "ETag");
  const server::response again = get("/app.js", {{"if-none-match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.body, "");
  EXPECT_EQ(header(again, "ETag"), etag);
  const std::string gzip_etag = etag.substr(0, etag.size() - 1) + "-gzip\"";
  EXPECT_EQ(get("/app.js", {{"if-none-match", gzip_etag}}).status, 304);
  EXPECT_EQ(get("/app.js", {{"if-none-match", "\"0000000000000000\""}}).status, 200);
}

TEST_F(StaticRoutes, GzipsLargeTextOnceWithItsOwnETagWhenAccepted) {
  const server::response plain = get("/app.js");
  const server::response packed = get("/app.js", {{"accept-encoding", "gzip, br"}});
  EXPECT_EQ(packed.status, 200);
  EXPECT_EQ(header(packed, "Content-Encoding"), "gzip");
  EXPECT_EQ(packed.body, server::gzip(plain.body));
  const std::string etag = header(plain, "ETag");
  EXPECT_EQ(header(packed, "ETag"), etag.substr(0, etag.size() - 1) + "-gzip\"");
  // Small files go as they are.
  EXPECT_EQ(header(get("/app.css", {{"accept-encoding", "gzip"}}), "Content-Encoding"), "");
}

TEST_F(StaticRoutes, ServesTheNewContentAfterARebuild) {
  const std::string before = header(get("/app.css"), "ETag");
  write(m_dir / "app.css", "body{margin:1px;padding:0}");
  const server::response after = get("/app.css");
  EXPECT_EQ(after.body, "body{margin:1px;padding:0}");
  EXPECT_NE(header(after, "ETag"), before);
}

TEST_F(StaticRoutes, NeverReachesOutsideTheFolder) {
  // The edge percent-decodes the path before routing, so these are what %2e%2e, %2f and %00
  // become; every one is refused, and none reads the secret beside the folder.
  for (const std::string& path : std::vector<std::string>{
           "/..", "/../secret.txt", "/..%2fsecret.txt", "/%2e%2e", "/assets/a.css", "/assets",
           "/.hidden", "/link.txt", "/app.js%00.css", std::string("/app.js\0.css", 12),
           "/..\\secret.txt", "/secret.txt", "//secret.txt", "/app.js/", "/nothing.js"}) {
    const server::response r = get(path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body.find("not for the web"), std::string::npos) << path;
  }
  EXPECT_FALSE(server::is_servable_name(".."));
  EXPECT_FALSE(server::is_servable_name("a/b"));
  EXPECT_FALSE(server::is_servable_name(std::string("a\0b", 3)));
  EXPECT_FALSE(server::is_servable_name(""));
  EXPECT_TRUE(server::is_servable_name("maplibre-gl-worker.mjs"));
}

TEST_F(StaticRoutes, LeavesEarlierRoutesTheirPaths) {
  const server::response r = get("/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"status\":\"ok\"}");
}

TEST_F(StaticRoutes, SaysHowToBuildTheMapWhenThereIsNoIndex) {
  fs::remove(m_dir / "index.html");
  const server::response r = get("/");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "the web map is not built: no index.html in '" + m_dir.string() +
                        "'; run scripts/build-web.sh (or give sasaran serve --web DIR)");
  EXPECT_FALSE(server::has_web_map(m_dir));
  EXPECT_EQ(get("/app.css").status, 200);  // what is there is still served
}

}  // namespace
