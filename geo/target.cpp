#include "geo/target.hpp"

namespace geo {

bool is_program(std::string_view word) {
  for (std::string_view p : programs)
    if (p == word) return true;
  return false;
}

}  // namespace geo
