#include "server/target_view.hpp"

namespace server {

const char* status_name(geo::target_status status) {
  switch (status) {
    case geo::target_status::open:
      return "open";
    case geo::target_status::pledged:
      return "pledged";
    case geo::target_status::delivered:
      return "delivered";
  }
  return "open";
}

std::optional<geo::target_status> parse_status(std::string_view word) {
  if (word == "open") return geo::target_status::open;
  if (word == "pledged") return geo::target_status::pledged;
  if (word == "delivered") return geo::target_status::delivered;
  return std::nullopt;
}

}  // namespace server
