#include "server/ogc_links.hpp"

#include "server/url.hpp"

namespace server {

void write_links(geojson_writer& out, const std::vector<ogc_link>& links) {
  out.begin_array();
  for (const ogc_link& l : links) {
    out.begin_object().member("href", l.href).member("rel", l.rel).member("type", l.type);
    if (!l.title.empty()) out.member("title", l.title);
    out.end_object();
  }
  out.end_array();
}

std::string absolute_url(const request& r, std::string_view path, const query_list& query) {
  std::string url = r.base_url;
  url += path;
  char separator = '?';
  for (const auto& [name, value] : query) {
    url += separator;
    url += percent_encode(name);
    url += '=';
    url += percent_encode(value);
    separator = '&';
  }
  return url;
}

std::string collection_path(std::string_view collection_id) {
  return "/ogc/collections/" + percent_encode(collection_id);
}

query_list with_parameter(query_list query, std::string_view name, std::string value) {
  for (auto& [key, v] : query)
    if (key == name) {
      v = std::move(value);
      return query;
    }
  query.emplace_back(std::string(name), std::move(value));
  return query;
}

}  // namespace server
