// The `sasaran` command: one program, one subcommand per job (DESIGN.md, architecture).
#include <CLI/CLI.hpp>
#include <cstdlib>

#include "cli/commands.hpp"

#ifndef SASARAN_DEFAULT_DATASETS
#define SASARAN_DEFAULT_DATASETS "../shared/datasets"
#endif

namespace cli {

std::string default_datasets_root() {
  const char* env = std::getenv("SASARAN_DATASETS");
  return env && *env ? env : SASARAN_DEFAULT_DATASETS;
}

}  // namespace cli

int main(int argc, char** argv) {
  CLI::App app{"Sasaran: spatial engine and map server for social-assistance collaboration"};
  app.require_subcommand(1);

  cli::import_options import;
  import.datasets_root = cli::default_datasets_root();
  CLI::App* imp = app.add_subcommand(
      "import",
      "Import a dataset description (datasets/*.json) or one file into the store, in one "
      "transaction; prints a report of every row's outcome");
  imp->add_option("source", import.source,
                  "A dataset description (datasets/jakarta.json), or with --level or --table "
                  "one file (any GDAL vector source, or CSV)")
      ->required();
  imp->footer(
      "Exit codes: 0 imported; 1 failed, nothing imported; 2 wrong usage; 3 imported with "
      "rejected rows and --strict given; 130 interrupted, nothing imported.");
  imp->add_option("--db", import.db,
                  "SpatiaLite file, or a PostgreSQL URL postgresql://user@host/db")
      ->capture_default_str();
  imp->add_option("--report", import.report_file, "Also write the report as JSON to this file");
  imp->add_flag("--strict", import.strict, "Exit with code 3 when any row was rejected");
  imp->add_flag("--allow-removals", import.allow_removals,
                "Accept a file that lacks more than 10% of the rows stored in a layer (they are "
                "removed, or retired when something refers to them); refused otherwise, as the "
                "sign of a damaged or partial file");
  imp->add_option("--datasets", import.datasets_root,
                  "Folder the description's paths are relative to (SASARAN_DATASETS)")
      ->capture_default_str();
  imp->add_option("--level", import.level,
                  "Level of an area file: kota, kecamatan, kelurahan, rw, rt");
  imp->add_option("--layer", import.layer, "Layer name in the store (default: the level)");
  imp->add_option("--source-layer", import.source_layer,
                  "Layer of the file to read, for a source of several layers (e.g. a GeoPackage)");
  imp->add_option("--code", import.code,
                  "Attributes making the code, FIELD[:WIDTH]+..., e.g. KODE_KEL+RW:3");
  imp->add_option("--name", import.name, "Attributes making the name, e.g. NAMA_KEL");
  imp->add_option("--parent", import.parent, "Attributes making the parent code, e.g. KODE_KEL");
  imp->add_option("--strip-prefix", import.strip_prefix,
                  "Prefix removed from code attributes, e.g. id (HDX codes)");
  imp->add_option("--table", import.table, "What a CSV file holds: targets, collaborators, pledges")
      ->check(CLI::IsMember({"targets", "collaborators", "pledges"}))
      ->excludes("--level");

  cli::report_options report;
  CLI::App* rep = app.add_subcommand(
      "report", "List the rows an import did not take as they were (rejected, flagged, ...)");
  rep->add_option("--db", report.db,
                  "SpatiaLite file, or a PostgreSQL URL postgresql://user@host/db")
      ->capture_default_str();
  rep->add_option("--layer", report.layer, "Only this layer, e.g. targets, rw");
  rep->add_option("--outcome", report.outcome, "Only this outcome")
      ->check(CLI::IsMember(
          {"normalized", "repaired", "corrected", "flagged", "unlocated", "rejected"}));
  rep->add_option("--limit", report.limit, "At most this many rows")->capture_default_str();
  rep->add_flag("--json", report.json, "Rows as JSON");
  rep->add_flag("--runs", report.runs, "The log of imports with their reports instead");
  // Bound to a plain string: CLI11 2.1.2 fills a std::optional<std::string> option with another
  // option's value when it is not given (every `report` then failed); given or not is the count.
  std::string changes_run;
  CLI::Option* changes =
      rep->add_option("--changes", changes_run,
                      "What an import (RUN, from --runs; the latest without one) added, changed, "
                      "retired, restored and removed, by layer and key")
          ->expected(0, 1);

  cli::token_options token;
  CLI::App* tok = app.add_subcommand(
      "token", "Create, list and revoke the bearer tokens of the API (stored only as hashes)");
  tok->require_subcommand(1);
  const char* token_exit_codes =
      "Exit codes: 0 done; 1 failed (no database, unknown area, collaborator or token id), "
      "nothing changed; 2 wrong usage.";
  CLI::App* tok_create = tok->add_subcommand(
      "create",
      "Make a token; prints its secret alone on the first line of stdout (shown this once), "
      "e.g. TOKEN=$(sasaran token create --role planner)");
  tok_create
      ->add_option("--db", token.db,
                   "SpatiaLite file, or a PostgreSQL URL postgresql://user@host/db")
      ->capture_default_str();
  tok_create->add_option("--role", token.role, "What the token may do")
      ->required()
      ->check(CLI::IsMember({"collaborator", "aggregator", "planner", "pic", "admin"}));
  tok_create->add_option("--area", token.areas,
                         "Area code a pic handles (any level); repeat for several");
  tok_create->add_option("--collaborator", token.collaborator,
                         "Collaborator id a collaborator or aggregator (kind agregator) acts for");
  tok_create->add_option("--note", token.note, "Free text kept with the token, e.g. whose it is");
  tok_create->footer(token_exit_codes);
  CLI::App* tok_link = tok->add_subcommand(
      "link",
      "Make a one-time sign-in link for a person: prints the link alone on the first line of "
      "stdout (and a QR code on a terminal); opened on their phone or laptop, it signs them in "
      "with a session of this role and scope (docs/sign-in.md)");
  tok_link
      ->add_option("--db", token.db,
                   "SpatiaLite file, or a PostgreSQL URL postgresql://user@host/db")
      ->capture_default_str();
  tok_link->add_option("--role", token.role, "What the session may do")
      ->required()
      ->check(CLI::IsMember({"collaborator", "aggregator", "planner", "pic", "admin"}));
  tok_link->add_option("--area", token.areas,
                       "Area code a pic handles (any level); repeat for several");
  tok_link->add_option("--collaborator", token.collaborator,
                       "Collaborator id a collaborator or aggregator (kind agregator) acts for");
  tok_link->add_option("--name", token.name, "Whom the link is for, e.g. \"Ibu Sari\"")->required();
  tok_link
      ->add_option("--expires", token.expires, "How long the link may be used, once: 45m, 72h, 7d")
      ->capture_default_str();
  tok_link
      ->add_option("--session-days", token.session_days,
                   "How long the session it opens lasts, days (1 to 365)")
      ->capture_default_str();
  tok_link
      ->add_option("--base-url", token.base_url,
                   "Where the web map is served, as its users reach it")
      ->capture_default_str();
  tok_link->add_flag("--qr", token.qr, "Draw the QR code even when stdout is not a terminal");
  tok_link->add_flag("--no-qr", token.no_qr, "Draw no QR code on the terminal");
  tok_link->add_option("--qr-png", token.qr_png, "Also write the QR code as a PNG image");
  tok_link->footer(token_exit_codes);
  CLI::App* tok_list =
      tok->add_subcommand("list",
                          "List the tokens, sessions and sign-in links with role, scope and state "
                          "(never secrets nor codes)");
  tok_list
      ->add_option("--db", token.db,
                   "SpatiaLite file, or a PostgreSQL URL postgresql://user@host/db")
      ->capture_default_str();
  tok_list->add_flag("--json", token.json, "As JSON");
  tok_list->footer(token_exit_codes);
  CLI::App* tok_revoke = tok->add_subcommand(
      "revoke", "Revoke a token or end a session for good; requests with it are refused");
  tok_revoke->add_option("id", token.id, "Token or session id, e.g. tok_1a2b3c4d")->required();
  tok_revoke
      ->add_option("--db", token.db,
                   "SpatiaLite file, or a PostgreSQL URL postgresql://user@host/db")
      ->capture_default_str();
  tok_revoke->footer(token_exit_codes);

  cli::serve_options serve;
  CLI::App* srv = app.add_subcommand(
      "serve", "Load the store into memory and answer the HTTP API until SIGINT or SIGTERM");
  srv->add_option("--db", serve.db,
                  "SpatiaLite file, or a PostgreSQL URL postgresql://user@host/db")
      ->capture_default_str();
  srv->add_option("--host", serve.host, "Address to listen on (0.0.0.0: every interface)")
      ->capture_default_str();
  srv->add_option("--port", serve.port, "Port; 0 picks a free one and prints it")
      ->capture_default_str();
  srv->add_option("--threads", serve.threads,
                  "I/O threads, which also answer light requests (lookups, tiles); lists and "
                  "searches run on threads/2 more, writes on one more")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  srv->add_option("--max-connections", serve.max_connections,
                  "Connections kept open at once; past it the longest idle ones are closed "
                  "(lowered to fit the file descriptor limit)")
      ->check(CLI::Range(16, 1000000))
      ->capture_default_str();
  srv->add_option("--tile-cache-mb", serve.tile_cache_mb,
                  "Memory for built tiles, MiB (0: build every tile on request)")
      ->capture_default_str();
  srv->add_option("--answer-cache-mb", serve.answer_cache_mb,
                  "Memory for answers kept ready to send, gzipped or not (OGC items of areas, "
                  "which change only at an import), MiB (0: build and compress every one)")
      ->capture_default_str();
  srv->add_option("--web", serve.web,
                  "Folder of the built web map, served at / (scripts/build-web.sh makes it)")
      ->capture_default_str();
  srv->footer(
      "Prints 'sasaran serve: listening on http://HOST:PORT' on stdout once the port is bound "
      "(/healthz answers; other routes answer 503 while loading), then 'sasaran serve: ready' "
      "once the store is loaded (/readyz answers 200). Exit codes: 0 stopped by a signal; 1 "
      "could not start (no database, port in use, unreadable store).");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? cli::exit_ok : cli::exit_usage;
  }
  if (imp->parsed()) return cli::run_import(import);
  if (srv->parsed()) return cli::run_serve(serve);
  if (tok->parsed()) {
    token.action = tok_create->parsed() ? "create"
                   : tok_link->parsed() ? "link"
                   : tok_list->parsed() ? "list"
                                        : "revoke";
    return cli::run_token(token);
  }
  if (changes->count() > 0) report.changes = changes_run;
  return cli::run_report(report);
}
