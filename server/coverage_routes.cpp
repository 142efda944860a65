#include <array>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "geo/engine/engine.hpp"
#include "geo/target.hpp"
#include "server/api_json.hpp"
#include "server/api_routes.hpp"
#include "server/gzip.hpp"
#include "server/paging.hpp"
#include "server/privacy_rule.hpp"
#include "server/query_params.hpp"

namespace server {
namespace {

// When the data was last imported, for planners judging how fresh a ranking is.
json updated_at(const api_context& context) {
  return context.data.updated_at.empty() ? json(nullptr) : json(context.data.updated_at);
}

json summary_json(geo::admin_level level, const geo::coverage_summary& s) {
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

// The members of a ranked item that depend on the area alone, dumped without braces:
// `"code":…,"name":…,"level":…,"parents":[…],"bbox":[…]`.
std::string item_head(const geo::engine& engine, const geo::area& a) {
  json head = area_ref_json(a);
  head["parents"] = parents_json(engine, a);
  head["bbox"] = bbox_json(a.box);
  const std::string dumped = dump(head);
  return dumped.substr(1, dumped.size() - 2);
}

// The item heads of the levels down to RW, dumped once per generation on first use: an
// item's area part is most of a ranking page's cost, and it never changes while the
// generation serves (about 1 MB for Jakarta's 3,158 areas above RT). RTs, 33,000 and ranked
// only for admins and PICs, are dumped per request.
class item_heads {
 public:
  explicit item_heads(const geo::engine& engine) : m_engine(engine) {}

  const std::string* of(const geo::area& a) {
    const auto level = static_cast<std::size_t>(a.level);
    if (level >= m_heads.size()) return nullptr;
    std::call_once(m_built[level], [&] {
      for (const geo::area* at : m_engine.areas_at(a.level))
        m_heads[level].emplace(at, item_head(m_engine, *at));
    });
    const auto it = m_heads[level].find(&a);
    return it == m_heads[level].end() ? nullptr : &it->second;
  }

 private:
  const geo::engine& m_engine;
  static constexpr std::size_t cached_levels = static_cast<std::size_t>(geo::admin_level::rw) + 1;
  std::array<std::once_flag, cached_levels> m_built;
  std::array<std::unordered_map<const geo::area*, std::string>, cached_levels> m_heads;
};

// The body of a ranking: the document dumped with no items, then the items written into its
// last member, each as nlohmann would dump it ({"rank", then the head, then the coverage}).
std::string ranking_body(json doc, const geo::engine& engine, item_heads& heads,
                         const geo::engine::ranking_page& ranked) {
  doc["items"] = json::array();
  std::string out = dump(doc);
  if (ranked.items.empty()) return out;
  out.resize(out.size() - 3);  // `[]}`: "items" is the last member
  out += '[';
  for (std::size_t i = 0; i < ranked.items.size(); ++i) {
    const geo::engine::ranked_area& r = ranked.items[i];
    if (i > 0) out += ',';
    out += "{\"rank\":";
    out += std::to_string(ranked.first + i + 1);
    out += ',';
    if (const std::string* head = heads.of(*r.where))
      out += *head;
    else
      out += item_head(engine, *r.where);
    const std::string figures = dump(coverage_json(r.of));
    out += ',';
    out.append(figures, 1, figures.size() - 2);
    out += '}';
  }
  out += "]}";
  return out;
}

// Ranking answers with public figures (by cell), kept while no status changed: the same
// page asked again is a copy, and so is its gzipped form (made once, the first time a client
// that takes gzip asks; browsers always do, and compressing per request cost two thirds of a
// kept page's time). Keyed on the query as read and engine::change_count(), read before the
// ranking, so an answer kept is never older than the count it is found by. Exact figures are
// not kept (a hit's timing must not tell where a target is: engine::revision_of). At most
// `max_kept` answers of at most `max_body` bytes (about 4 MB, and a third of that gzipped).
class ranking_answers {
 public:
  static constexpr std::size_t max_kept = 64;
  static constexpr std::size_t max_body = 64 * 1024;
  // Below this size gzip saves less than its header costs, as the edge also judges.
  static constexpr std::size_t min_gzip_bytes = 1024;

  struct answer {
    std::string body;
    std::string gzipped;  // empty until a client taking gzip asked, or when too small
  };

  std::shared_ptr<const answer> find(const std::string& key, std::uint64_t changes) {
    const std::lock_guard lock(m_lock);
    const auto it = m_kept.find(key);
    return it != m_kept.end() && it->second.first == changes ? it->second.second : nullptr;
  }
  void keep(const std::string& key, std::uint64_t changes, std::shared_ptr<const answer> a) {
    if (a->body.size() > max_body) return;
    const std::lock_guard lock(m_lock);
    if (m_kept.size() >= max_kept && !m_kept.contains(key)) m_kept.clear();
    m_kept[key] = {changes, std::move(a)};
  }

  /// The answer to send: gzipped from the kept form when the client takes it; otherwise as is
  /// (the edge still gzips it when it is worth it).
  static response sent(const answer& a, const request& r) {
    if (!a.gzipped.empty() && accepts_gzip(r.header("accept-encoding").value_or("")))
      return {200, "application/json", a.gzipped, {{"Content-Encoding", "gzip"}}};
    return response::json(a.body);
  }
  /// Whether `body`, kept, would be gzipped for the client of `r`.
  static bool worth_gzip(const std::string& body, const request& r) {
    return body.size() >= min_gzip_bytes && body.size() <= max_body &&
           accepts_gzip(r.header("accept-encoding").value_or(""));
  }
  /// `body` as kept, gzipped ahead when the client of `r` takes gzip.
  static std::shared_ptr<const answer> made(std::string body, const request& r) {
    auto a = std::make_shared<answer>();
    a->body = std::move(body);
    if (worth_gzip(a->body, r)) a->gzipped = gzip(a->body);
    return a;
  }

 private:
  std::mutex m_lock;
  std::unordered_map<std::string, std::pair<std::uint64_t, std::shared_ptr<const answer>>> m_kept;
};

std::string answer_key(const geo::engine::coverage_query& query, const page_window& page) {
  std::string key = std::to_string(static_cast<int>(query.level));
  for (const auto& part : {query.within, query.program}) {
    key += '|';
    if (part) key += "=" + *part;
  }
  key += '|' + std::to_string(static_cast<int>(query.order)) + '|' + std::to_string(page.offset) +
         '|' + std::to_string(page.limit) + '|';
  key += dump(json(query.max_ratio));  // the number as the answer shows it
  return key;
}

response ranking(api_context& context, item_heads& heads, ranking_answers& kept, const request& r) {
  const query_params q(r, {"level", "within", "program", "max_ratio", "sort", "limit", "offset"});
  const geo::engine::coverage_query query = query_of(context, r, q);
  const page_window page = read_page_window(q, {.default_limit = 50, .max_limit = 10000});
  const bool public_figures = query.basis == precision::coarse;
  const std::string key = public_figures ? answer_key(query, page) : std::string();
  const std::uint64_t changes = context.engine.change_count();
  if (public_figures)
    if (const std::shared_ptr<const ranking_answers::answer> found = kept.find(key, changes)) {
      if (!found->gzipped.empty() || !ranking_answers::worth_gzip(found->body, r))
        return ranking_answers::sent(*found, r);
      // Kept for a client that did not take gzip: this one does, so gzip it once now.
      const auto packed = ranking_answers::made(found->body, r);
      kept.keep(key, changes, packed);
      return ranking_answers::sent(*packed, r);
    }
  const geo::engine::ranking_page ranked =
      context.engine.coverage_ranking(query, page.offset, page.limit);
  std::string body =
      ranking_body({{"level", geo::to_string(query.level)},
                    {"within", query.within ? json(*query.within) : json(nullptr)},
                    {"program", query.program ? json(*query.program) : json(nullptr)},
                    {"sort", q.one_of("sort", "unserved", {"unserved", "unmet_priority"})},
                    {"max_ratio", query.max_ratio},
                    {"figures", figures_name(query.basis)},
                    {"number_matched", ranked.number_matched},
                    {"number_returned", ranked.items.size()},
                    {"summary", summary_json(query.level, ranked.summary)},
                    {"data_updated_at", updated_at(context)}},
                   context.engine, heads, ranked);
  if (!public_figures) return response::json(std::move(body));
  const std::shared_ptr<const ranking_answers::answer> made =
      ranking_answers::made(std::move(body), r);
  kept.keep(key, changes, made);
  return ranking_answers::sent(*made, r);
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
    json summary = summary_json(level, context.engine.coverage_ranking_summary(query));
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
  // Routes are made per generation, and so are the heads and answers, as the areas and figures
  // they hold.
  auto heads = std::make_shared<item_heads>(context.engine);
  auto kept = std::make_shared<ranking_answers>();
  routes.add(
      "GET", "/api/v1/coverage",
      [&context, heads, kept](request& r) { return ranking(context, *heads, *kept, r); },
      route_cost::heavy);
  routes.add(
      "GET", "/api/v1/coverage/summary", [&context](request& r) { return summaries(context, r); },
      route_cost::heavy);
}

}  // namespace server
