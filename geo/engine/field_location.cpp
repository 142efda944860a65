#include "geo/engine/field_location.hpp"

#include "geo/engine/edge_tolerance.hpp"

namespace geo {
namespace {

bool near_box(const bbox& b, double lon, double lat) {
  return lon >= b.min_x - edge_tolerance && lon <= b.max_x + edge_tolerance &&
         lat >= b.min_y - edge_tolerance && lat <= b.max_y + edge_tolerance;
}

// The RT of `kelurahan` holding the point, else the nearest within the tolerance; the first by
// code of equals (children_of gives codes in order).
const area* rt_at(const engine& e, const area& kelurahan, double lon, double lat) {
  const area* nearest = nullptr;
  double nearest_distance = edge_tolerance;
  for (const area* rw : e.children_of(kelurahan))
    for (const area* rt : e.children_of(*rw)) {
      if (!near_box(rt->box, lon, lat)) continue;
      const multipolygon& shape = e.shape_of(*rt);
      if (covers_point(shape, lon, lat)) return rt;
      const double d = edge_distance(shape, lon, lat);
      if (d < nearest_distance || (!nearest && d <= nearest_distance)) {
        nearest = rt;
        nearest_distance = d;
      }
    }
  return nearest;
}

}  // namespace

bool holds_point(const engine& e, const area& a, double lon, double lat) {
  return near_box(a.box, lon, lat) && within_tolerance(e.shape_of(a), lon, lat);
}

field_placement place_in_field(const engine& e, const target& t, double lon, double lat) {
  field_placement out;
  out.kelurahan_at = e.lookup(lon, lat).kelurahan;
  const area* declared = e.find_area(t.kelurahan_code);
  out.in_declared_kelurahan = declared && holds_point(e, *declared, lon, lat);
  if (!out.in_declared_kelurahan) return out;
  const area* own = e.find_area(t.declared_rt);
  const area* rt = own && holds_point(e, *own, lon, lat) ? own : rt_at(e, *declared, lon, lat);
  if (rt) {
    out.rt_code = rt->code;
    out.rw_code = rt->parent_code;
  }
  return out;
}

}  // namespace geo
