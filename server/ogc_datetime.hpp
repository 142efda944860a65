#pragma once
#include <string_view>

namespace server {

/// True when `text` is a `datetime` parameter of OGC 17-069r4 requirement 25 D: an RFC 3339
/// date-time (or a full-date, which clients send too), or an interval of two of them separated
/// by '/' where either end may be ".." or empty for an open end. Dates and times are read by
/// geo/utc_time (so "2018-02-30" is refused and "t"/"z" may be lower case, as elsewhere).
bool is_datetime_parameter(std::string_view text);

}  // namespace server
