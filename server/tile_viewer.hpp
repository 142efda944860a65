#pragma once
#include <string>

#include "server/principal.hpp"
#include "tiles/target_layer.hpp"

namespace server {

/// How the caller sees targets in tiles: the privacy rule of target_view (visibility_of) in
/// the form tiles/ takes. Anonymous callers get counts per RW, admins exact positions, a PIC
/// exact positions inside the scope and coarse ones elsewhere, everyone else coarse spots.
tiles::target_viewer tile_viewer_of(const principal& caller);

/// A word naming what the caller may see in a targets layer, the same for callers who see the
/// same: part of a cached tile's key, so one caller's tile is never served to another who may
/// see less.
std::string tile_viewer_key(const principal& caller);

}  // namespace server
