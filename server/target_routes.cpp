#include <charconv>

#include "geo/engine/coarse_position.hpp"
#include "geo/engine/engine.hpp"
#include "geo/target.hpp"
#include "server/api_json.hpp"
#include "server/api_routes.hpp"
#include "server/paging.hpp"
#include "server/privacy_rule.hpp"
#include "server/query_params.hpp"
#include "server/url.hpp"

namespace server {
namespace {

// A bbox query covers at most this many degrees (about 11 km) on a side.
constexpr double max_bbox_degrees = 0.1;

void require_sign_in(const request& r) {
  if (!privacy_rule::sees_targets(r.caller))
    throw http_error(401,
                     "targets are shown only to signed-in callers; anonymous callers see them as "
                     "counts per RW (GET /api/v1/coverage)");
}

// status=open (default here), pledged, delivered or any (nothing).
std::optional<geo::target_status> status_param(const query_params& q, std::string_view fallback) {
  const std::string word = q.one_of("status", fallback, {"open", "pledged", "delivered", "any"});
  return parse_status(word);
}

response nearest(api_context& context, const request& r) {
  require_sign_in(r);
  const query_params q(r, {"lon", "lat", "k", "program", "status", "max_distance_m"});
  geo::engine::nearest_query query;
  query.lon = q.number("lon", -180, 180);
  query.lat = q.number("lat", -90, 90);
  query.k = q.count("k", 10, 1, 100);
  query.program = q.program();
  query.status = status_param(q, "open");
  query.max_distance_m = q.optional_number("max_distance_m", 0, 1e6).value_or(query.max_distance_m);
  geojson_writer out(2048);
  out.begin_object().member("lon", query.lon).member("lat", query.lat).member("k", query.k);
  out.key("targets").begin_array();
  for (const privacy_rule::nearby_view& n : context.rule.nearest(r.caller, query))
    write_target(out, n.view, n.distance_m);
  out.end_array().end_object();
  return response::json(out.take());
}

// cell=x,y: a coarse cell's numbers (geo::coarse_cell), as a targets tile's cell features
// name them; whole numbers within the Earth's cells.
std::optional<geo::coarse_cell> cell_param(const query_params& q) {
  const std::optional<std::string> v = q.text("cell");
  if (!v) return std::nullopt;
  const auto whole = [](std::string_view text, std::int64_t limit) -> std::optional<std::int64_t> {
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n < -limit ||
        n > limit)
      return std::nullopt;
    return n;
  };
  // 180 / 0.0009 and 90 / 0.0009 cells either side of 0,0.
  constexpr std::int64_t max_x = 200000, max_y = 100000;
  const std::size_t comma = v->find(',');
  const std::optional<std::int64_t> x = comma == std::string::npos
                                            ? std::nullopt
                                            : whole(std::string_view(*v).substr(0, comma), max_x);
  const std::optional<std::int64_t> y = comma == std::string::npos
                                            ? std::nullopt
                                            : whole(std::string_view(*v).substr(comma + 1), max_y);
  if (!x || !y)
    throw http_error(400,
                     "cell: expected x,y, the whole numbers of a coarse cell (x from -200000 to "
                     "200000, y from -100000 to 100000), got '" +
                         *v + "'",
                     "cell");
  return geo::coarse_cell{*x, *y};
}

std::string next_link(const request& r, std::size_t offset) {
  std::string link = r.base_url + r.path + "?";
  for (const auto& [name, value] : r.query)
    if (name != "offset") link += percent_encode(name) + "=" + percent_encode(value) + "&";
  return link + "offset=" + std::to_string(offset);
}

response list(api_context& context, const request& r) {
  require_sign_in(r);
  const query_params q(r, {"bbox", "area", "cell", "program", "status", "limit", "offset"});
  const std::optional<geo::bbox> given_box = q.box("bbox", max_bbox_degrees);
  const std::optional<std::string> code = q.text("area");
  const std::optional<geo::coarse_cell> cell = cell_param(q);
  if (int(given_box.has_value()) + int(code.has_value()) + int(cell.has_value()) != 1)
    throw http_error(400,
                     "give exactly one of bbox=minLon,minLat,maxLon,maxLat, area=CODE or cell=X,Y",
                     given_box ? (code ? "area" : "cell") : (code && cell ? "cell" : "bbox"));
  // A cell is read as a bbox query of its square (edges included), kept to the targets whose
  // cell it is: the exact picks by their position, the coarse ones by their spot, which lies
  // inside the square only for the cell's own targets.
  const std::optional<geo::bbox> box = cell ? std::optional(geo::bounds_of(*cell)) : given_box;
  const auto in_cell = [&](const geo::target* t) {
    return t->lon && t->lat && geo::cell_of(*t->lon, *t->lat) == *cell;
  };
  const geo::area* where = code ? context.engine.find_area(*code) : nullptr;
  if (code && !where) throw http_error(404, "no area has code '" + *code + "'");
  const std::optional<std::string> program = q.program();
  const std::optional<geo::target_status> status = status_param(q, "any");
  const page_window page = read_page_window(q, {.default_limit = 100, .max_limit = 1000});

  std::vector<target_view> all = context.rule.visible(r.caller, [&](precision p) {
    if (where) return context.engine.targets_of(*where, p);
    std::vector<const geo::target*> found = context.engine.targets_in(*box, p);
    if (cell) std::erase_if(found, [&](const geo::target* t) { return !in_cell(t); });
    return found;
  });
  std::erase_if(all, [&](const target_view& v) {
    return (program && v.what->program != *program) || (status && v.status != *status);
  });
  geojson_writer out(256 * page.returned(all.size()) + 256);
  out.begin_object()
      .member("number_matched", all.size())
      .member("number_returned", page.returned(all.size()))
      .member("offset", page.offset);
  out.key("targets").begin_array();
  for (std::size_t i = page.first(all.size()); i < page.end(all.size()); ++i)
    write_target(out, all[i]);
  out.end_array();
  if (page.has_next(all.size())) out.member("next", next_link(r, page.next_offset()));
  out.end_object();
  return response::json(out.take());
}

response one(api_context& context, const request& r) {
  require_sign_in(r);
  const query_params q(r, {});
  const geo::target* t = context.engine.find_target(r.param("id"));
  if (!t) throw http_error(404, "no target has id '" + r.param("id") + "'");
  geojson_writer out;
  write_target(out, *context.rule.view_of(r.caller, *t));
  return response::json(out.take());
}

}  // namespace

void add_target_routes(router& routes, api_context& context) {
  routes.add("GET", "/api/v1/targets/nearest",
             [&context](request& r) { return nearest(context, r); });
  routes.add(
      "GET", "/api/v1/targets", [&context](request& r) { return list(context, r); },
      route_cost::heavy);
  routes.add("GET", "/api/v1/targets/{id}", [&context](request& r) { return one(context, r); });
}

}  // namespace server
