#include "server/app.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>

#include "geo/engine/engine.hpp"
#include "geo/engine/ledger.hpp"
#include "geo/error.hpp"
#include "geo/store/open_store.hpp"
#include "geo/utc_time.hpp"
#include "server/api_routes.hpp"
#include "server/compressed_answers.hpp"
#include "server/ogc_features.hpp"
#include "server/privacy_rule.hpp"
#include "server/static_routes.hpp"
#include "server/store_upkeep.hpp"
#include "server/tile_routes.hpp"
#include "server/token_authenticator.hpp"
#include "server/writer_first_mutex.hpp"
#include "tiles/tile_builder.hpp"
#include "tiles/tile_cache.hpp"

namespace server {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

const std::string& checked(const std::string& db) {
  if (!geo::is_postgres_url(db) && !std::filesystem::exists(db))
    throw geo::input_error("no database at '" + db +
                           "': import data first (sasaran import datasets/jakarta.json)");
  return db;
}

}  // namespace

/// Everything loaded from one snapshot of the store, with the routes answering from it.
class app::generation {
 public:
  /// `previous`, the generation serving, lends its simplified tile shapes when the areas are
  /// the same.
  generation(const app_options& o, metrics& shared_counters, token_authenticator& tokens,
             const generation* previous)
      : counters(shared_counters),
        store(geo::open_store(checked(o.db), geo::store_use::serve)),
        snapshot((started = std::chrono::steady_clock::now(), *store)),
        engine(*store),
        rule(engine),
        ledger(*store, engine),
        version(store->data_version()),
        applied(store->last_change()),
        data(stamp_of(*store, version)),
        tile_maker(engine, public_figures(rule), previous ? &previous->tile_maker : nullptr),
        tiles_kept(o.tile_cache_bytes),
        answers_kept(o.answer_cache_bytes),
        context{
            engine,   rule, ledger, *store,  writes,
            counters, data, tokens, placing, [this](const geo::target& t) { after_locating(t); }} {
    snapshot.end();
    loaded = seconds_since(started);
    add_service_routes(routes, context);
    add_lookup_routes(routes, context);
    add_area_routes(routes, context);
    add_target_routes(routes, context);
    add_coverage_routes(routes, context);
    add_pledge_routes(routes, context);
    add_session_routes(routes, context);
    add_location_routes(routes, context);
    add_audit_routes(routes, context);
    add_import_routes(routes, context);
    add_ogc_routes(routes, engine, rule, answers_kept,
                   {version, data.updated_at.empty() ? geo::utc_time_now() : data.updated_at});
    add_tile_routes(routes, engine, rule, tile_maker, tiles_kept);
    add_static_routes(routes, o.web_dir);  // last: /{file} must not take /healthz or /metrics
  }

  // Tiles are cached for every caller alike: their areas carry the figures anyone may read.
  static tiles::figure_basis public_figures(const privacy_rule& rule) {
    return [&rule](const geo::area& a) { return rule.figures_of(principal{}, a); };
  }

  static data_stamp stamp_of(geo::store& s, std::int64_t version) {
    const std::vector<geo::import_run> last = s.load_runs(1);
    return {version, last.empty() ? "" : last.front().finished_at};
  }

  /// A target the engine has just located (server/location_routes): it joins the tiles'
  /// targets, tiles with targets are built again, and PICs' scopes are worked out again (a
  /// cell meeting their area may hold a target for the first time). Under `placing` alone.
  void after_locating(const geo::target& t) {
    tile_maker.add_located(t);
    tiles_kept.forget_targets();
    rule.forget_scopes();
  }

  /// Places a target located in the field as `recorded` (the store's row) unless the engine
  /// has it placed already (this server recorded it, or took the change in before). Takes
  /// `placing` alone for the moment it changes where the target is.
  void place(const geo::target& recorded) {
    const geo::target* t = engine.find_target(recorded.id);
    if (!t || !recorded.lon || !recorded.lat) return;
    {
      const std::shared_lock reading(placing);
      if (t->lon) return;
    }
    placing.lock_politely(std::chrono::seconds(1));
    const std::unique_lock alone(placing, std::adopt_lock);
    if (t->lon) return;
    engine.locate(*t, *recorded.lon, *recorded.lat, recorded.rt_code, recorded.rw_code);
    after_locating(*t);
  }

  /// Takes in one change of the store's feed (not an import: that loads a new generation),
  /// as the store has its record now; taking one in twice changes nothing the second time.
  void take_in(const geo::store_change& c, token_authenticator& tokens) {
    if (c.kind == "pledge") {
      ledger.take_in_stored_pledge(c.key);
    } else if (c.kind == "realization") {
      ledger.take_in_stored_realization(c.key);
    } else if (c.kind == "location") {
      if (const std::optional<geo::target> t = store->find_target(c.key)) place(*t);
    } else if (c.kind == "token") {
      // Revoked (a session ended, `sasaran token revoke`): refused from the next request on,
      // not once the authenticator's memory of it runs out.
      tokens.forget(c.key);
    }
  }

