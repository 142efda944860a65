// Tile URLs as the server reads them: the path after /tiles/ percent-decoded, matched by the
// router (server/router) to the tile routes (server/tile_routes: source lists, z/x/y.mvt,
// TileJSON, the program parameter) and answered over the tiny dataset (tests/data), so that
// every address the parsing accepts builds a real tile (tiles/tile_builder) for one of four
// callers. Input: the first byte picks the caller ('a' admin, 'p' a PIC of kelurahan
// 3171010001, 'c' a collaborator, anything else anonymous); the rest is the request target
// after "/tiles/", e.g. "-rw,targets/14/13052/8474.mvt?program=pangan". Only server::http_error
// may leave a route; an answer is a 200 with a body (valid JSON for TileJSON) or an empty 204.
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "geo/engine/engine.hpp"
#include "geo/import/dataset_description.hpp"
#include "geo/import/importer.hpp"
#include "geo/store/spatialite_store.hpp"
#include "server/privacy_rule.hpp"
#include "server/router.hpp"
#include "server/tile_routes.hpp"
#include "server/url.hpp"
#include "tests/fuzz/fuzz_support.hpp"
#include "tiles/tile_builder.hpp"
#include "tiles/tile_cache.hpp"

namespace {

using fuzz_support::require;

// The tiny dataset imported once into a store of its own, removed at exit.
class tile_server {
 public:
  tile_server()
      : m_dir(std::filesystem::temp_directory_path() /
              ("sasaran-fuzz-tiles-" + std::to_string(::getpid()))),
        m_store((std::filesystem::create_directories(m_dir), (m_dir / "sasaran.db").string())),
        m_cache(1 << 20) {
    geo::silent_progress progress;
    geo::importer importer(m_store, progress);
    importer.import_dataset(geo::load_dataset_description(
        std::string(SASARAN_TEST_DATA) + "/dataset-tiny.json", SASARAN_TEST_DATA));
    m_engine = std::make_unique<geo::engine>(m_store);
    m_rule = std::make_unique<server::privacy_rule>(*m_engine);
    m_builder = std::make_unique<tiles::tile_builder>(*m_engine);
    server::add_tile_routes(m_routes, *m_engine, *m_rule, *m_builder, m_cache);
  }
  ~tile_server() {
    std::error_code ignored;
    std::filesystem::remove_all(m_dir, ignored);
  }

  const server::router& routes() const { return m_routes; }

 private:
  std::filesystem::path m_dir;
  geo::spatialite_store m_store;
  std::unique_ptr<geo::engine> m_engine;
  std::unique_ptr<server::privacy_rule> m_rule;
  std::unique_ptr<tiles::tile_builder> m_builder;
  tiles::tile_cache m_cache;
  server::router m_routes;
};

server::principal caller_of(char selector) {
  server::principal p;
  switch (selector) {
    case 'a':
      p.who = geo::role::admin;
      p.token_id = "fuzz-admin";
      break;
    case 'p':
      p.who = geo::role::pic;
      p.token_id = "fuzz-pic";
      p.areas = {"3171010001"};
      break;
    case 'c':
      p.who = geo::role::collaborator;
      p.token_id = "fuzz-collaborator";
      p.collaborator_id = "C1";
      break;
    default:
      break;
  }
  return p;
}

void answer(const server::router& routes, server::request& r) {
  const server::router::match found = routes.find(r.method, r.path, r.params);
  if (!found.run) return;  // a 404 at the edge
  const server::response out = (*found.run)(r);
  if (out.status == 204) {
    require(out.body.empty(), "a 204 with a body");
    return;
  }
  require(out.status == 200, "a tile route answered " + std::to_string(out.status));
  require(!out.body.empty(), "a 200 without a body");
  if (out.content_type == "application/json")
    require(nlohmann::json::accept(out.body), "TileJSON that is not JSON");
  else
    require(out.content_type == "application/vnd.mapbox-vector-tile",
            "a tile answered as " + out.content_type);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const tile_server s_server;
  if (size == 0) return 0;
  const std::string_view input = fuzz_support::text_of(data, size);
  const std::string_view target = input.substr(1);
  const std::size_t question = target.find('?');
  server::request r;
  r.method = "GET";
  r.base_url = "http://localhost:8080";
  r.caller = caller_of(input.front());
  try {
    r.path = "/tiles/" + server::percent_decode(target.substr(0, question), false);
    if (question != std::string_view::npos)
      r.query = server::parse_query(target.substr(question + 1));
    answer(s_server.routes(), r);
  } catch (const server::http_error& e) {
    require(e.status() == 400 || e.status() == 404,
            "a tile request refused with " + std::to_string(e.status()));
  }
  return 0;
}
