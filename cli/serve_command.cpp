// `sasaran serve`: loads the store into memory and answers HTTP until SIGINT or SIGTERM.
#include <pthread.h>
#include <signal.h>

#include <iostream>

#include "cli/commands.hpp"
#include "geo/error.hpp"
#include "server/app.hpp"
#include "server/pistache_edge.hpp"
#include "server/static_routes.hpp"

namespace cli {
namespace {

// Blocked in every thread (Pistache's workers inherit the mask), so that only sigwait in the
// main thread receives them and shutdown is orderly.
sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

}  // namespace

int run_serve(const serve_options& options) {
  const sigset_t signals = stop_signals();
  try {
    server::app_options o;
    o.db = options.db;
    o.edge.host = options.host;
    o.edge.port = options.port;
    o.edge.threads = options.threads;
    o.tile_cache_bytes = options.tile_cache_mb << 20;
    o.web_dir = options.web;
    if (!server::has_web_map(options.web))
      std::cerr << "sasaran serve: no web map in " << options.web
                << " (no index.html; run scripts/build-web.sh); serving the API only" << std::endl;
    std::cerr << "sasaran serve: loading " << options.db << std::endl;
    server::app app(o);
    std::cerr << "sasaran serve: loaded in " << app.load_seconds() << " s" << std::endl;
    app.start();
    // Scripts and tests wait for this line; it is the first on stdout.
    std::cout << "sasaran serve: listening on http://" << options.host << ":" << app.port()
              << std::endl;
    int received = 0;
    sigwait(&signals, &received);
    std::cerr << "sasaran serve: " << (received == SIGINT ? "SIGINT" : "SIGTERM") << ", stopping"
              << std::endl;
    app.stop();
    return exit_ok;
  } catch (const server::edge_error& e) {
    std::cerr << "sasaran serve: " << e.what() << std::endl;
    return exit_failure;
  } catch (const geo::error& e) {
    std::cerr << "sasaran serve: " << e.what() << std::endl;
    return exit_failure;
  }
}

}  // namespace cli