  /// Simplifies every zoom's areas; stops between zooms when asked.
  void prepare_tiles(const std::stop_token& stop) {
    for (std::uint32_t z = 0; z <= tiles::max_zoom && !stop.stop_requested(); ++z)
      tile_maker.prepare_zooms(z, z);
  }

  metrics& counters;
  std::chrono::steady_clock::time_point started;
  // Opened for serving (geo::store_use::serve): a pledge made while an import writes waits for
  // its commit rather than fail, and the app's store_upkeep, not our commits, checkpoints.
  std::unique_ptr<geo::store> store;
  geo::store_snapshot snapshot;  // engine, ledger and version read one state of the store
  geo::engine engine;
  privacy_rule rule;
  geo::ledger ledger;
  std::int64_t version;
  // The seq of the store's change feed this generation has taken in: read in its snapshot,
  // then moved on by the follower alone (read by the metrics).
  std::atomic<std::int64_t> applied;
  data_stamp data;
  tiles::tile_builder tile_maker;
  tiles::tile_cache tiles_kept;
  // Answers that change only at an import (OGC items of areas), ready to send; they go with
  // this generation.
  compressed_answers answers_kept;
  double loaded = 0;
  std::mutex writes;
  // Every request reads this generation under it, shared; recording a location changes where
  // a target is under it alone (api_context::placing).
  writer_first_mutex placing;
  router routes;
  api_context context;
  // The first generation simplifies its zooms while the server already answers, so that the
  // first tile of a zoom does not wait for it; later ones before they take over.
  std::jthread preparing;
};

app::app(app_options options) : m_options(std::move(options)), m_edge(m_options.edge, m_counters) {}

app::~app() {
  m_follower = {};
  // The edge's threads run the routes, which use the generations: they stop first.
  m_edge.stop(std::chrono::milliseconds(0));
}

void app::start() {
  m_edge.start();
}

std::shared_ptr<app::generation> app::current() const {
  const std::lock_guard lock(m_current_lock);
  return m_current;
}

// The routes are the same in every generation: each outer route runs the route of the same
// index in the generation serving when the request starts, which it keeps alive until done.
router app::forwarding_routes() {
  router outer;
  current()->routes.for_each(
      [&](std::size_t i, const std::string& method, const std::string& pattern, route_cost cost) {
        // The route recording a location takes `placing` itself: shared, then alone.
        const bool placing_itself = pattern == target_location_route;
        if (cost == route_cost::write)
          outer.add(
              method, pattern,
              [this, i, placing_itself](request& r) {
                const std::shared_lock writing(m_swap);
                const std::shared_ptr<generation> g = current();
                if (placing_itself) return g->routes.handler_at(i)(r);
                const std::shared_lock reading(g->placing);
                return g->routes.handler_at(i)(r);
              },
              cost);
        else
          outer.add(
              method, pattern,
              [this, i](request& r) {
                const std::shared_ptr<generation> g = current();
                const std::shared_lock reading(g->placing);
                return g->routes.handler_at(i)(r);
              },
              cost);
      });
  return outer;
}

void app::add_gauges() {
  const auto gauge = [this](const char* name, const char* help, auto read) {
    m_counters.gauge(name, help, [this, read] { return double(read(*current())); });
  };
  gauge("sasaran_areas", "Areas in the engine.",
        [](generation& g) { return g.engine.area_count(); });
  gauge("sasaran_targets", "Targets in the engine.",
        [](generation& g) { return g.engine.target_count(); });
  gauge("sasaran_targets_located", "Targets in the nearest-target index.",
        [](generation& g) { return g.engine.located_count(); });
  gauge("sasaran_pledges", "Pledges in the ledger.",
        [](generation& g) { return g.ledger.pledge_count(); });
  gauge("sasaran_data_version", "The store's data version (imports landed) being served.",
        [](generation& g) { return g.version; });
  gauge("sasaran_changes_applied",
        "The seq of the last change of the store's feed taken into the data served.",
        [](generation& g) { return g.applied.load(); });
  gauge("sasaran_tile_cache_bytes", "Bytes of tiles kept in memory.",
        [](generation& g) { return g.tiles_kept.bytes(); });
  gauge("sasaran_tile_cache_tiles", "Tiles kept in memory.",
        [](generation& g) { return g.tiles_kept.size(); });
  gauge("sasaran_tile_cache_hits", "Tiles served from memory since this data was loaded.",
        [](generation& g) { return g.tiles_kept.hits(); });
  gauge("sasaran_answer_cache_bytes",
        "Bytes of answers kept ready to send (OGC items of areas, identity or gzipped).",
        [](generation& g) { return g.answers_kept.bytes(); });
  gauge("sasaran_answer_cache_hits", "Answers sent from memory since this data was loaded.",
        [](generation& g) { return g.answers_kept.hits(); });
  gauge("sasaran_answer_cache_misses", "Answers built since this data was loaded.",
        [](generation& g) { return g.answers_kept.misses(); });
  gauge("sasaran_tile_zooms_prepared",
        "Zooms whose areas are simplified for tiles (23: all; done in the background).",
        [](generation& g) { return g.tile_maker.zooms_prepared(); });
  gauge("sasaran_tile_cache_misses", "Tiles built (absent or stale) since this data was loaded.",
        [](generation& g) { return g.tiles_kept.misses(); });
}

