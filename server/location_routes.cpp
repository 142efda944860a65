// POST /api/v1/targets/{id}/location: a PIC records where a household without a location lies,
// after visiting it (docs/api.md, "Recording a location"). The same checks as an import, inside
// the PIC's scope, audited; the server shows the point at once.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <shared_mutex>

#include "geo/engine/engine.hpp"
#include "geo/engine/field_location.hpp"
#include "geo/engine/ledger.hpp"
#include "geo/error.hpp"
#include "server/api_json.hpp"
#include "server/api_routes.hpp"
#include "server/idempotency.hpp"
#include "server/json_body.hpp"
#include "server/privacy_rule.hpp"
#include "server/writer_first_mutex.hpp"

namespace server {
namespace {

// Before the body is read and the target looked up, so that 401 and 403 never depend on
// whether an id exists.
void require_placer(const request& r) {
  if (r.caller.who == geo::role::admin || r.caller.who == geo::role::pic) return;
  if (r.caller.who == geo::role::anonymous)
    throw http_error(401, "sign in with a bearer token to record a location")
        .typed("sign-in-required");
  throw http_error(403, "role " + std::string(geo::role_name(r.caller.who)) +
                            " may not record locations (the PIC of the household's area or an "
                            "admin may)")
      .typed("forbidden");
}

// The same 404 for a target that does not exist and one the caller does not handle, so that no
// answer tells a PIC which ids exist outside their scope.
const geo::target& placeable_or_404(const api_context& context, const request& r) {
  const std::string& id = r.param("id");
  const geo::target* t = context.engine.find_target(id);
  if (!t || !context.rule.handles(r.caller, t))
    throw http_error(404, "no target has id '" + id + "' among those you may locate")
        .typed("not-found");
  return *t;
}

std::string number_text(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", v);
  return text;
}

double coordinate(const json_body& body, const std::string& name, double limit) {
  const std::optional<double> v = body.number(name);
  if (!v) throw http_error(400, name + ": required", name).typed("invalid-parameter");
  if (!std::isfinite(*v) || *v < -limit || *v > limit)
    throw http_error(400,
                     name + ": expected a number from " + number_text(-limit) + " to " +
                         number_text(limit) + ", got " + number_text(*v),
                     name)
        .typed("invalid-parameter");
  return *v;
}

std::string named(const geo::area& a) {
  return std::string(geo::to_string(a.level)) + " " + a.code + " (" + a.name + ")";
}

std::string point_text(double lon, double lat) {
  return "the point (" + number_text(lon) + ", " + number_text(lat) + ")";
}

http_error outside(std::string detail, const geo::area* at) {
  http_error e(422, std::move(detail));
  e.typed("location-outside-area");
  if (at) e.with("area", at->code);
  return e;
}

// The smallest area holding the point, for a refusal's message.
const geo::area* smallest_at(const geo::engine& engine, double lon, double lat) {
  const geo::engine::admin_chain c = engine.lookup(lon, lat);
  for (const geo::area* a : {c.rt, c.rw, c.kelurahan, c.kecamatan, c.kota})
    if (a) return a;
  return nullptr;
}

// The checks an import makes of a row's point, and the PIC's scope: 422 naming where the point
// lies when it is not where it may be.
geo::field_placement checked_placement(const api_context& context, const principal& caller,
                                       const geo::target& t, double lon, double lat) {
  const geo::field_placement p = geo::place_in_field(context.engine, t, lon, lat);
  const geo::area* declared = context.engine.find_area(t.kelurahan_code);
  const std::string household =
      "the household's declared " + (declared ? named(*declared) : "kelurahan " + t.kelurahan_code);
  if (!p.in_declared_kelurahan)
    throw outside(point_text(lon, lat) +
                      (p.kelurahan_at ? " lies in " + named(*p.kelurahan_at) + ", not in "
                                      : " lies outside every kelurahan, not in ") +
                      household,
                  p.kelurahan_at);
  if (caller.who != geo::role::pic) return p;
  for (const std::string& code : caller.areas)
    if (const geo::area* a = context.engine.find_area(code);
        a && geo::holds_point(context.engine, *a, lon, lat))
      return p;
  std::string yours;
  for (const std::string& code : caller.areas)
    yours += (yours.empty() ? "" : ", ") + code;
  const geo::area* at = smallest_at(context.engine, lon, lat);
  throw outside(point_text(lon, lat) + " lies in " + (at ? named(*at) : "no area") +
                    ", outside your areas (" + yours + ")",
                at);
}

response record(api_context& context, request& r) {
  require_placer(r);
  std::shared_lock reading(context.placing);
  const geo::target& t = placeable_or_404(context, r);
  const json_body body(r, {"lon", "lat", "accuracy_m"});
  const double lon = coordinate(body, "lon", 180);
  const double lat = coordinate(body, "lat", 90);
  const std::optional<double> accuracy_m = body.number("accuracy_m");
  if (accuracy_m && !(*accuracy_m >= 0))
    throw http_error(400, "accuracy_m: expected metres, 0 or more, got " + number_text(*accuracy_m),
                     "accuracy_m")
        .typed("invalid-parameter");

  std::unique_lock writing(context.writes);
  if (std::optional<response> kept = replay(context.store, r)) return *kept;
  const auto already = [&] {
    return http_error(409, "target " + t.id +
                               " is located already; a location is corrected by importing the "
                               "registry")
        .typed("target-already-located");
  };
  if (t.lon || t.lat) throw already();
  const geo::field_placement p = checked_placement(context, r.caller, t, lon, lat);
  geo::target located = t;
  located.lon = lon;
  located.lat = lat;
  located.rt_code = p.rt_code;
  located.rw_code = p.rw_code;
  // The caller handles the target, and it stays in their kelurahan: they see it exactly.
  const target_view view{&located, visibility::exact, geo::lon_lat{lon, lat},
                         context.engine.status_of(t)};
  geojson_writer out_json;
  write_target(out_json, view);
  const response out = response::json(out_json.take());
  try {
    context.ledger.record_location(
        located, accuracy_m,
        {r.caller.token_id, std::string(geo::role_name(r.caller.who)), r.request_id},
        [&](geo::store& s, const geo::target&) { remember(s, r, out); });
  } catch (const geo::error& e) {
    // Another server answered the same Idempotency-Key meanwhile: its answer is ours.
    if (std::optional<response> kept = replay(context.store, r)) return *kept;
    // Stored by a request (here or on another server) that memory does not show yet.
    if (dynamic_cast<const geo::conflict_error*>(&e)) throw already();
    throw;
  }
  writing.unlock();
  reading.unlock();
  // Readers see the point from the answer on. It is placed once no request reads: tried
  // between requests for up to a second (a write waiting for an import's commit reads under
  // the lock shared meanwhile), then by holding new requests back until those under way end;
  // placing takes about a millisecond (docs/api.md, "Recording a location").
  context.placing.lock_politely(std::chrono::seconds(1));
  const std::unique_lock placing(context.placing, std::adopt_lock);
  if (!t.lon) {
    context.engine.locate(t, lon, lat, p.rt_code, p.rw_code);
    context.located(t);
  }
  return out;
}

}  // namespace

void add_location_routes(router& routes, api_context& context) {
  routes.add(
      "POST", std::string(target_location_route),
      [&context](request& r) { return record(context, r); }, route_cost::write);
}

}  // namespace server
