#pragma once
#include <stdexcept>
#include <string>
#include <utility>

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

/// An import would remove more of a stored layer than its sync_policy allows; nothing changed.
class removal_error : public input_error {
 public:
  using input_error::input_error;
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

/// A request named something that does not exist (a pledge id, a token id).
class not_found_error : public error {
 public:
  using error::error;
};

/// Why a write conflicts with the current state; callers tell the user what to do by it.
enum class conflict_kind {
  target_taken,      // another active pledge holds the target
  pledge_cancelled,  // the pledge was cancelled: nothing more can happen to it
  pledge_delivered,  // the pledge was delivered: it cannot be cancelled or delivered again
  target_located,    // the target has a location already; corrections come with an import
};

/// A write that the current state forbids: double help on a target, cancelling a delivered
/// pledge. `holder()` is the id of the pledge holding the target, when that is the reason.
class conflict_error : public error {
 public:
  conflict_error(conflict_kind kind, const std::string& message, std::string holder = {})
      : error(message), m_kind(kind), m_holder(std::move(holder)) {}
  conflict_kind kind() const noexcept { return m_kind; }
  const std::string& holder() const noexcept { return m_holder; }

 private:
  conflict_kind m_kind;
  std::string m_holder;
};

/// A request whose field `field()` (e.g. "quantity") is missing or wrong.
class field_error : public input_error {
 public:
  field_error(std::string field, const std::string& message)
      : input_error(message), m_field(std::move(field)) {}
  const std::string& field() const noexcept { return m_field; }

 private:
  std::string m_field;
};

/// Long work stopped on request (Ctrl-C); nothing of it was kept.
class interrupted_error : public error {
 public:
  using error::error;
};

}  // namespace geo