void app::load() {
  m_authenticate = std::make_unique<token_authenticator>(checked(m_options.db));
  auto first = std::make_shared<generation>(m_options, m_counters, *m_authenticate, nullptr);
  first->preparing =
      std::jthread([g = first.get()](const std::stop_token& stop) { g->prepare_tiles(stop); });
  // What was written between its snapshot and now, before it says it is ready.
  take_in_changes(*first);
  m_current = std::move(first);
  m_upkeep = std::make_unique<store_upkeep>(m_options.db, std::chrono::milliseconds(500));
  m_routes = forwarding_routes();
  add_gauges();
  m_edge.serve(m_routes,
               [this](const std::optional<std::string>& h) { return (*m_authenticate)(h); });
  if (m_options.follow_every.count() > 0)
    m_follower = std::jthread([this](const std::stop_token& stop) { follow_loop(stop); });
}

void app::follow_loop(const std::stop_token& stop) {
  std::mutex sleeping;
  std::condition_variable_any wake;
  // A store that does not answer is asked again after 0.1 s, then twice as long each time up
  // to 5 s; the server answers reads from memory meanwhile (writes fail with 503).
  std::chrono::milliseconds backoff{0};
  while (!stop.stop_requested()) {
    std::shared_ptr<generation> replaced;
    try {
      std::shared_ptr<generation> g = current();
      g->store->wait_for_change(g->applied, m_options.follow_every);
      if (stop.stop_requested()) return;
      replaced = follow(std::move(g));
      if (backoff.count() > 0)
        std::cerr << "sasaran serve: the store answers again; following it from change "
                  << current()->applied << std::endl;
      backoff = std::chrono::milliseconds(0);
    } catch (const std::exception& e) {
      if (backoff.count() == 0)
        std::cerr << "sasaran serve: cannot follow the store (" << e.what()
                  << "); answering from memory and trying again" << std::endl;
      backoff = std::min<std::chrono::milliseconds>(
          std::max<std::chrono::milliseconds>(backoff * 2, std::chrono::milliseconds(100)),
          std::chrono::seconds(5));
      std::unique_lock lock(sleeping);
      wake.wait_for(lock, stop, backoff, [] { return false; });
      continue;
    }
    // The old generation goes once the requests under way on it are done, here rather than on
    // the thread of the last of them.
    while (replaced && replaced.use_count() > 1)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::optional<std::int64_t> app::take_in_changes(generation& g) {
  for (;;) {
    const std::vector<geo::store_change> changes = g.store->changes_after(g.applied, 1000);
    if (changes.empty()) return std::nullopt;
    for (const geo::store_change& c : changes) {
      if (c.kind == "import") return c.seq;
      try {
        g.take_in(c, *m_authenticate);
      } catch (const geo::store_error&) {
        throw;  // the store is gone: the follower tries this change again later
      } catch (const std::exception& e) {
        // Trying again would fail the same way and hold back every later change.
        std::cerr << "sasaran serve: could not take in change " << c.seq << " (" << c.kind << " "
                  << c.key << "): " << e.what() << "; going on without it" << std::endl;
      }
      g.applied = c.seq;
    }
  }
}

std::shared_ptr<app::generation> app::follow(std::shared_ptr<generation> old) {
  while (const std::optional<std::int64_t> import = take_in_changes(*old)) {
    const std::int64_t version = old->store->data_version();
    std::shared_ptr<generation> next;
    try {
      next = std::make_shared<generation>(m_options, m_counters, *m_authenticate, old.get());
    } catch (const geo::store_error&) {
      throw;  // the store is gone: tried again with the follower's backoff
    } catch (const std::exception& e) {
      // The generation serving stays, past this import: loading the same data again would
      // fail the same way and cost seconds of CPU every round.
      std::cerr << "sasaran serve: could not follow the store to data version " << version
                << "; serving version " << old->version << " until the next import: " << e.what()
                << std::endl;
      old->applied = *import;
      continue;
    }
    // Its zooms are simplified before it serves: the first tiles after the switch must not wait.
    next->prepare_tiles(m_follower.get_stop_token());
    // It takes in what was written since its snapshot (here and elsewhere) while the old one
    // serves, then the last few under the swap lock, when no write of ours runs. A later
    // import stops it there: the next round loads again.
    take_in_changes(*next);
    {
      const std::unique_lock swapping(m_swap);
      take_in_changes(*next);
      const std::lock_guard lock(m_current_lock);
      m_current = next;
    }
    std::cerr << "sasaran serve: following the store: data version " << old->version << " -> "
              << next->version << ", loaded in " << next->loaded << " s" << std::endl;
    return old;
  }
  return nullptr;
}

std::uint16_t app::port() const {
  return m_edge.port();
}

void app::stop(std::chrono::milliseconds drain) {
  m_follower = {};
  m_edge.stop(drain);
}

double app::load_seconds() const {
  const auto g = current();
  return g ? g->loaded : 0;
}

std::int64_t app::data_version() const {
  const auto g = current();
  return g ? g->version : 0;
}

}  // namespace server
