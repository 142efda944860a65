#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "geo/import_report.hpp"
#include "geo/interned_text.hpp"

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
/// A server holds every target in memory, so the texts many targets share (program, need,
/// area codes, registration date) are interned_text: one pointer each, the text held once.
struct target {
  std::string id;
  interned_text program;
  interned_text need;
  int household_size = 0;
  int priority = 0;
  std::optional<double> lon;
  std::optional<double> lat;
  outcome import_outcome = outcome::clean;
  interned_text declared_rt;
  interned_text rt_code;
  interned_text rw_code;
  interned_text kelurahan_code;
  interned_text kecamatan_code;
  interned_text kota_code;
  interned_text registered_at;
  std::size_t row = 0;
};

}  // namespace geo
