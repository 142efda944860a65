#include "geo/audit_entry.hpp"

#include <nlohmann/json.hpp>
#include <utility>

namespace geo {

audit_entry audit_of(const write_origin& origin, std::string action, std::string subject,
                     const nlohmann::ordered_json& detail) {
  audit_entry e;
  e.actor = origin.actor;
  e.role = origin.role;
  e.action = std::move(action);
  e.subject = std::move(subject);
  e.request_id = origin.request_id;
  e.detail = detail.dump();
  return e;
}

}  // namespace geo
