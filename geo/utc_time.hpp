#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace geo {

/// Times as Sasaran writes and reads them: RFC 3339 §5.6 text. Written times are UTC to the
/// second, "YYYY-MM-DDTHH:MM:SSZ", always 20 characters, so that they sort in time order as
/// text (the store and the token checks compare them so).

/// `at` as "YYYY-MM-DDTHH:MM:SSZ", UTC, the fraction of a second dropped.
std::string utc_time(std::chrono::system_clock::time_point at);

/// utc_time of the present moment.
std::string utc_time_now();

/// True for an RFC 3339 full-date "YYYY-MM-DD" that is on the calendar: months 01-12, the
/// days each month has, February 29 only in leap years (Gregorian: 2000 is one, 1900 not).
bool is_iso_date(std::string_view text);

/// An instant to the microsecond.
using utc_instant = std::chrono::sys_time<std::chrono::microseconds>;

/// The instant of an RFC 3339 §5.6 date-time:
///   full-date "T" HH ":" MM ":" SS ["." 1*DIGIT] ("Z" / ("+" / "-") HH ":" MM)
/// with the date checked as is_iso_date does, hours 00-23, minutes 00-59, seconds 00-60 and
/// an offset of 00:00 to 23:59. The note in §5.6 lets "T" and "Z" be written "t" and "z";
/// every reader in Sasaran accepts both, through this function. A leap second (:60) is read
/// as the first second of the next minute, since system_clock counts none; fraction digits
/// past the sixth are checked and dropped. Nothing for anything else: a space for "T", no
/// offset, a one-digit field, an empty fraction, text after the offset.
std::optional<utc_instant> parse_rfc3339_date_time(std::string_view text);

/// True when parse_rfc3339_date_time reads `text`.
bool is_rfc3339_date_time(std::string_view text);

}  // namespace geo
