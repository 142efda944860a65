#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cli {

/// Exit codes scripts can rely on.
enum exit_code : int {
  exit_ok = 0,
  exit_failure = 1,     // nothing was done: bad input file, unknown id, store error
  exit_usage = 2,       // wrong flags (CLI11 also uses 105-115 for parse errors; we map to 2)
  exit_rejections = 3,  // --strict and some rows were rejected (the import itself landed)
  exit_interrupted = 130,
};

struct import_options {
  std::string db = "data/sasaran.sqlite";
  std::string report_file;
  bool strict = false;
  std::string datasets_root;
  // A description (datasets/*.json), or one file when `level` or `table` is set.
  std::string source;
  std::string level;  // kota, kecamatan, kelurahan, rw, rt for an area layer
  std::string layer;
  std::string source_layer;  // the layer to read from a multi-layer source
  std::string code;
  std::string name;
  std::string parent;
  std::string strip_prefix;
  std::string table;            // targets, collaborators or pledges for a CSV
  bool allow_removals = false;  // accept removing or retiring over 10% of a stored layer
};

struct report_options {
  std::string db = "data/sasaran.sqlite";
  std::string layer;
  std::string outcome;
  std::size_t limit = 50;
  bool json = false;
  bool runs = false;
  std::optional<std::string> changes;  // --changes [RUN]: "" for the latest import
};

/// `sasaran token create | link | list | revoke`.
struct token_options {
  std::string action;  // create, link, list or revoke
  std::string db = "data/sasaran.sqlite";
  std::string role;                // create: collaborator, aggregator, planner, pic, admin
  std::vector<std::string> areas;  // create: area codes of a pic
  std::string collaborator;        // create: collaborator id of a collaborator or aggregator
  std::string note;                // create
  bool json = false;               // list
  std::string id;                  // revoke
  // link: the person, how long the link and then the session last, where the page is served,
  // and the QR code (drawn on a terminal; --qr also into a pipe; --qr-png into a file).
  std::string name;
  std::string expires = "72h";
  int session_days = 30;
  std::string base_url = "http://localhost:8080/";
  bool qr = false;
  bool no_qr = false;
  std::string qr_png;
};

int run_import(const import_options& options);
int run_report(const report_options& options);
int run_token(const token_options& options);

struct serve_options {
  std::string db = "data/sasaran.sqlite";
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::size_t threads = 2;
  std::size_t max_connections = 4096;
  std::size_t tile_cache_mb = 256;
  std::size_t answer_cache_mb = 64;
  std::string web = "web/dist";  // the built web map (scripts/build-web.sh), served at /
};
int run_serve(const serve_options& options);

/// SASARAN_DATASETS, or ../shared/datasets beside the source tree.
std::string default_datasets_root();

}  // namespace cli
