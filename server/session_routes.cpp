// Sign-in without a terminal (docs/sign-in.md): admins issue one-time links, a device exchanges
// a link's code for a session token, and a session ends itself. Codes and secrets are never
// logged, audited nor quoted in an error.
#include <algorithm>
#include <chrono>

#include "geo/engine/engine.hpp"
#include "geo/engine/ledger.hpp"
#include "geo/engine/sign_in.hpp"
#include "server/api_json.hpp"
#include "server/api_routes.hpp"
#include "server/json_body.hpp"
#include "server/token_authenticator.hpp"

namespace server {
namespace {

constexpr std::int64_t default_link_hours = 72;
constexpr std::int64_t longest_link_hours = 24 * 30;
constexpr std::int64_t default_session_days = 30;
constexpr std::int64_t longest_session_days = 365;
constexpr std::size_t longest_name = 100;

http_error refused(const request& r, const std::string& what) {
  if (r.caller.who == geo::role::anonymous)
    return http_error(401, "sign in with a bearer token to " + what).typed("sign-in-required");
  return http_error(403, "role " + std::string(geo::role_name(r.caller.who)) + " may not " + what)
      .typed("forbidden");
}

std::int64_t bounded(const json_body& body, const std::string& member, std::int64_t fallback,
                     std::int64_t longest) {
  const std::int64_t value = body.integer(member).value_or(fallback);
  if (value < 1 || value > longest)
    throw http_error(400, member + ": expected 1 to " + std::to_string(longest), member)
        .typed("invalid-parameter");
  return value;
}

bool by_collaborator(geo::role who) {
  return who == geo::role::collaborator || who == geo::role::aggregator;
}

// The role, areas and collaborator of a link, checked as `sasaran token link` checks them.
struct link_scope {
  geo::role who = geo::role::anonymous;
  std::vector<std::string> areas;
  std::string collaborator;
};

link_scope scope_of(const api_context& context, const json_body& body) {
  link_scope s;
  const std::string role = body.required_text("role");
  const std::optional<geo::role> who = geo::parse_role(role);
  if (!who || *who == geo::role::anonymous)
    throw http_error(
        400, "role: '" + role + "' is not one of collaborator, aggregator, planner, pic, admin",
        "role")
        .typed("invalid-parameter");
  s.who = *who;
  for (const std::string& code : body.text_list("areas").value_or(std::vector<std::string>{}))
    if (std::find(s.areas.begin(), s.areas.end(), code) == s.areas.end()) s.areas.push_back(code);
  s.collaborator = body.text("collaborator").value_or("");
  const auto invalid = [](const std::string& member, const std::string& detail) {
    return http_error(400, member + ": " + detail, member).typed("invalid-parameter");
  };
  if (s.who == geo::role::pic && s.areas.empty())
    throw invalid("areas", "a pic link needs at least one area code");
  if (s.who != geo::role::pic && !s.areas.empty())
    throw invalid("areas", "areas are for pic links only, not " + role);
  if (by_collaborator(s.who) && s.collaborator.empty())
    throw invalid("collaborator", "a " + role + " link needs a collaborator id");
  if (!by_collaborator(s.who) && !s.collaborator.empty())
    throw invalid("collaborator", "a collaborator is for collaborator and aggregator links only");
  for (const std::string& code : s.areas)
    if (!context.engine.find_area(code)) throw invalid("areas", "no area has code '" + code + "'");
  if (by_collaborator(s.who)) {
    const std::optional<geo::collaborator> c = context.ledger.find_collaborator(s.collaborator);
    if (!c) throw invalid("collaborator", "no collaborator has id '" + s.collaborator + "'");
    if (s.who == geo::role::aggregator && c->kind != "agregator")
      throw invalid("collaborator", s.collaborator + " is a " + c->kind + ", not an agregator");
  }
  return s;
}

response issue(api_context& context, request& r) {
  if (r.caller.who != geo::role::admin) throw refused(r, "issue sign-in links (admins do)");
  const json_body body(
      r, {"role", "name", "areas", "collaborator", "expires_in_hours", "session_days"});
  const link_scope scope = scope_of(context, body);
  const std::string name = body.required_text("name");
  if (name.size() > longest_name)
    throw http_error(400, "name: longer than " + std::to_string(longest_name) + " bytes", "name")
        .typed("invalid-parameter");
  const std::int64_t hours =
      bounded(body, "expires_in_hours", default_link_hours, longest_link_hours);
  const std::int64_t days =
      bounded(body, "session_days", default_session_days, longest_session_days);
  const geo::issued_link link =
      geo::issue_link(scope.who, scope.areas, scope.collaborator, name, std::chrono::hours(hours),
                      std::chrono::hours(24 * days));
  {
    const std::lock_guard lock(context.writes);
    geo::record_link(context.store, link,
                     {r.caller.token_id, std::string(geo::role_name(r.caller.who)), r.request_id});
  }
  return response::json(dump({{"id", link.record.id},
                              {"link", r.base_url + "/#masuk=" + link.code},
                              {"expires_at", link.record.expires_at}}),
                        201);
}

response start(api_context& context, request& r) {
  const json_body body(r, {"link"});
  const std::string code = body.required_text("link");
  std::variant<geo::issued_token, geo::link_refusal> outcome;
  {
    const std::lock_guard lock(context.writes);
    outcome = geo::exchange_link(context.store, code, r.request_id);
  }
  if (const auto* refusal = std::get_if<geo::link_refusal>(&outcome)) {
    const std::string why = *refusal == geo::link_refusal::used      ? "was already used"
                            : *refusal == geo::link_refusal::expired ? "has expired"
                                                                     : "is not known";
    throw http_error(401, "the sign-in link " + why + "; ask for a new one", "link")
        .typed("sign-in-link-not-accepted")
        .with("reason", std::string(geo::to_string(*refusal)));
  }
  const geo::issued_token& session = std::get<geo::issued_token>(outcome);
  const geo::access_token& t = session.record;
  json areas = json::array();
  for (const std::string& code_of_area : t.areas) {
    const geo::area* a = context.engine.find_area(code_of_area);
    areas.push_back({{"code", code_of_area},
                     {"name", a ? json(a->name) : json(nullptr)},
                     {"level", a ? json(std::string(geo::to_string(a->level))) : json(nullptr)}});
  }
  return response::json(
      dump({{"token", session.secret},
            {"expires_at", t.expires_at},
            {"role", std::string(geo::role_name(t.who))},
            {"name", t.name},
            {"areas", std::move(areas)},
            {"collaborator", t.collaborator_id.empty() ? json(nullptr) : json(t.collaborator_id)},
            {"session_id", t.id}}),
      201);
}

response end_session(api_context& context, request& r) {
  if (r.caller.who == geo::role::anonymous)
    throw http_error(401, "sign in with the session to end it").typed("sign-in-required");
  if (!r.caller.session)
    throw http_error(403,
                     "token " + r.caller.token_id +
                         " is an API token, not a session; revoke it with sasaran token revoke")
        .typed("forbidden");
  const json_body body(r, {});
  {
    const std::lock_guard lock(context.writes);
    geo::end_token(context.store, r.caller.token_id, "session.end",
                   {r.caller.token_id, std::string(geo::role_name(r.caller.who)), r.request_id});
  }
  context.tokens.forget(r.caller.token_id);
  return {204, "", "", {}};
}

}  // namespace

void add_session_routes(router& routes, api_context& context) {
  routes.add(
      "POST", "/api/v1/sign-in-links", [&context](request& r) { return issue(context, r); },
      route_cost::write);
  routes.add(
      "POST", "/api/v1/sessions", [&context](request& r) { return start(context, r); },
      route_cost::write);
  routes.add(
      "POST", "/api/v1/sessions/end", [&context](request& r) { return end_session(context, r); },
      route_cost::write);
}

}  // namespace server
