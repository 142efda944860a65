#pragma once
#include <string>
#include <vector>

#include "geo/access_token.hpp"

namespace server {

/// Who is calling: the role and scope of their bearer token, or anonymous.
struct principal {
  geo::role who = geo::role::anonymous;
  std::string token_id;            // empty for anonymous
  std::vector<std::string> areas;  // area codes a PIC handles
  std::string collaborator_id;     // for collaborators and aggregators
  bool session = false;            // a session a sign-in link became, not an API token
  std::string name = {};           // the person a session is for
  std::string expires_at = {};     // a session's end, UTC; empty: none
};

}  // namespace server
