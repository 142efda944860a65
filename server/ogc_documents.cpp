#include "server/ogc_documents.hpp"

#include "server/geojson_writer.hpp"
#include "server/ogc_links.hpp"
#include "server/url.hpp"

namespace server {
namespace {

constexpr const char* crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

void write_collection(geojson_writer& out, const request& r, const ogc_collection& c) {
  out.begin_object().member("id", c.id()).member("title", c.title());
  out.member("description", c.description()).member("itemType", "feature");
  if (const geo::bbox box = c.extent(); !box.is_empty()) {
    out.key("extent").begin_object().key("spatial").begin_object();
    out.key("bbox").begin_array().bbox(box).end_array().member("crs", crs84);
    out.end_object().end_object();
  }
  out.key("links");
  write_links(
      out, {{absolute_url(r, collection_path(c.id())), "self", json_media_type, "this collection"},
            {absolute_url(r, collection_path(c.id()) + "/items"), "items", geojson_media_type,
             std::string(c.title()) + " as GeoJSON"}});
  out.end_object();
}

}  // namespace

std::string landing_document(const request& r) {
  geojson_writer out;
  out.begin_object().member("title", "Sasaran: OGC API - Features");
  out.member("description",
             "Administrative areas of Jakarta (kelurahan, RW, RT), coverage of social "
             "assistance per RW, and targets as the caller's role lets them see them");
  out.key("links");
  write_links(out, {{absolute_url(r, "/ogc"), "self", json_media_type, "this document"},
                    {absolute_url(r, "/ogc/api"), "service-desc", openapi_media_type,
                     "the API definition (OpenAPI 3.0)"},
                    {absolute_url(r, "/ogc/conformance"), "conformance", json_media_type,
                     "the conformance classes implemented"},
                    {absolute_url(r, "/ogc/collections"), "data", json_media_type,
                     "the feature collections"}});
  out.end_object();
  return out.take();
}

std::string conformance_document() {
  geojson_writer out;
  out.begin_object().key("conformsTo").begin_array();
  for (const char* c : conformance_classes)
    out.value(c);
  out.end_array().end_object();
  return out.take();
}

std::string collections_document(const request& r, const ogc_collections& all) {
  geojson_writer out;
  out.begin_object().key("links");
  write_links(out,
              {{absolute_url(r, "/ogc/collections"), "self", json_media_type, "this document"}});
  out.key("collections").begin_array();
  for (const auto& c : all)
    write_collection(out, r, *c);
  out.end_array().end_object();
  return out.take();
}

std::string collection_document(const request& r, const ogc_collection& c) {
  geojson_writer out;
  write_collection(out, r, c);
  return out.take();
}

}  // namespace server
