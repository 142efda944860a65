#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace geo {

/// Pledge (komitmen) states; committed and delivered pledges are active and hold their target
/// for their program.
inline constexpr std::string_view pledge_statuses[] = {"committed", "delivered", "cancelled"};
inline constexpr std::string_view pledge_forms[] = {"uang", "barang"};

inline bool is_active_status(std::string_view status) {
  return status == "committed" || status == "delivered";
}

struct pledge {
  std::string id;
  std::string collaborator_id;
  std::string target_id;
  std::string program;
  std::string form;  // uang (money, amount_idr) or barang (goods, quantity)
  std::optional<std::int64_t> amount_idr;
  std::optional<std::int64_t> quantity;
  std::string status;
  std::string pledged_at;
  /// "target_retired" when its target left the registry while the pledge was active; empty
  /// otherwise.
  std::string flag;
  std::size_t row = 0;
};

}  // namespace geo
