#include "geo/engine/coverage.hpp"

#include "geo/target.hpp"

namespace geo {

void coverage::count(target_status status, int priority, int sign) {
  const auto step = [sign](auto& counter, auto amount) {
    counter = static_cast<std::remove_reference_t<decltype(counter)>>(sign > 0 ? counter + amount
                                                                               : counter - amount);
  };
  step(targets, 1u);
  if (status != target_status::open) step(pledged, 1u);
  if (status == target_status::delivered) step(delivered, 1u);
  if (status == target_status::open) step(unmet_priority, static_cast<std::uint64_t>(priority));
}

std::optional<std::size_t> program_slot(std::string_view program) {
  for (std::size_t i = 0; i < std::size(programs); ++i)
    if (programs[i] == program) return i + 1;
  return std::nullopt;
}

}  // namespace geo
