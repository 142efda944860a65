#include "geo/audit_entry.hpp"
#include "geo/store.hpp"
#include "server/api_json.hpp"
#include "server/api_routes.hpp"
#include "server/query_params.hpp"

namespace server {

// The audit log, newest first, for admins: who wrote what, when, from which request.
void add_audit_routes(router& routes, api_context& context) {
  routes.add(
      "GET", "/api/v1/audit",
      [&context](request& r) {
        if (r.caller.who != geo::role::admin)
          throw http_error(r.caller.who == geo::role::anonymous ? 401 : 403,
                           "the audit log is for admins");
        const query_params q(r, {"limit"});
        const std::size_t limit = q.count("limit", 100, 1, 10000);
        json entries = json::array();
        for (const geo::audit_entry& e : context.store.load_audit(limit)) {
          json detail = json::parse(e.detail, nullptr, false);
          entries.push_back({{"id", e.id},
                             {"at", e.at},
                             {"actor", e.actor},
                             {"role", e.role},
                             {"action", e.action},
                             {"subject", e.subject},
                             {"request_id", e.request_id},
                             {"detail", detail.is_discarded() ? json(e.detail) : detail}});
        }
        return response::json(dump({{"entries", std::move(entries)}}));
      },
      route_cost::heavy);
}

}  // namespace server
