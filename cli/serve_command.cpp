// `sasaran serve`: binds its port at once, loads the store into memory, and answers HTTP until
// SIGINT or SIGTERM.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <thread>

#include "cli/commands.hpp"
#include "geo/error.hpp"
#include "geo/store/open_store.hpp"
#include "server/app.hpp"
#include "server/static_routes.hpp"

namespace cli {
namespace {

// Blocked in every thread (the server's threads inherit the mask), so that only sigwait in the
// main thread receives them and shutdown is orderly.
sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);  // sent to ourselves when loading fails
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

server::app_options app_options_of(const serve_options& options) {
  server::app_options o;
  o.db = options.db;
  o.edge.host = options.host;
  o.edge.port = options.port;
  o.edge.threads = options.threads;
  o.edge.heavy.threads = std::max<std::size_t>(1, options.threads / 2);
  // Several at once from one page (the planner's three rankings) must fit; what waits past the
  // lane's max_wait (1 s) is shed all the same.
  o.edge.heavy.queue = 8 * o.edge.heavy.threads;
  o.edge.connections.max_connections = options.max_connections;
  o.tile_cache_bytes = options.tile_cache_mb << 20;
  o.answer_cache_bytes = options.answer_cache_mb << 20;
  o.web_dir = options.web;
  return o;
}

}  // namespace

int run_serve(const serve_options& options) {
  const sigset_t signals = stop_signals();
  // A closed stdout (a supervisor gone) must not kill the server when it prints.
  signal(SIGPIPE, SIG_IGN);
  try {
    if (!geo::is_postgres_url(options.db) && !std::filesystem::exists(options.db))
      throw geo::input_error("no database at '" + geo::shown_store_name(options.db) +
                             "': import data first (sasaran import datasets/jakarta.json)");
    if (!server::has_web_map(options.web))
      std::cerr << "sasaran serve: no web map in " << options.web
                << " (no index.html; run scripts/build-web.sh); serving the API only" << std::endl;
    server::app app(app_options_of(options));
    app.start();
    // Scripts and tests wait for these two lines on stdout: the port is bound (and /healthz
    // answers), then the store is loaded (and every route answers).
    std::cout << "sasaran serve: listening on http://" << options.host << ":" << app.port()
              << std::endl;
    std::cerr << "sasaran serve: loading " << geo::shown_store_name(options.db) << std::endl;
    std::atomic<bool> loaded{false};
    std::string load_error;
    std::thread loader([&] {
      try {
        app.load();
        loaded = true;
        std::cerr << "sasaran serve: loaded in " << app.load_seconds() << " s" << std::endl;
        std::cout << "sasaran serve: ready" << std::endl;
      } catch (const std::exception& e) {
        load_error = e.what();
        kill(getpid(), SIGUSR1);
      }
    });
    int received = 0;
    sigwait(&signals, &received);
    if (received == SIGUSR1) {
      loader.join();
      std::cerr << "sasaran serve: " << load_error << std::endl;
      app.stop(std::chrono::milliseconds(0));
      return exit_failure;
    }
    std::cerr << "sasaran serve: " << (received == SIGINT ? "SIGINT" : "SIGTERM") << ", stopping"
              << std::endl;
    app.stop();
    if (!loaded) {
      // Loading only reads the store, so nothing is lost by not waiting for it to finish.
      std::cerr << "sasaran serve: stopped while loading" << std::endl;
      std::_Exit(exit_ok);
    }
    loader.join();
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
