#pragma once
#include <functional>
#include <optional>

#include "geo/engine/engine.hpp"

namespace tiles {

/// Which figures (coverage counts) the areas of a tile carry: exact ones, public ones counted
/// by cell, or none. The server decides it (its privacy rule); tiles/ only follows it.
using figure_basis = std::function<std::optional<geo::engine::precision>(const geo::area& area)>;

}  // namespace tiles
