// The log of imports and what each changed, by layer and key, for admins: which households
// were added, changed, retired or removed by the last registry update.
#include "geo/store.hpp"
#include "server/api_json.hpp"
#include "server/api_routes.hpp"
#include "server/paging.hpp"
#include "server/query_params.hpp"

namespace server {
namespace {

void require_admin(const request& r) {
  if (r.caller.who != geo::role::admin)
    throw http_error(r.caller.who == geo::role::anonymous ? 401 : 403,
                     "the log of imports is for admins");
}

json run_json(const geo::import_run& run, const std::string& base_url) {
  json report = json::parse(run.report, nullptr, false);
  return {{"id", run.id},
          {"finished_at", run.finished_at},
          {"what", run.what},
          {"report", report.is_discarded() ? json(run.report) : report},
          {"changes", base_url + "/api/v1/imports/" + std::to_string(run.id) + "/changes"}};
}

response runs(api_context& context, request& r) {
  require_admin(r);
  const query_params q(r, {"limit"});
  const std::size_t limit = q.count("limit", 20, 1, 1000);
  json items = json::array();
  for (const geo::import_run& run : context.store.load_runs(limit))
    items.push_back(run_json(run, r.base_url));
  return response::json(dump({{"imports", std::move(items)}}));
}

response changes(api_context& context, request& r) {
  require_admin(r);
  const query_params q(r, {"layer", "limit", "offset"});
  const std::string& id_text = r.params.at("id");
  std::int64_t id = 0;
  for (const char c : id_text) {
    if (c < '0' || c > '9' || id > 100000000000) throw http_error(404, "no import " + id_text);
    id = id * 10 + (c - '0');
  }
  const page_window page = read_page_window(q, {.default_limit = 1000, .max_limit = 100000});
  const std::string layer = q.text("layer").value_or("");
  bool known = false;
  for (const geo::import_run& run : context.store.load_runs(1000000))
    known |= run.id == id;
  if (!known) throw http_error(404, "no import " + id_text);
  // One more than asked tells whether a next page exists without counting every key.
  std::vector<geo::row_change> found =
      context.store.load_changes(id, layer, page.limit + 1, page.offset);
  const bool more = found.size() > page.limit;
  if (more) found.pop_back();
  json items = json::array();
  for (const geo::row_change& c : found)
    items.push_back({{"layer", c.layer}, {"key", c.key}, {"change", c.change}});
  json out = {{"import", id},
              {"layer", layer.empty() ? json(nullptr) : json(layer)},
              {"number_returned", items.size()},
              {"changes", std::move(items)}};
  if (more)
    out["next"] = r.base_url + "/api/v1/imports/" + id_text + "/changes?" +
                  (layer.empty() ? "" : "layer=" + layer + "&") +
                  "limit=" + std::to_string(page.limit) +
                  "&offset=" + std::to_string(page.next_offset());
  return response::json(dump(out));
}

}  // namespace

void add_import_routes(router& routes, api_context& context) {
  routes.add(
      "GET", "/api/v1/imports", [&context](request& r) { return runs(context, r); },
      route_cost::heavy);
  routes.add(
      "GET", "/api/v1/imports/{id}/changes", [&context](request& r) { return changes(context, r); },
      route_cost::heavy);
}

}  // namespace server
