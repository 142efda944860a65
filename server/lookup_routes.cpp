#include "geo/engine/engine.hpp"
#include "server/api_json.hpp"
#include "server/api_routes.hpp"
#include "server/query_params.hpp"

namespace server {
namespace {

void write_chain(geojson_writer& out, const geo::engine::admin_chain& c) {
  const std::pair<const char*, const geo::area*> levels[] = {{"kota", c.kota},
                                                             {"kecamatan", c.kecamatan},
                                                             {"kelurahan", c.kelurahan},
                                                             {"rw", c.rw},
                                                             {"rt", c.rt}};
  for (const auto& [name, a] : levels) {
    out.key(name);
    if (!a) {
      out.null();
      continue;
    }
    out.begin_object().member("code", a->code).member("name", a->name).end_object();
  }
}

}  // namespace

void add_lookup_routes(router& routes, api_context& context) {
  routes.add("GET", "/api/v1/lookup", [&context](request& r) {
    const query_params q(r, {"lon", "lat"});
    const double lon = q.number("lon", -180, 180);
    const double lat = q.number("lat", -90, 90);
    const geo::engine::admin_chain chain = context.engine.lookup(lon, lat);
    if (chain.empty())
      throw http_error(404, "no area contains lon " + std::to_string(lon) + ", lat " +
                                std::to_string(lat) + ": the point is outside every kelurahan");
    geojson_writer out(512);
    out.begin_object().member("lon", lon).member("lat", lat);
    write_chain(out, chain);
    out.end_object();
    return response::json(out.take());
  });
}

}  // namespace server
