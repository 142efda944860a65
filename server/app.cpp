#include "server/app.hpp"

#include <chrono>
#include <filesystem>
#include <thread>

#include "geo/engine.hpp"
#include "geo/error.hpp"
#include "geo/ledger.hpp"
#include "geo/spatialite_store.hpp"
#include "geo/sqlite_db.hpp"
#include "server/api_routes.hpp"
#include "server/ogc_features.hpp"
#include "server/privacy_rule.hpp"
#include "server/static_routes.hpp"
#include "server/tile_cache.hpp"
#include "server/tile_routes.hpp"
#include "server/token_authenticator.hpp"
#include "server/wal_checkpointer.hpp"
#include "tiles/tile_builder.hpp"

namespace server {

class app::parts {
 public:
  parts(const app_options& o, metrics& shared_counters)
      : counters(shared_counters),
        store(checked(o.db)),
        engine((started = std::chrono::steady_clock::now(), store)),
        rule(engine),
        ledger(store, engine),
        tile_maker(engine, public_figures(rule)),
        tiles_kept(o.tile_cache_bytes),
        loaded(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()),
        checkpoints((store.db().exec("PRAGMA wal_autocheckpoint = 0"), o.db),
                    std::chrono::milliseconds(500)),
        authenticate(o.db),
        context{engine, rule, ledger, store, writes, counters} {
    add_service_routes(routes, context);
    add_lookup_routes(routes, context);
    add_area_routes(routes, context);
    add_target_routes(routes, context);
    add_coverage_routes(routes, context);
    add_pledge_routes(routes, context);
    add_audit_routes(routes, context);
    add_ogc_routes(routes, engine, rule);
    add_tile_routes(routes, engine, rule, tile_maker, tiles_kept);
    add_static_routes(routes, o.web_dir);  // last: /{file} must not take /healthz or /metrics
    counters.gauge("sasaran_areas", "Areas in the engine.",
                   [this] { return double(engine.area_count()); });
    counters.gauge("sasaran_targets", "Targets in the engine.",
                   [this] { return double(engine.target_count()); });
    counters.gauge("sasaran_targets_located", "Targets in the nearest-target index.",
                   [this] { return double(engine.located_count()); });
    counters.gauge("sasaran_pledges", "Pledges in the ledger.",
                   [this] { return double(ledger.pledge_count()); });
    counters.gauge("sasaran_tile_cache_bytes", "Bytes of tiles kept in memory.",
                   [this] { return double(tiles_kept.bytes()); });
    counters.gauge("sasaran_tile_cache_tiles", "Tiles kept in memory.",
                   [this] { return double(tiles_kept.size()); });
    counters.gauge("sasaran_tile_cache_hits", "Tiles served from memory since start.",
                   [this] { return double(tiles_kept.hits()); });
    counters.gauge("sasaran_tile_zooms_prepared",
                   "Zooms whose areas are simplified for tiles (23: all; done in the background).",
                   [this] { return double(tile_maker.zooms_prepared()); });
    counters.gauge("sasaran_tile_cache_misses", "Tiles built (absent or stale) since start.",
                   [this] { return double(tiles_kept.misses()); });
  }

  // Tiles are cached for every caller alike: their areas carry the figures anyone may read.
  static tiles::figure_basis public_figures(const privacy_rule& rule) {
    return [&rule](const geo::area& a) { return rule.figures_of(principal{}, a); };
  }

  static const std::string& checked(const std::string& db) {
    if (!std::filesystem::exists(db))
      throw geo::input_error("no database at '" + db +
                             "': import data first (sasaran import datasets/jakarta.json)");
    return db;
  }

  metrics& counters;
  std::chrono::steady_clock::time_point started;
  geo::spatialite_store store;
  geo::engine engine;
  privacy_rule rule;
  geo::ledger ledger;
  tiles::tile_builder tile_maker;
  tile_cache tiles_kept;
  double loaded;
  wal_checkpointer checkpoints;
  token_authenticator authenticate;
  std::mutex writes;
  router routes;
  api_context context;
  // Simplifies every zoom's areas while the server already answers, so that the first tile
  // of a zoom does not wait for it; stopped between zooms when the server stops early.
  std::jthread prepare_tiles{[this](const std::stop_token& stop) {
    for (std::uint32_t z = 0; z <= tiles::max_zoom && !stop.stop_requested(); ++z)
      tile_maker.prepare_zooms(z, z);
  }};
};

app::app(app_options options) : m_options(std::move(options)), m_edge(m_options.edge, m_counters) {}

app::~app() {
  // The edge's threads run the routes, which use the parts: they stop first.
  m_edge.stop(std::chrono::milliseconds(0));
}

void app::start() {
  m_edge.start();
}

void app::load() {
  m_parts = std::make_unique<parts>(m_options, m_counters);
  m_edge.serve(m_parts->routes, [p = m_parts.get()](const std::optional<std::string>& h) {
    return p->authenticate(h);
  });
}

std::uint16_t app::port() const {
  return m_edge.port();
}

void app::stop(std::chrono::milliseconds drain) {
  m_edge.stop(drain);
}

double app::load_seconds() const {
  return m_parts ? m_parts->loaded : 0;
}

}  // namespace server
