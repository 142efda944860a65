#include "server/target_view.hpp"

#include <algorithm>

namespace server {

bool sees_targets(const principal& caller) {
  return caller.who != geo::role::anonymous;
}

visibility visibility_of(const principal& caller, const geo::target& t) {
  switch (caller.who) {
    case geo::role::anonymous:
      return visibility::hidden;
    case geo::role::admin:
      return visibility::exact;
    case geo::role::pic:
      for (const std::string* code :
           {&t.rt_code, &t.rw_code, &t.kelurahan_code, &t.kecamatan_code, &t.kota_code})
        if (!code->empty() &&
            std::find(caller.areas.begin(), caller.areas.end(), *code) != caller.areas.end())
          return visibility::exact;
      return visibility::coarse;
    default:
      return visibility::coarse;
  }
}

bool in_scope(const principal& caller, const geo::engine& engine, const std::string& area_code) {
  if (caller.who != geo::role::pic) return false;
  const geo::area* a = engine.find_area(area_code);
  if (!a) return false;
  const geo::engine::admin_chain c = engine.chain_of(*a);
  for (const geo::area* up : {c.kota, c.kecamatan, c.kelurahan, c.rw, c.rt})
    if (up && std::find(caller.areas.begin(), caller.areas.end(), up->code) != caller.areas.end())
      return true;
  return false;
}

std::optional<target_view> view_of(const principal& caller, const geo::engine& engine,
                                   const geo::target& t) {
  const visibility level = visibility_of(caller, t);
  if (level == visibility::hidden) return std::nullopt;
  target_view view{&t, level, std::nullopt, engine.status_of(t)};
  if (t.lon && t.lat)
    view.position = level == visibility::exact ? geo::lon_lat{*t.lon, *t.lat}
                                               : geo::coarse_position(*t.lon, *t.lat);
  return view;
}

const char* status_name(geo::target_status status) {
  switch (status) {
    case geo::target_status::open:
      return "open";
    case geo::target_status::pledged:
      return "pledged";
    case geo::target_status::delivered:
      return "delivered";
  }
  return "open";
}

std::optional<geo::target_status> parse_status(std::string_view word) {
  if (word == "open") return geo::target_status::open;
  if (word == "pledged") return geo::target_status::pledged;
  if (word == "delivered") return geo::target_status::delivered;
  return std::nullopt;
}

}  // namespace server
