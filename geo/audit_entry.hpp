#pragma once
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>

namespace geo {

/// One line of the audit log: every write is attributed (DESIGN.md, privacy and roles).
struct audit_entry {
  std::int64_t id = 0;     // assigned by the store, increasing
  std::string at;          // UTC ISO-8601 with milliseconds, 2024-02-01T08:30:00.125Z
  std::string actor;       // token id, or "cli"
  std::string role;        // role name of the actor
  std::string action;      // pledge.create, pledge.cancel, pledge.realize, token.create, ...
  std::string subject;     // id of what was written (pledge, token)
  std::string request_id;  // the HTTP request's id; empty from the CLI
  std::string detail;      // JSON object text with the written fields
};

/// Who writes, for the audit log: a token id (or "cli"), its role, the HTTP request's id.
struct write_origin {
  std::string actor;
  std::string role;
  std::string request_id;
};

/// The audit line of a write by `origin`; the store stamps its id and time.
audit_entry audit_of(const write_origin& origin, std::string action, std::string subject,
                     const nlohmann::ordered_json& detail);

}  // namespace geo
