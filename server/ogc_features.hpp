#pragma once
#include <string>

#include "geo/engine/engine.hpp"
#include "server/router.hpp"

namespace server {

class privacy_rule;
class compressed_answers;

/// Registers the OGC API - Features service (OGC 17-069r4, Part 1: Core, GeoJSON, OpenAPI 3.0)
/// under /ogc: the landing page /ogc, its OpenAPI definition /ogc/api, /ogc/conformance,
/// /ogc/collections, and for each collection (kelurahan, rw, rt, targets, coverage)
/// /ogc/collections/{id}, /ogc/collections/{id}/items and /ogc/collections/{id}/items/{fid}.
/// Items are application/geo+json, everything else application/json.
///
/// The items of the area collections depend on the import alone: they carry a strong ETag
/// derived from `data` and the canonical request (a 304 is answered before anything is built)
/// and are kept ready to send in `kept`. `data` names the import the engine was loaded from
/// (its version and time, or the time of loading when there was none); it is the items'
/// timeStamp. `engine` and `kept` must outlive `routes`.
struct ogc_data {
  std::int64_t version = 0;
  std::string time_stamp;  // RFC 3339
};
void add_ogc_routes(router& routes, const geo::engine& engine, const privacy_rule& rule,
                    compressed_answers& kept, const ogc_data& data);

}  // namespace server
