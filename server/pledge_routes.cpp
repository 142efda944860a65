#include "geo/engine/engine.hpp"
#include "geo/engine/ledger.hpp"
#include "server/api_json.hpp"
#include "server/api_routes.hpp"
#include "server/idempotency.hpp"
#include "server/json_body.hpp"
#include "server/paging.hpp"
#include "server/privacy_rule.hpp"
#include "server/query_params.hpp"

namespace server {
namespace {

bool is_giver(const principal& p) {
  return p.who == geo::role::collaborator || p.who == geo::role::aggregator;
}

void require(bool allowed, const request& r, const std::string& what) {
  if (allowed) return;
  if (r.caller.who == geo::role::anonymous)
    throw http_error(401, "sign in with a bearer token to " + what);
  throw http_error(403, "role " + std::string(geo::role_name(r.caller.who)) + " may not " + what);
}

geo::write_origin origin_of(const request& r) {
  return {r.caller.token_id, std::string(geo::role_name(r.caller.who)), r.request_id};
}

// The pledge, when it exists and the caller may know of it: the same 404 for one that does not
// exist and one the caller may not read, so that no answer tells them which ids exist.
geo::pledge readable_or_404(const api_context& context, const principal& caller,
                            const std::string& id) {
  std::optional<geo::pledge> p = context.ledger.find(id);
  if (!p || !context.rule.may_read(caller, *p))
    throw http_error(404, "no pledge has id '" + id + "' among those you may read");
  return *p;
}

json pledge_with_target(const api_context& context, const principal& caller, const geo::pledge& p,
                        const char* status) {
  json out = pledge_json(p);
  const geo::target* t = context.engine.find_target(p.target_id);
  out["target_status"] = status;
  // The RW the caller may be told the target lies in: where its cell is, for a collaborator.
  const geo::area* rw = t ? context.rule.areas_of(caller, *t).rw : nullptr;
  out["rw"] = rw ? json(rw->code) : json(nullptr);
  return out;
}

json realizations_json(const api_context& context, const principal& caller, const geo::pledge& p) {
  const bool with_text = context.rule.sees_delivery_text(caller, p);
  json done = json::array();
  for (const geo::realization& x : context.ledger.realizations_of(p.id))
    done.push_back(realization_json(x, with_text));
  return done;
}

response create(api_context& context, request& r) {
  require(is_giver(r.caller), r, "pledge help (collaborators and aggregators do)");
  const json_body body(r, {"target", "program", "form", "amount_idr", "quantity", "collaborator"});
  geo::pledge_request ask;
  ask.collaborator_id = body.text("collaborator").value_or(r.caller.collaborator_id);
  if (ask.collaborator_id != r.caller.collaborator_id)
    throw http_error(403,
                     "collaborator: this token pledges for " + r.caller.collaborator_id + ", not " +
                         ask.collaborator_id,
                     "collaborator");
  ask.target_id = body.required_text("target");
  ask.program = body.text("program");
  ask.form = body.required_text("form");
  ask.amount_idr = body.integer("amount_idr");
  ask.quantity = body.integer("quantity");

  const std::lock_guard lock(context.writes);
  response out = write_once(context.store, r, [&] {
    response made;
    context.ledger.create(ask, origin_of(r), [&](geo::store& s, const geo::pledge& p) {
      made = response::json(dump(pledge_with_target(context, r.caller, p, "pledged")), 201);
      remember(s, r, made);
    });
    return made;
  });
  out.headers.emplace_back("Location",
                           "/api/v1/pledges/" + json::parse(out.body)["id"].get<std::string>());
  return out;
}

// Who may act is checked before the body is read and before the pledge is looked up, so that
// 401 and 403 never depend on whether an id exists.
response cancel(api_context& context, request& r) {
  require(r.caller.who == geo::role::admin || is_giver(r.caller), r,
          "cancel pledges (their collaborator or an admin may)");
  const geo::pledge p = readable_or_404(context, r.caller, r.param("id"));
  const json_body body(r, {});
  const std::lock_guard lock(context.writes);
  return write_once(context.store, r, [&] {
    response out;
    context.ledger.cancel(p.id, origin_of(r), [&](geo::store& s, const geo::pledge& cancelled) {
      out = response::json(dump(pledge_with_target(context, r.caller, cancelled, "open")));
      remember(s, r, out);
    });
    return out;
  });
}

response realize(api_context& context, request& r) {
  require(r.caller.who == geo::role::admin || r.caller.who == geo::role::pic, r,
          "record deliveries (the PIC of the target's area or an admin may)");
  const geo::pledge p = readable_or_404(context, r.caller, r.param("id"));
  const json_body body(r, {"delivered_by", "delivered_at", "note", "amount_idr", "quantity"});
  geo::realization_request ask;
  ask.delivered_by = body.required_text("delivered_by");
  ask.delivered_at = body.text("delivered_at");
  ask.note = body.text("note").value_or("");
  ask.amount_idr = body.integer("amount_idr");
  ask.quantity = body.integer("quantity");
  const std::lock_guard lock(context.writes);
  return write_once(context.store, r, [&] {
    response out;
    context.ledger.realize(
        p.id, ask, origin_of(r),
        [&](geo::store& s, const geo::pledge& delivered, const geo::realization& done) {
          out = response::json(
              dump({{"realization", realization_json(done, true)},
                    {"pledge", pledge_with_target(context, r.caller, delivered, "delivered")}}),
              201);
          remember(s, r, out);
        });
    return out;
  });
}

response one(api_context& context, request& r) {
  require(r.caller.who != geo::role::anonymous, r, "read pledges");
  const query_params q(r, {});
  const geo::pledge p = readable_or_404(context, r.caller, r.param("id"));
  json out = pledge_json(p);
  out["realizations"] = realizations_json(context, r.caller, p);
  return response::json(dump(out));
}

// A collaborator's own pledges; planners and admins may ask for anyone's; a PIC lists the
// active pledges of the targets of an area in their scope.
response list(api_context& context, request& r) {
  require(r.caller.who != geo::role::anonymous, r, "list pledges");
  const query_params q(r, {"collaborator", "area", "limit", "offset"});
  const page_window page = read_page_window(q, {.default_limit = 1000, .max_limit = 10000});
  std::vector<geo::pledge> found;
  if (const std::optional<std::string> code = q.text("area")) {
    const geo::area* a = context.engine.find_area(*code);
    if (!a) throw http_error(404, "area: no area has code '" + *code + "'", "area");
    require(r.caller.who == geo::role::admin || r.caller.who == geo::role::planner ||
                context.rule.in_scope(r.caller, *a),
            r, "list the pledges of area " + *code);
    // The targets of the area as the caller may see them: by cell, for a planner.
    for (const target_view& v : context.rule.visible(
             r.caller, [&](precision p) { return context.engine.targets_of(*a, p); }))
      if (auto p = context.ledger.active_for(v.what->id, v.what->program);
          p && context.rule.may_read(r.caller, *p))
        found.push_back(*p);
    // Pledges whose household left the registry: the PIC of its area still has to know.
    if (r.caller.who == geo::role::admin || r.caller.who == geo::role::pic)
      for (geo::pledge& p : context.ledger.flagged_in(a->code))
        found.push_back(std::move(p));
  } else {
    const std::string who = q.text("collaborator").value_or(r.caller.collaborator_id);
    require(r.caller.who == geo::role::admin || r.caller.who == geo::role::planner ||
                (is_giver(r.caller) && who == r.caller.collaborator_id),
            r, "list the pledges of collaborator " + who);
    if (who.empty()) throw http_error(400, "collaborator: required for this role", "collaborator");
    found = context.ledger.of_collaborator(who);
  }
  json items = json::array();
  for (std::size_t i = page.first(found.size()); i < page.end(found.size()); ++i)
    items.push_back(pledge_json(found[i]));
  return response::json(dump({{"number_matched", found.size()},
                              {"number_returned", items.size()},
                              {"pledges", std::move(items)}}));
}

}  // namespace

void add_pledge_routes(router& routes, api_context& context) {
  routes.add(
      "POST", "/api/v1/pledges", [&context](request& r) { return create(context, r); },
      route_cost::write);
  routes.add(
      "GET", "/api/v1/pledges", [&context](request& r) { return list(context, r); },
      route_cost::heavy);
  routes.add("GET", "/api/v1/pledges/{id}", [&context](request& r) { return one(context, r); });
  routes.add(
      "POST", "/api/v1/pledges/{id}/cancel", [&context](request& r) { return cancel(context, r); },
      route_cost::write);
  routes.add(
      "POST", "/api/v1/pledges/{id}/realizations",
      [&context](request& r) { return realize(context, r); }, route_cost::write);
}

}  // namespace server
