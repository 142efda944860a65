#include "server/ogc_features.hpp"

#include <memory>
#include <string>

#include "geo/utc_time.hpp"
#include "server/compressed_answers.hpp"
#include "server/ogc_area_collection.hpp"
#include "server/ogc_coverage_collection.hpp"
#include "server/ogc_documents.hpp"
#include "server/ogc_items.hpp"
#include "server/ogc_links.hpp"
#include "server/ogc_openapi.hpp"
#include "server/ogc_target_collection.hpp"
#include "server/query_params.hpp"

namespace server {
namespace {

// Named in the key of kept items (and so in their ETag): bump it when a change of the code
// changes the bytes the same data and request give, so that a client holding a tag from before
// an upgrade gets the new bytes rather than a 304.
constexpr std::string_view items_format = "items/1";

ogc_collections make_collections(const geo::engine& engine, const privacy_rule& rule) {
  ogc_collections all;
  all.push_back(std::make_unique<ogc_area_collection>(
      engine, geo::admin_level::kelurahan, "kelurahan", "Kelurahan",
      "Kelurahan (villages) of Jakarta with their BPS codes and the codes of their kecamatan "
      "and kota"));
  all.push_back(std::make_unique<ogc_area_collection>(
      engine, geo::admin_level::rw, "rw", "RW", "Rukun warga: code = kelurahan code + RW number"));
  all.push_back(std::make_unique<ogc_area_collection>(
      engine, geo::admin_level::rt, "rt", "RT", "Rukun tetangga: code = RW code + RT number"));
  all.push_back(std::make_unique<ogc_coverage_collection>(engine, rule));
  all.push_back(std::make_unique<ogc_target_collection>(engine, rule));
  return all;
}

const ogc_collection& collection_named(const ogc_collections& all, const std::string& id) {
  std::string names;
  for (const auto& c : all) {
    if (c->id() == id) return *c;
    names += (names.empty() ? "" : ", ") + std::string(c->id());
  }
  throw http_error(404, "no collection '" + id + "'; the collections are " + names);
}

// Documents other than items take only f=json.
void check_format_only(const request& r) {
  query_params(r, {"f"}).one_of("f", "json", {"json"});
}

}  // namespace

void add_ogc_routes(router& routes, const geo::engine& engine, const privacy_rule& rule,
                    compressed_answers& kept, const ogc_data& data) {
  auto all = std::make_shared<const ogc_collections>(make_collections(engine, rule));
  routes.add("GET", "/ogc", [](request& r) {
    check_format_only(r);
    return response::json(landing_document(r));
  });
  routes.add("GET", "/ogc/api", [all](request& r) {
    check_format_only(r);
    return response{200, std::string(openapi_media_type), openapi_document(r, *all), {}};
  });
  routes.add("GET", "/ogc/conformance", [](request& r) {
    check_format_only(r);
    return response::json(conformance_document());
  });
  routes.add("GET", "/ogc/collections", [all](request& r) {
    check_format_only(r);
    return response::json(collections_document(r, *all));
  });
  routes.add("GET", "/ogc/collections/{id}", [all](request& r) {
    const ogc_collection& c = collection_named(*all, r.param("id"));
    check_format_only(r);
    return response::json(collection_document(r, c));
  });
  routes.add(
      "GET", "/ogc/collections/{id}/items",
      [all, &kept, data](request& r) {
        const ogc_collection& c = collection_named(*all, r.param("id"));
        if (!c.fixed_between_imports()) return items_response(c, r, geo::utc_time_now());
        // The self link is the canonical request: base URL, path and the decoded query in
        // the order given, which the links of the answer repeat.
        const std::string key = std::string(items_format) + " " + std::to_string(data.version) +
                                " " + data.time_stamp + " " + absolute_url(r, r.path, r.query);
        return kept_answer(kept, r, key, [&] { return items_response(c, r, data.time_stamp); });
      },
      route_cost::heavy);
  routes.add("GET", "/ogc/collections/{id}/items/{fid}", [all](request& r) {
    return item_response(collection_named(*all, r.param("id")), r, r.param("fid"));
  });
}

}  // namespace server
