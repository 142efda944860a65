#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "server/http.hpp"

namespace server {

using handler = std::function<response(request&)>;

/// How much a route may cost, which decides where it runs (server/pistache_edge): `light`
/// routes answer in bounded, small time on the I/O threads; `write` routes wait for the disk
/// and `heavy` ones (lists, searches, exports) for the CPU, on their own bounded queues that
/// refuse with 503 when full, so neither can hold up the light ones.
enum class route_cost { light, write, heavy };

/// Maps method and path to a handler. Patterns are literal segments and `{name}` segments,
/// e.g. /api/v1/areas/{code}; a `{name}` segment matches one non-empty segment.
class router {
 public:
  struct match {
    const handler* run = nullptr;      // null: no route for this path, or not for this method
    std::string route;                 // the pattern, for metrics ("unmatched" when none)
    bool path_known = false;           // the path matched some route, with another method
    std::vector<std::string> allowed;  // methods of the path's routes, for 405 and OPTIONS
    route_cost cost = route_cost::light;
  };

  void add(std::string method, std::string pattern, handler h, route_cost cost = route_cost::light);
  /// Finds the route; fills `params` with the `{name}` segments.
  match find(std::string_view method, std::string_view path,
             std::unordered_map<std::string, std::string>& params) const;

  /// Every route in the order added, with its index for handler_at(): a server that swaps
  /// its data builds one outer router forwarding to the current data's routes (server/app).
  void for_each(
      const std::function<void(std::size_t index, const std::string& method,
                               const std::string& pattern, route_cost cost)>& visit) const;
  const handler& handler_at(std::size_t index) const { return m_routes.at(index).run; }

 private:
  struct route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    handler run;
    route_cost cost;
  };
  std::vector<route> m_routes;
};

}  // namespace server
