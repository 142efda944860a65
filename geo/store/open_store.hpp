#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "geo/store.hpp"

namespace geo {

/// What a store is opened for; each use sets the store up as it needs.
enum class store_use {
  /// A server: readers never wait; commits leave the write-ahead log to the server's own
  /// upkeep thread (store::checkpoint), so no request pays for copying it back; a write waits
  /// up to 2 minutes for an import's transaction rather than fail.
  serve,
  /// An import: written in bulk when it has the store to itself; waits up to 2 minutes for
  /// a server's writes (which commit in milliseconds, but may do so many times a second).
  import,
  /// A command that reads or writes a few records (token, report): the store as it opens.
  admin,
};

/// Opens the store `db` names for `use`: a PostgreSQL URL (is_postgres_url), otherwise the path
/// of an embedded SpatiaLite file, created when missing (its folder must exist). Throws
/// store_error when it cannot be opened, input_error for a kind of store this build cannot open.
std::unique_ptr<store> open_store(const std::string& db, store_use use);

/// Whether `db` names a PostgreSQL database ("postgresql://" or "postgres://") rather than
/// the path of a file.
bool is_postgres_url(std::string_view db);

/// `db` as messages may show it: a PostgreSQL URL without its password (whoever reads a log or
/// a terminal must not learn it), a path as it is.
std::string shown_store_name(std::string_view db);

}  // namespace geo
