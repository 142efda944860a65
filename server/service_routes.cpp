#include "geo/engine/engine.hpp"
#include "geo/engine/ledger.hpp"
#include "server/api_json.hpp"
#include "server/api_routes.hpp"
#include "server/privacy_rule.hpp"
#include "server/query_params.hpp"

namespace server {

void add_service_routes(router& routes, api_context& context) {
  routes.add("GET", "/healthz", [&context](request& r) {
    const query_params q(r, {});
    return response::json(dump({{"status", "ok"},
                                {"areas", context.engine.area_count()},
                                {"targets", context.engine.target_count()},
                                {"pledges", context.ledger.pledge_count()}}));
  });
  // For operators: what the server counts (per route, per status) is not for the public.
  routes.add("GET", "/metrics", [&context](request& r) {
    if (!privacy_rule::may_read_metrics(r.caller))
      throw http_error(r.caller.who == geo::role::anonymous ? 401 : 403,
                       "/metrics is for operators: send an admin bearer token");
    const query_params q(r, {});
    return response{200, "text/plain; version=0.0.4", context.counters.text(), {}};
  });
  // Who the bearer token is, so a client (the web map) knows what to offer without probing
  // endpoints for 403s.
  routes.add("GET", "/api/v1/me", [&context](request& r) {
    const query_params q(r, {});
    json areas = json::array();
    for (const std::string& code : r.caller.areas) {
      const geo::area* a = context.engine.find_area(code);
      areas.push_back({{"code", code},
                       {"name", a ? json(a->name) : json(nullptr)},
                       {"level", a ? json(std::string(geo::to_string(a->level))) : json(nullptr)}});
    }
    return response::json(dump(
        {{"role", std::string(geo::role_name(r.caller.who))},
         {"token", r.caller.token_id.empty() ? json(nullptr) : json(r.caller.token_id)},
         {"collaborator",
          r.caller.collaborator_id.empty() ? json(nullptr) : json(r.caller.collaborator_id)},
         {"areas", std::move(areas)},
         {"name", r.caller.name.empty() ? json(nullptr) : json(r.caller.name)},
         {"session", r.caller.session},
         {"expires_at", r.caller.expires_at.empty() ? json(nullptr) : json(r.caller.expires_at)}}));
  });
  routes.add("GET", "/api/v1", [&context](request& r) {
    const query_params q(r, {});
    const std::string v1 = r.base_url + "/api/v1";
    return response::json(
        dump({{"title", "Sasaran API"},
              {"data",
               {{"version", context.data.version},
                {"updated_at",
                 context.data.updated_at.empty() ? json(nullptr) : json(context.data.updated_at)}}},
              {"links",
               {{{"rel", "lookup"}, {"href", v1 + "/lookup?lon={lon}&lat={lat}"}},
                {{"rel", "nearest"}, {"href", v1 + "/targets/nearest?lon={lon}&lat={lat}&k=10"}},
                {{"rel", "targets"}, {"href", v1 + "/targets?bbox={bbox}"}},
                {{"rel", "areas"}, {"href", v1 + "/areas?q={name}"}},
                {{"rel", "coverage"}, {"href", v1 + "/coverage?level=rw&sort=unserved"}},
                {{"rel", "pledges"}, {"href", v1 + "/pledges"}},
                {{"rel", "imports"}, {"href", v1 + "/imports"}},
                {{"rel", "me"}, {"href", v1 + "/me"}},
                {{"rel", "features"}, {"href", r.base_url + "/ogc"}},
                {{"rel", "health"}, {"href", r.base_url + "/healthz"}},
                {{"rel", "metrics"}, {"href", r.base_url + "/metrics"}}}}}));
  });
}

}  // namespace server
