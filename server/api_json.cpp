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

json program_coverage_json(const geo::program_coverage& c) {
  json by_program = json::object();
  for (std::string_view p : geo::programs)
    by_program[std::string(p)] = coverage_json(c[*geo::program_slot(p)]);
  return {{"all", coverage_json(c[0])}, {"by_program", by_program}};
}

const char* figures_name(std::optional<geo::engine::precision> basis) {
  if (!basis) return "withheld";
  return *basis == geo::engine::precision::exact ? "exact" : "by_cell";
}

void write_target(geojson_writer& out, const target_view& view, std::optional<double> distance_m) {
  const geo::target& t = *view.what;
  out.begin_object()
      .member("id", t.id)
      .member("program", t.program)
      .member("need", t.need)
      .member("priority", t.priority)
      .member("status", status_name(view.status))
      .member("position", view.level == visibility::exact ? "exact" : "coarse");
  out.key("lon");
  view.position ? out.value(view.position->lon) : out.null();
  out.key("lat");
  view.position ? out.value(view.position->lat) : out.null();
  if (distance_m) out.member("distance_m", rounded(*distance_m, 100));
  if (view.level == visibility::exact)
    out.member("household_size", t.household_size)
        .member("located", t.lon.has_value())
        .member("declared_rt", t.declared_rt)
        .member("rt_code", t.rt_code)
        .member("rw_code", t.rw_code)
        .member("kelurahan_code", t.kelurahan_code)
        .member("import_outcome", geo::to_string(t.import_outcome))
        .member("registered_at", t.registered_at);
  out.end_object();
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
          {"pledged_at", p.pledged_at},
          // "target_retired": the household left the registry while the pledge was active.
          {"flag", p.flag.empty() ? json(nullptr) : json(p.flag)}};
}

json realization_json(const geo::realization& r, bool with_text) {
  json out = {{"id", r.id},
              {"pledge", r.pledge_id},
              {"delivered_at", r.delivered_at},
              {"amount_idr", optional_json(r.amount_idr)},
              {"quantity", optional_json(r.quantity)},
              {"recorded_at", r.recorded_at}};
  if (with_text) {
    out["delivered_by"] = r.delivered_by;
    out["note"] = r.note;
  }
  return out;
}

}  // namespace server
