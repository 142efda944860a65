#pragma once
#include "geo/engine/engine.hpp"
#include "server/router.hpp"

namespace server {

class privacy_rule;

/// Registers the OGC API - Features service (OGC 17-069r4, Part 1: Core, GeoJSON, OpenAPI 3.0)
/// under /ogc: the landing page /ogc, its OpenAPI definition /ogc/api, /ogc/conformance,
/// /ogc/collections, and for each collection (kelurahan, rw, rt, targets, coverage)
/// /ogc/collections/{id}, /ogc/collections/{id}/items and /ogc/collections/{id}/items/{fid}.
/// Items are application/geo+json, everything else application/json. `engine` must outlive
/// `routes`.
void add_ogc_routes(router& routes, const geo::engine& engine, const privacy_rule& rule);

}  // namespace server
