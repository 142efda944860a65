#include "server/api_json.hpp"

#include <cmath>

#include "geo/target.hpp"

namespace server {
namespace {

// Ratios and distances to a useful precision: centimetres, and four decimals of a ratio.
double rounded(double v, double steps_per_unit) {
  return std::round(v * steps_per_unit) / steps_per_unit;
}

template <typename T>
json optional_json(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

}  // namespace

std::string dump(const json& doc) {
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

json bbox_json(const geo::bbox& box) {
  return json::array({box.min_x, box.min_y, box.max_x, box.max_y});
}

json area_ref_json(const geo::area& a) {
  return {{"code", a.code}, {"name", a.name}, {"level", geo::to_string(a.level)}};
}

json parents_json(const geo::engine& engine, const geo::area& a) {
  json out = json::array();
  const geo::engine::admin_chain c = engine.chain_of(a);
  for (const geo::area* up : {c.kota, c.kecamatan, c.kelurahan, c.rw, c.rt})
    if (up && up != &a) out.push_back(area_ref_json(*up));
  return out;
}

json coverage_json(const geo::coverage& c) {
  return {{"targets", c.targets},
          {"pledged", c.pledged},
          {"delivered", c.delivered},
          {"pledged_ratio", rounded(c.pledged_ratio(), 1e4)},
          {"delivered_ratio", rounded(c.delivered_ratio(), 1e4)},
          {"unserved", c.unserved()},
          {"unmet_priority", c.unmet_priority}};
}

json program_coverage_json(const geo::engine& engine, const std::string& code) {
  json by_program = json::object();
  for (std::string_view p : geo::programs)
    by_program[std::string(p)] = coverage_json(*engine.coverage_of(code, std::string(p)));
  return {{"all", coverage_json(*engine.coverage_of(code))}, {"by_program", by_program}};
}

json target_json(const target_view& view, std::optional<double> distance_m) {
  const geo::target& t = *view.what;
  json out = {{"id", t.id},
              {"program", t.program},
              {"need", t.need},
              {"priority", t.priority},
              {"status", status_name(view.status)},
              {"position", view.level == visibility::exact ? "exact" : "coarse"},
              {"lon", view.position ? json(view.position->lon) : json(nullptr)},
              {"lat", view.position ? json(view.position->lat) : json(nullptr)}};
  if (distance_m) out["distance_m"] = rounded(*distance_m, 100);
  if (view.level == visibility::exact) {
    out["household_size"] = t.household_size;
    out["located"] = t.lon.has_value();
    out["declared_rt"] = t.declared_rt;
    out["rt_code"] = t.rt_code;
    out["rw_code"] = t.rw_code;
    out["kelurahan_code"] = t.kelurahan_code;
    out["import_outcome"] = geo::to_string(t.import_outcome);
    out["registered_at"] = t.registered_at;
  }
  return out;
}

json pledge_json(const geo::pledge& p) {
  return {{"id", p.id},
          {"collaborator", p.collaborator_id},
          {"target", p.target_id},
          {"program", p.program},
          {"form", p.form},
          {"amount_idr", optional_json(p.amount_idr)},
          {"quantity", optional_json(p.quantity)},
          {"status", p.status},
          {"pledged_at", p.pledged_at}};
}

json realization_json(const geo::realization& r) {
  return {{"id", r.id},
          {"pledge", r.pledge_id},
          {"delivered_by", r.delivered_by},
          {"delivered_at", r.delivered_at},
          {"note", r.note},
          {"amount_idr", optional_json(r.amount_idr)},
          {"quantity", optional_json(r.quantity)},
          {"recorded_at", r.recorded_at}};
}

}  // namespace server
