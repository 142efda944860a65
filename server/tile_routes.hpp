#pragma once
#include "server/router.hpp"

namespace geo {
class engine;
}
namespace tiles {
class tile_builder;
}

namespace server {

/// GET /tiles/{source[,source...]}/{z}/{x}/{y}.mvt (Mapbox Vector Tiles, XYZ) and
/// GET /tiles/{source[,source...]}.json (TileJSON 3.0.0). Tiles carry a strong ETag and answer
/// If-None-Match with 304; an empty tile is a 204; z, x, y out of range a 400; an unknown
/// source a 404.
void add_tile_routes(router& routes, const geo::engine& engine, const tiles::tile_builder& tiles);

}  // namespace server
