#include "geo/engine/engine.hpp"
#include "server/api_json.hpp"
#include "server/api_routes.hpp"
#include "server/privacy_rule.hpp"
#include "server/query_params.hpp"

namespace server {
namespace {

const geo::area& area_or_404(const geo::engine& engine, const std::string& code) {
  const geo::area* a = engine.find_area(code);
  if (!a) throw http_error(404, "no area has code '" + code + "'");
  return *a;
}

json area_detail(const api_context& context, const principal& caller, const geo::area& a) {
  const geo::engine& engine = context.engine;
  json children = json::array();
  for (const geo::area* c : engine.children_of(a))
    children.push_back(area_ref_json(*c));
  json out = area_ref_json(a);
  out["parent_code"] = a.parent_code.empty() ? json(nullptr) : json(a.parent_code);
  out["area_m2"] = std::round(a.area_m2);
  out["bbox"] = bbox_json(a.box);
  out["parents"] = parents_json(engine, a);
  out["children"] = std::move(children);
  const std::optional<precision> figures = context.rule.figures_of(caller, a);
  out["figures"] = figures_name(figures);
  out["coverage"] =
      figures ? program_coverage_json(*engine.coverages_of(a.code, *figures)) : json(nullptr);
  return out;
}

// A search scans every area for every word: the words and their length are bounded so that a
// query costs at most a few milliseconds (no area name has more than a few words).
constexpr std::size_t max_search_chars = 100;
constexpr std::size_t max_search_words = 8;

void check_search_text(const std::string& text) {
  if (text.size() > max_search_chars)
    throw http_error(400,
                     "q: at most " + std::to_string(max_search_chars) + " characters, got " +
                         std::to_string(text.size()),
                     "q");
  std::size_t words = 0;
  for (std::size_t i = 0; i < text.size(); ++i)
    words += text[i] != ' ' && (i == 0 || text[i - 1] == ' ');
  if (words > max_search_words)
    throw http_error(
        400,
        "q: at most " + std::to_string(max_search_words) + " words, got " + std::to_string(words),
        "q");
}

std::optional<geo::admin_level> level_param(const query_params& q) {
  const std::optional<std::string> word = q.text("level");
  if (!word) return std::nullopt;
  const auto level = geo::parse_admin_level(*word);
  if (!level)
    throw http_error(
        400, "level: expected kota, kecamatan, kelurahan, rw or rt, got '" + *word + "'", "level");
  return level;
}

}  // namespace

void add_area_routes(router& routes, api_context& context) {
  routes.add("GET", "/api/v1/areas/{code}", [&context](request& r) {
    const query_params q(r, {});
    return response::json(
        dump(area_detail(context, r.caller, area_or_404(context.engine, r.param("code")))));
  });
  routes.add(
      "GET", "/api/v1/areas",
      [&context](request& r) {
        const query_params q(r, {"q", "level", "limit"});
        const std::optional<std::string> text = q.text("q");
        if (!text || text->find_first_not_of(' ') == std::string::npos)
          throw http_error(400, "q: expected a name or part of one, e.g. q=kebon kelapa", "q");
        check_search_text(*text);
        const std::size_t limit = q.count("limit", 20, 1, 1000);
        json found = json::array();
        for (const geo::area* a : context.engine.search_areas(*text, level_param(q), limit)) {
          json item = area_ref_json(*a);
          item["bbox"] = bbox_json(a->box);
          item["parents"] = parents_json(context.engine, *a);
          found.push_back(std::move(item));
        }
        return response::json(dump({{"q", *text}, {"areas", std::move(found)}}));
      },
      route_cost::heavy);
}

}  // namespace server
