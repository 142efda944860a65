#include "geo/engine/engine.hpp"
#include "geo/target.hpp"
#include "server/api_json.hpp"
#include "server/api_routes.hpp"
#include "server/paging.hpp"
#include "server/privacy_rule.hpp"
#include "server/query_params.hpp"

namespace server {
namespace {

// When the data was last imported, for planners judging how fresh a ranking is.
json updated_at(const api_context& context) {
  return context.data.updated_at.empty() ? json(nullptr) : json(context.data.updated_at);
}

struct level_summary {
  std::size_t areas = 0;
  std::size_t without_pledge = 0;  // areas with targets and none pledged
  geo::coverage total;
};

level_summary summarise(const std::vector<geo::engine::ranked_area>& ranked) {
  level_summary s;
  for (const auto& r : ranked) {
    ++s.areas;
    if (r.of.targets > 0 && r.of.pledged == 0) ++s.without_pledge;
    s.total.targets += r.of.targets;
    s.total.pledged += r.of.pledged;
    s.total.delivered += r.of.delivered;
    s.total.unmet_priority += r.of.unmet_priority;
  }
  return s;
}

json summary_json(geo::admin_level level, const level_summary& s) {
  json out = {{"level", geo::to_string(level)},
              {"areas", s.areas},
              {"areas_without_pledge", s.without_pledge}};
  out.update(coverage_json(s.total));
  return out;
}

// The figures the caller may see for areas of `level` inside `within`; none for RTs outside
// a PIC's scope (for everyone but admins).
std::optional<precision> figures_for(const api_context& context, const request& r,
                                     geo::admin_level level,
                                     const std::optional<std::string>& within) {
  return context.rule.ranking_figures(r.caller, level,
                                      within ? context.engine.find_area(*within) : nullptr);
}

geo::engine::coverage_query query_of(const api_context& context, const request& r,
                                     const query_params& q) {
  geo::engine::coverage_query query;
  const std::string level = q.one_of("level", "rw", {"kota", "kecamatan", "kelurahan", "rw", "rt"});
  query.level = *geo::parse_admin_level(level);
  query.within = q.text("within");
  if (query.within && !context.engine.find_area(*query.within))
    throw http_error(404, "within: no area has code '" + *query.within + "'", "within");
  const std::optional<precision> figures = figures_for(context, r, query.level, query.within);
  if (!figures)
    throw http_error(r.caller.who == geo::role::anonymous ? 401 : 403,
                     "figures per RT go only to admins and to a PIC for the RTs of their areas "
                     "(give within=CODE of one of them); RWs and larger areas are public",
                     "level");
  query.basis = *figures;
  query.program = q.program();
  query.max_ratio = q.optional_number("max_ratio", 0, 1).value_or(1.0);
  query.order = q.one_of("sort", "unserved", {"unserved", "unmet_priority"}) == "unserved"
                    ? geo::engine::coverage_order::unserved
                    : geo::engine::coverage_order::unmet_priority;
  return query;
}

json ranked_item(const geo::engine& engine, const geo::engine::ranked_area& r, std::size_t rank) {
  json item = {{"rank", rank}};
  item.update(area_ref_json(*r.where));
  item["parents"] = parents_json(engine, *r.where);
  item["bbox"] = bbox_json(r.where->box);
  item.update(coverage_json(r.of));
  return item;
}

response ranking(api_context& context, const request& r) {
  const query_params q(r, {"level", "within", "program", "max_ratio", "sort", "limit", "offset"});
  const geo::engine::coverage_query query = query_of(context, r, q);
  const page_window page = read_page_window(q, {.default_limit = 50, .max_limit = 10000});
  const std::vector<geo::engine::ranked_area> ranked = context.engine.coverage_ranking(query);
  json items = json::array();
  for (std::size_t i = page.first(ranked.size()); i < page.end(ranked.size()); ++i)
    items.push_back(ranked_item(context.engine, ranked[i], i + 1));
  return response::json(
      dump({{"level", geo::to_string(query.level)},
            {"within", query.within ? json(*query.within) : json(nullptr)},
            {"program", query.program ? json(*query.program) : json(nullptr)},
            {"sort", q.one_of("sort", "unserved", {"unserved", "unmet_priority"})},
            {"max_ratio", query.max_ratio},
            {"figures", figures_name(query.basis)},
            {"number_matched", ranked.size()},
            {"number_returned", items.size()},
            {"summary", summary_json(query.level, summarise(ranked))},
            {"data_updated_at", updated_at(context)},
            {"items", std::move(items)}}));
}

// Per-level summaries of an area (or all of Jakarta): how many areas each level has there,
// how many have targets but no pledge, and the coverage totals.
response summaries(api_context& context, const request& r) {
  const query_params q(r, {"within", "program"});
  geo::engine::coverage_query query = query_of(context, r, q);
  json levels = json::array();
  for (geo::admin_level level : geo::all_admin_levels) {
    const std::optional<precision> figures = figures_for(context, r, level, query.within);
    if (!figures) continue;  // the RT level, for those who may not see figures per RT
    query.level = level;
    query.basis = *figures;
    json summary = summary_json(level, summarise(context.engine.coverage_ranking(query)));
    summary["figures"] = figures_name(figures);
    levels.push_back(std::move(summary));
  }
  return response::json(dump({{"within", query.within ? json(*query.within) : json(nullptr)},
                              {"program", query.program ? json(*query.program) : json(nullptr)},
                              {"data_updated_at", updated_at(context)},
                              {"levels", std::move(levels)}}));
}

}  // namespace

void add_coverage_routes(router& routes, api_context& context) {
  routes.add(
      "GET", "/api/v1/coverage", [&context](request& r) { return ranking(context, r); },
      route_cost::heavy);
  routes.add(
      "GET", "/api/v1/coverage/summary", [&context](request& r) { return summaries(context, r); },
      route_cost::heavy);
}

}  // namespace server
