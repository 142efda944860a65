#pragma once
// What the files of postgres_store share; not part of the store's interface.
#include <cstdint>
#include <string_view>

#include "geo/area.hpp"
#include "geo/collaborator.hpp"
#include "geo/import_report.hpp"
#include "geo/pledge.hpp"
#include "geo/target.hpp"

namespace geo::pg_detail {

outcome parse_outcome(std::string_view text);

inline std::int64_t to_int(std::size_t n) {
  return static_cast<std::int64_t>(n);
}

/// The hash of a record's content (not its place in the file), as the SQLite store computes
/// it: a re-import compares it with the stored row_hash to find the rows that changed.
std::int64_t hash_of(const area& a);
std::int64_t hash_of(const target& t);
std::int64_t hash_of(const collaborator& c);
std::int64_t hash_of(const pledge& p);

}  // namespace geo::pg_detail
