#pragma once
#include <stdexcept>

namespace tiles {

/// Base of every error raised while making tiles; the message names what and where.
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A tile address out of range (zoom, x or y), named with its value and the allowed range.
class tile_error : public error {
 public:
  using error::error;
};

/// A request parameter a tile cannot be made for, such as an unknown program; the message
/// names the parameter and its value.
class parameter_error : public error {
 public:
  using error::error;
};

}  // namespace tiles
