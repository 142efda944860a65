#include "geo/target.hpp"

#include "geo/number_parse.hpp"

namespace geo {

bool is_program(std::string_view word) {
  for (std::string_view p : programs)
    if (p == word) return true;
  return false;
}

std::string program_name(std::string_view text) {
  std::string name(trim(text));
  for (char& c : name)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return name;
}

}  // namespace geo
