#pragma once
#include <string>

#include "geo/engine/engine.hpp"
#include "geo/target.hpp"

namespace geo {

/// Where a point recorded in the field for an unlocated household puts it, decided as the
/// importer decides a row's point (docs/import.md, "Edge tolerance"; docs/api.md, "Recording a
/// location"):
/// - the point must lie in the household's declared kelurahan, within the edge tolerance;
/// - its RT is the declared RT when the point lies in it within the tolerance, else the RT of
///   that kelurahan holding the point, else the one nearest within the tolerance (first by
///   code); none when the point falls in a gap between RTs (the importer's "no_rt" case);
/// - its RW is the RT's parent; kelurahan, kecamatan and kota stay the declared ones.
struct field_placement {
  bool in_declared_kelurahan = false;
  /// The kelurahan holding the point (for a refusal's message); null outside every kelurahan.
  const area* kelurahan_at = nullptr;
  std::string rt_code;  // empty: in no RT
  std::string rw_code;
};

field_placement place_in_field(const engine& e, const target& t, double lon, double lat);

/// True when area `a` holds (lon, lat) or lies within the edge tolerance of it.
bool holds_point(const engine& e, const area& a, double lon, double lat);

}  // namespace geo
