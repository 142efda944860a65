#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "geo/import_report.hpp"

namespace geo {

/// The programs of the collaboration platform (DESIGN.md).
inline constexpr std::string_view programs[] = {"pangan",      "umkm",       "pendidikan",
                                                "persampahan", "permukiman", "ketenagakerjaan"};
bool is_program(std::string_view word);
/// A program name as stored: ASCII letters lower-cased and spaces trimmed, so that a registry
/// or a client writing PANGAN or Pangan means pangan. Check the result with is_program.
std::string program_name(std::string_view text);

/// A beneficiary target (sasaran) as stored. Located targets carry the areas their point lies
/// in; unlocated ones carry their declared RT and its parents.
struct target {
  std::string id;
  std::string program;
  std::string need;
  int household_size = 0;
  int priority = 0;
  std::optional<double> lon;
  std::optional<double> lat;
  outcome import_outcome = outcome::clean;
  std::string declared_rt;
  std::string rt_code;
  std::string rw_code;
  std::string kelurahan_code;
  std::string kecamatan_code;
  std::string kota_code;
  std::string registered_at;
  std::size_t row = 0;
};

}  // namespace geo
