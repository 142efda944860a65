#pragma once
#include "geo/geos/geos_context.hpp"
#include "geo/import/proj_context.hpp"

namespace geo {

/// The library contexts one thread works with. GEOS and PROJ contexts must not be shared by
/// threads working at the same time; geometries made in one context may be used or freed in
/// another once the first thread is done with them.
struct thread_context {
  geos_context geos;
  proj_context proj;
};

}  // namespace geo
