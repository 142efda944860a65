#include "server/tile_viewer.hpp"

#include <algorithm>

#include "server/target_view.hpp"

namespace server {

tiles::target_viewer tile_viewer_of(const principal& caller) {
  using mode = tiles::target_viewer::mode;
  switch (caller.who) {
    case geo::role::anonymous:
      return {mode::counts_per_rw};
    case geo::role::admin:
      return {mode::exact};
    case geo::role::pic:
      return {mode::mixed, [caller](const geo::target& t) {
                return visibility_of(caller, t) == visibility::exact;
              }};
    default:
      return {mode::coarse};
  }
}

std::string tile_viewer_key(const principal& caller) {
  switch (caller.who) {
    case geo::role::anonymous:
      return "counts";
    case geo::role::admin:
      return "exact";
    case geo::role::pic: {
      std::vector<std::string> scope = caller.areas;
      std::sort(scope.begin(), scope.end());
      std::string key = "pic";
      for (const std::string& code : scope)
        key += ":" + code;
      return key;
    }
    default:
      return "coarse";
  }
}

}  // namespace server
