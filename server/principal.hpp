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
};

}  // namespace server
