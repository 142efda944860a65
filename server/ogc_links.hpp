#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/geojson_writer.hpp"
#include "server/http.hpp"

namespace server {

inline constexpr std::string_view json_media_type = "application/json";
inline constexpr std::string_view geojson_media_type = "application/geo+json";
inline constexpr std::string_view openapi_media_type =
    "application/vnd.oai.openapi+json;version=3.0";

/// A link of an OGC API document (OGC 17-069r4 §7.3: href, rel, type, title).
struct ogc_link {
  std::string href;
  std::string_view rel;
  std::string_view type;
  std::string title;
};

/// Writes `links` as the value of a "links" member (the caller writes the key).
void write_links(geojson_writer& out, const std::vector<ogc_link>& links);

using query_list = std::vector<std::pair<std::string, std::string>>;

/// The absolute URL of `path` on the server the client called (request.base_url), with the
/// query percent-encoded; `path` is written as given, so its variable parts must be encoded.
std::string absolute_url(const request& r, std::string_view path, const query_list& query = {});

/// "/ogc/collections/{id}" with the id percent-encoded.
std::string collection_path(std::string_view collection_id);

/// `query` with parameter `name` set to `value`, added at the end when absent.
query_list with_parameter(query_list query, std::string_view name, std::string value);

}  // namespace server
