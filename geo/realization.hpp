#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace geo {

/// A realization (realisasi): the recorded delivery of a pledge. Ids are "R" + 6 digits.
struct realization {
  std::string id;
  std::string pledge_id;
  std::string delivered_by;  // who handed the help over, as the field officer wrote it
  std::string delivered_at;  // a date YYYY-MM-DD or an RFC 3339 date-time, as given
  std::string note;
  std::optional<std::int64_t> amount_idr;  // what was delivered, when it was counted
  std::optional<std::int64_t> quantity;
  std::string recorded_at;  // when the server recorded it, UTC YYYY-MM-DDTHH:MM:SSZ
};

}  // namespace geo
