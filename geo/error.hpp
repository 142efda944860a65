#pragma once
#include <stdexcept>
#include <string>

namespace geo {

/// Base of every error raised by the spatial engine; the message names what and where.
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Input that cannot be read at all (missing file, malformed CSV structure, missing columns).
class input_error : public error {
 public:
  using error::error;
};

/// A failure inside a wrapped C library (GEOS, PROJ, GDAL, SQLite) with its own message.
class library_error : public error {
 public:
  using error::error;
};

/// The store refused an operation (constraint, disk full, locked database).
class store_error : public error {
 public:
  using error::error;
};

/// Long work stopped on request (Ctrl-C); nothing of it was kept.
class interrupted_error : public error {
 public:
  using error::error;
};

}  // namespace geo
