#include "server/ogc_items.hpp"

#include <utility>
#include <vector>

#include "server/geojson_writer.hpp"
#include "server/ogc_datetime.hpp"
#include "server/ogc_links.hpp"
#include "server/paging.hpp"
#include "server/url.hpp"

namespace server {
namespace {

struct page_request {
  page_window window{default_item_limit, 0};
  std::optional<geo::bbox> box;
  std::vector<std::pair<std::string, std::string>> filters;  // property, value
};

std::vector<std::string> known_parameters(const ogc_collection& c, bool items) {
  std::vector<std::string> known = {"f"};
  if (items) {
    known.insert(known.end(), {"bbox", "datetime", "limit", "offset"});
    for (std::string_view q : c.queryables())
      known.emplace_back(q);
  }
  for (std::string_view o : c.options())
    known.emplace_back(o);
  return known;
}

page_request read_page_request(const ogc_collection& c, const query_params& q) {
  q.one_of("f", "json", {"json"});
  page_request p;
  p.window = read_page_window(q, {.default_limit = default_item_limit,
                                  .max_limit = max_item_limit,
                                  .larger = over_limit::read_as_max,
                                  .max_offset = 1'000'000'000});
  p.box = q.box("bbox", 360);
  if (const auto when = q.text("datetime"); when && !is_datetime_parameter(*when))
    throw http_error(400,
                     "datetime: expected an RFC 3339 date-time or an interval start/end with "
                     "'..' for an open end, got '" +
                         *when + "'",
                     "datetime");
  for (std::string_view name : c.queryables())
    if (auto value = q.text(name)) p.filters.emplace_back(std::string(name), std::move(*value));
  return p;
}

bool matches(const ogc_feature& f, const page_request& p) {
  for (const auto& [name, value] : p.filters)
    if (!f.shows(name, value)) return false;
  return true;
}

struct page {
  std::size_t matched = 0;
  std::vector<ogc_feature> features;
};

// Without filters only the page's features are built; with them, each feature once.
page page_of(const ogc_selection& s, const page_request& p) {
  page out;
  if (p.filters.empty()) {
    out.matched = s.size;
    for (std::size_t i = p.window.first(s.size); i < p.window.end(s.size); ++i)
      out.features.push_back(s.at(i));
    return out;
  }
  for (std::size_t i = 0; i < s.size; ++i) {
    ogc_feature f = s.at(i);
    if (!matches(f, p)) continue;
    if (p.window.shows(out.matched)) out.features.push_back(std::move(f));
    ++out.matched;
  }
  return out;
}

std::vector<ogc_link> page_links(const ogc_collection& c, const request& r, const page_request& p,
                                 const page& result) {
  const std::string items = collection_path(c.id()) + "/items";
  std::vector<ogc_link> links = {
      {absolute_url(r, items, r.query), "self", geojson_media_type, "this page"},
      {absolute_url(r, collection_path(c.id())), "collection", json_media_type,
       "the collection " + std::string(c.id())}};
  if (p.window.has_next(result.matched))
    links.push_back(
        {absolute_url(r, items,
                      with_parameter(r.query, "offset", std::to_string(p.window.next_offset()))),
         "next", geojson_media_type, "next page"});
  if (p.window.offset > 0)
    links.push_back({absolute_url(r, items,
                                  with_parameter(r.query, "offset",
                                                 std::to_string(p.window.previous_offset()))),
                     "prev", geojson_media_type, "previous page"});
  return links;
}

response geojson(std::string body) {
  return {200, std::string(geojson_media_type), std::move(body), {}};
}

}  // namespace

response items_response(const ogc_collection& c, const request& r, const std::string& time_stamp) {
  const query_params q(r, known_parameters(c, true));
  const page_request p = read_page_request(c, q);
  const page result = page_of(c.select(r, q, p.box), p);

  geojson_writer out(4096 + result.features.size() * 1024);
  out.begin_object().member("type", "FeatureCollection");
  out.member("numberMatched", result.matched).member("numberReturned", result.features.size());
  out.member("timeStamp", time_stamp).key("links");
  write_links(out, page_links(c, r, p, result));
  out.key("features").begin_array();
  for (const ogc_feature& f : result.features)
    write_feature(out, f);
  out.end_array().end_object();
  return geojson(out.take());
}

response item_response(const ogc_collection& c, const request& r, const std::string& fid) {
  const query_params q(r, known_parameters(c, false));
  q.one_of("f", "json", {"json"});
  const std::optional<ogc_feature> f = c.find(r, q, fid);
  if (!f)
    throw http_error(404, "no feature '" + fid + "' in collection '" + std::string(c.id()) + "'");
  const std::string self = collection_path(c.id()) + "/items/" + percent_encode(fid);
  geojson_writer out(4096);
  out.begin_object();
  write_feature_members(out, *f);
  out.key("links");
  write_links(out, {{absolute_url(r, self, r.query), "self", geojson_media_type, "this feature"},
                    {absolute_url(r, collection_path(c.id())), "collection", json_media_type,
                     "the collection " + std::string(c.id())}});
  out.end_object();
  return geojson(out.take());
}

}  // namespace server
