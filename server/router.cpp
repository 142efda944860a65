#include "server/router.hpp"

#include <algorithm>

namespace server {
namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = path.starts_with('/') ? 1 : 0;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    out.emplace_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

bool is_parameter(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void router::add(std::string method, std::string pattern, handler h, route_cost cost) {
  std::vector<std::string> segments = split_path(pattern);
  m_routes.push_back(
      {std::move(method), std::move(pattern), std::move(segments), std::move(h), cost});
}

router::match router::find(std::string_view method, std::string_view path,
                           std::unordered_map<std::string, std::string>& params) const {
  const std::vector<std::string> segments = split_path(path);
  match found;
  found.route = "unmatched";
  for (const route& r : m_routes) {
    if (r.segments.size() != segments.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < segments.size() && same; ++i)
      same = is_parameter(r.segments[i]) ? !segments[i].empty() : r.segments[i] == segments[i];
    if (!same) continue;
    found.path_known = true;
    if (std::find(found.allowed.begin(), found.allowed.end(), r.method) == found.allowed.end())
      found.allowed.push_back(r.method);
    if (r.method == method && !found.run) {
      found.run = &r.run;
      found.route = r.pattern;
      found.cost = r.cost;
      for (std::size_t i = 0; i < segments.size(); ++i)
        if (is_parameter(r.segments[i]))
          params[r.segments[i].substr(1, r.segments[i].size() - 2)] = segments[i];
    }
  }
  if (!found.run && found.path_known) found.route = "method_not_allowed";
  return found;
}

void router::for_each(const std::function<void(std::size_t, const std::string&, const std::string&,
                                               route_cost)>& visit) const {
  for (std::size_t i = 0; i < m_routes.size(); ++i)
    visit(i, m_routes[i].method, m_routes[i].pattern, m_routes[i].cost);
}

}  // namespace server
