#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace geo {

/// Where a target stands: no active pledge, an active (committed) pledge, or delivered.
enum class target_status { open, pledged, delivered };

/// Coverage of an area for one program or all (DESIGN.md, domain words).
struct coverage {
  std::uint32_t targets = 0;         // located in the area, or unlocated and declared there
  std::uint32_t pledged = 0;         // with an active pledge (committed or delivered)
  std::uint32_t delivered = 0;       // delivered
  std::uint64_t unmet_priority = 0;  // sum of the priorities of those without an active pledge

  std::uint32_t unserved() const { return targets - pledged; }
  double pledged_ratio() const { return targets ? double(pledged) / targets : 0.0; }
  double delivered_ratio() const { return targets ? double(delivered) / targets : 0.0; }

  /// Counts a target in (+1) or out (-1) of this coverage.
  void count(target_status status, int priority, int sign);
  bool operator==(const coverage&) const = default;
};

/// Coverage for all programs (index 0) and each program (1 + its position in `programs`).
using program_coverage = std::array<coverage, 7>;

/// 1 + the program's position in geo::programs, or nothing for an unknown program.
std::optional<std::size_t> program_slot(std::string_view program);

}  // namespace geo
