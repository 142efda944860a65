#pragma once
#include "server/router.hpp"

namespace geo {
class engine;
}
namespace tiles {
class tile_builder;
class tile_cache;
}  // namespace tiles

namespace server {

class privacy_rule;

/// GET /tiles/{source[,source...]}/{z}/{x}/{y}.mvt (Mapbox Vector Tiles, XYZ) and
/// GET /tiles/{source[,source...]}.json (TileJSON 3.0.0). Tiles carry a strong ETag and answer
/// If-None-Match with 304; an empty tile is a 204; z, x, y out of range a 400; an unknown
/// source a 404. Tiles come from `cache` while current, else are built and kept there. The
/// targets layer shows what `rule` lets the caller see.
void add_tile_routes(router& routes, const geo::engine& engine, const privacy_rule& rule,
                     const tiles::tile_builder& builder, tiles::tile_cache& cache);

}  // namespace server
