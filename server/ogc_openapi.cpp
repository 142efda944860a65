#include "server/ogc_openapi.hpp"

#include <string_view>

#include "geo/target.hpp"
#include "server/geojson_writer.hpp"
#include "server/ogc_items.hpp"
#include "server/ogc_links.hpp"

namespace server {
namespace {

void ref(geojson_writer& out, std::string_view target) {
  out.begin_object().member("$ref", target).end_object();
}

void json_content(geojson_writer& out, std::string_view media_type, std::string_view schema) {
  out.key("content").begin_object().key(media_type).begin_object().key("schema");
  ref(out, schema);
  out.end_object().end_object();
}

// A parameter object (OpenAPI 3.0 §4.7.12); `schema` is JSON text.
struct parameter {
  std::string_view name;
  std::string_view in;
  std::string_view description;
  std::string schema;
  bool required = false;
};

void write_parameter(geojson_writer& out, const parameter& p) {
  out.begin_object().member("name", p.name).member("in", p.in).member("required", p.required);
  out.member("description", p.description).key("schema").raw(p.schema);
  // OGC 17-069r4 requirement 20: form style, not exploded.
  if (p.in == "query") out.member("style", "form").member("explode", false);
  out.end_object();
}

std::string enum_schema(std::initializer_list<std::string_view> words, std::string_view fallback) {
  geojson_writer out;
  out.begin_object().member("type", "string").key("enum").begin_array();
  for (std::string_view w : words)
    out.value(w);
  out.end_array();
  if (!fallback.empty()) out.member("default", fallback);
  out.end_object();
  return out.take();
}

std::string program_schema() {
  geojson_writer out;
  out.begin_object().member("type", "string").key("enum").begin_array();
  for (std::string_view p : geo::programs)
    out.value(p);
  out.end_array().end_object();
  return out.take();
}

void write_parameters(geojson_writer& out) {
  const std::string limit = R"({"type":"integer","minimum":1,"maximum":)" +
                            std::to_string(max_item_limit) +
                            ",\"default\":" + std::to_string(default_item_limit) + "}";
  const parameter all[] = {
      {"f", "query", "The format of the response: json (GeoJSON for features)",
       enum_schema({"json"}, "json")},
      {"limit", "query", "At most this many features; a larger value is read as the maximum",
       limit},
      {"offset", "query", "Skip this many matching features (the next link sets it)",
       R"({"type":"integer","minimum":0,"default":0})"},
      {"bbox", "query",
       "Only features whose geometry intersects minLon,minLat,maxLon,maxLat (CRS84)",
       R"({"type":"array","minItems":4,"maxItems":4,"items":{"type":"number"}})"},
      {"datetime", "query",
       "An RFC 3339 instant or interval; no collection has a temporal geometry, so it matches "
       "every feature",
       R"({"type":"string"})"},
      {"program", "query", "Coverage of this program only", program_schema()},
      {"featureId", "path", "The id of a feature", R"({"type":"string"})", true},
  };
  out.key("parameters").begin_object();
  for (const parameter& p : all) {
    out.key(p.name);
    write_parameter(out, p);
  }
  out.end_object();
}

void response_object(geojson_writer& out, std::string_view description, std::string_view media_type,
                     std::string_view schema) {
  out.begin_object().member("description", description);
  json_content(out, media_type, schema);
  out.end_object();
}

void write_responses(geojson_writer& out) {
  out.key("responses").begin_object();
  const std::pair<std::string_view, std::string_view> errors[] = {
      {"400", "A query parameter is unknown or malformed; the problem names it"},
      {"401", "Targets need a bearer token (anonymous callers see counts per RW in coverage)"},
      {"404", "No such collection or feature"},
      {"500", "An internal error; the problem carries a request id"}};
  for (const auto& [status, description] : errors) {
    out.key(status);
    response_object(out, description, "application/problem+json", "#/components/schemas/problem");
  }
  out.end_object();
}

void object_schema(geojson_writer& out, std::string_view name,
                   std::initializer_list<std::pair<std::string_view, std::string_view>> members) {
  out.key(name).begin_object().member("type", "object").key("properties").begin_object();
  for (const auto& [member, type] : members) {
    out.key(member).begin_object();
    if (type.starts_with("#/"))
      out.member("type", "array").key("items").begin_object().member("$ref", type).end_object();
    else
      out.member("type", type);
    out.end_object();
  }
  out.end_object().end_object();
}

void write_schemas(geojson_writer& out) {
  out.key("schemas").begin_object();
  object_schema(out, "problem",
                {{"type", "string"},
                 {"title", "string"},
                 {"status", "integer"},
                 {"detail", "string"},
                 {"instance", "string"},
                 {"request_id", "string"},
                 {"parameter", "string"}});
  object_schema(out, "link",
                {{"href", "string"}, {"rel", "string"}, {"type", "string"}, {"title", "string"}});
  object_schema(
      out, "landingPage",
      {{"title", "string"}, {"description", "string"}, {"links", "#/components/schemas/link"}});
  out.key("conformance").begin_object().member("type", "object").key("properties");
  out.begin_object().key("conformsTo").begin_object().member("type", "array").key("items");
  out.begin_object().member("type", "string").end_object().end_object().end_object();
  out.end_object();
  object_schema(out, "collection",
                {{"id", "string"},
                 {"title", "string"},
                 {"description", "string"},
                 {"itemType", "string"},
                 {"extent", "object"},
                 {"links", "#/components/schemas/link"}});
  object_schema(
      out, "collections",
      {{"links", "#/components/schemas/link"}, {"collections", "#/components/schemas/collection"}});
  object_schema(out, "feature",
                {{"type", "string"},
                 {"id", "string"},
                 {"geometry", "object"},
                 {"properties", "object"},
                 {"links", "#/components/schemas/link"}});
  object_schema(out, "apiDefinition",
                {{"openapi", "string"}, {"info", "object"}, {"paths", "object"}});
  object_schema(out, "featureCollection",
                {{"type", "string"},
                 {"features", "#/components/schemas/feature"},
                 {"links", "#/components/schemas/link"},
                 {"timeStamp", "string"},
                 {"numberMatched", "integer"},
                 {"numberReturned", "integer"}});
  out.end_object();
}

struct operation {
  std::string_view summary;
  std::string id;
  std::vector<std::string_view> parameters;  // in components/parameters
  std::vector<std::string_view> filters;     // equality filters, query parameters of their own
  std::string_view media_type;
  std::string_view schema;  // in components/schemas
  std::vector<std::string_view> errors;
  bool needs_token = false;
};

void write_operation(geojson_writer& out, const operation& op) {
  out.key("get").begin_object().member("summary", op.summary).member("operationId", op.id);
  out.key("parameters").begin_array();
  for (std::string_view p : op.parameters)
    ref(out, "#/components/parameters/" + std::string(p));
  for (std::string_view f : op.filters)
    write_parameter(out, {f, "query", "Only features whose property of this name has this value",
                          R"({"type":"string"})"});
  out.end_array().key("responses").begin_object().key("200");
  response_object(out, op.summary, op.media_type, "#/components/schemas/" + std::string(op.schema));
  for (std::string_view status : op.errors) {
    out.key(status);
    ref(out, "#/components/responses/" + std::string(status));
  }
  out.end_object();
  if (op.needs_token) {
    out.key("security").begin_array().begin_object().key("bearer").begin_array().end_array();
    out.end_object().end_array();
  }
  out.end_object();
}

void write_path(geojson_writer& out, std::string_view path, const operation& op) {
  out.key(path).begin_object();
  write_operation(out, op);
  out.end_object();
}

std::vector<std::string_view> with(std::vector<std::string_view> list,
                                   const std::vector<std::string_view>& more) {
  list.insert(list.end(), more.begin(), more.end());
  return list;
}

void write_collection_paths(geojson_writer& out, const ogc_collection& c) {
  const std::string id(c.id());
  const std::string base = "/collections/" + id;
  const bool secured = id == "targets";
  const std::vector<std::string_view> errors = {"400", "404", "500"};
  const std::vector<std::string_view> item_errors =
      secured ? std::vector<std::string_view>{"400", "401", "404", "500"} : errors;
  write_path(out, base,
             {"The collection " + id + " (metadata)",
              "describeCollection_" + id,
              {"f"},
              {},
              json_media_type,
              "collection",
              errors});
  write_path(out, base + "/items",
             {"Features of " + id, "getFeatures_" + id,
              with({"f", "limit", "offset", "bbox", "datetime"}, c.options()), c.queryables(),
              geojson_media_type, "featureCollection", item_errors, secured});
  write_path(out, base + "/items/{featureId}",
             {"One feature of " + id,
              "getFeature_" + id,
              with({"featureId", "f"}, c.options()),
              {},
              geojson_media_type,
              "feature",
              item_errors,
              secured});
}

void write_paths(geojson_writer& out, const ogc_collections& all) {
  out.key("paths").begin_object();
  const std::vector<std::string_view> errors = {"400", "500"};
  write_path(out, "/",
             {"Landing page", "getLandingPage", {"f"}, {}, json_media_type, "landingPage", errors});
  write_path(
      out, "/api",
      {"This API definition", "getAPI", {"f"}, {}, openapi_media_type, "apiDefinition", errors});
  write_path(out, "/conformance",
             {"Conformance classes implemented",
              "getConformance",
              {"f"},
              {},
              json_media_type,
              "conformance",
              errors});
  write_path(
      out, "/collections",
      {"Feature collections", "getCollections", {"f"}, {}, json_media_type, "collections", errors});
  for (const auto& c : all)
    write_collection_paths(out, *c);
  out.end_object();
}

}  // namespace

std::string openapi_document(const request& r, const ogc_collections& all) {
  geojson_writer out(32 * 1024);
  out.begin_object().member("openapi", "3.0.3");
  out.key("info").begin_object().member("title", "Sasaran: OGC API - Features");
  out.member("version", "1.0.0");
  out.member("description",
             "OGC API - Features Part 1 (Core, GeoJSON, OpenAPI 3.0) over the areas, coverage "
             "and targets of Sasaran");
  out.end_object();
  out.key("servers").begin_array().begin_object().member("url", absolute_url(r, "/ogc"));
  out.end_object().end_array();
  write_paths(out, all);
  out.key("components").begin_object();
  write_parameters(out);
  write_responses(out);
  write_schemas(out);
  out.key("securitySchemes").begin_object().key("bearer").begin_object();
  out.member("type", "http").member("scheme", "bearer").end_object().end_object();
  out.end_object().end_object();
  return out.take();
}

}  // namespace server
