#pragma once
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "server/metrics.hpp"
#include "server/router.hpp"

namespace geo {
class engine;
class ledger;
class store;
struct target;
}  // namespace geo

namespace server {

class privacy_rule;
class token_authenticator;
class writer_first_mutex;

/// What the /api/v1 handlers answer from. Writes go through `ledger` on `store` (the writer
/// connection) while holding `writes`, so that an idempotent retry and its first request
/// never run at once.
/// When the data being served was imported: the store's data_version and its import's time.
struct data_stamp {
  std::int64_t version = 0;
  std::string updated_at;  // empty when nothing was imported yet
};

struct api_context {
  geo::engine& engine;
  const privacy_rule& rule;  // what each caller may see of it
  geo::ledger& ledger;
  geo::store& store;
  std::mutex& writes;
  metrics& counters;
  data_stamp data;
  token_authenticator& tokens;  // told when a session ends
  /// Every route reads the generation under it, shared (server/app), but the one recording a
  /// location: that one takes it alone for the moment it changes where a target is, since
  /// targets are read without a lock.
  writer_first_mutex& placing;
  /// Brings the generation's tiles and caches in line with a target the engine has just
  /// located; call under `placing` alone.
  std::function<void(const geo::target&)> located;
};

/// The route recording a location (POST): server/app does not hold `placing` shared for it.
inline constexpr std::string_view target_location_route = "/api/v1/targets/{id}/location";

void add_lookup_routes(router& routes, api_context& context);
void add_area_routes(router& routes, api_context& context);
void add_target_routes(router& routes, api_context& context);
void add_coverage_routes(router& routes, api_context& context);
void add_pledge_routes(router& routes, api_context& context);
/// POST /api/v1/targets/{id}/location, for a PIC of the household's area or an admin.
void add_location_routes(router& routes, api_context& context);
/// GET /api/v1/imports and /api/v1/imports/{id}/changes, for admins.
void add_import_routes(router& routes, api_context& context);
/// GET /api/v1/audit, for admins.
void add_audit_routes(router& routes, api_context& context);
/// POST /api/v1/sign-in-links (admins), /api/v1/sessions and /api/v1/sessions/end.
void add_session_routes(router& routes, api_context& context);
/// /healthz, /metrics and the /api/v1 index.
void add_service_routes(router& routes, api_context& context);

}  // namespace server
