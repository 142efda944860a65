#pragma once
#include "geo/error.hpp"

namespace cli {

/// Flags that are wrong or do not go together (an unknown --level, --level without --code):
/// the command did nothing and exits with exit_usage, as the README promises.
class usage_error : public geo::error {
 public:
  using geo::error::error;
};

}  // namespace cli
