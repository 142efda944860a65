#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "geo/multipolygon.hpp"
#include "tiles/tile_id.hpp"

namespace tiles {

/// One tile unit at `zoom` in degrees of longitude: (360 / 2^zoom) / 4096. A degree of
/// latitude spans 1 / cos(latitude) as many units in Web Mercator.
double unit_at_zoom(std::uint32_t zoom);

/// `shape` simplified with Douglas–Peucker so no removed point lay more than `unit` (degrees
/// of longitude; latitude scaled by 1 / cos at each polygon's latitude, as Web Mercator does)
/// from the kept outline. Holes and polygons that shrink below about two units across are
/// dropped; if every polygon would, the shape becomes a square three units wide around the
/// centroid of its largest polygon, so an area never vanishes from a map at some zoom.
geo::multipolygon simplify(const geo::multipolygon& shape, double unit);

/// Shapes of a set of areas simplified for each zoom to about one tile unit. A zoom's shapes
/// are all computed on the first request for it, once, and kept: tiles never simplify per
/// request. Safe from many threads (one std::call_once per zoom).
class simplified_areas {
 public:
  struct entry {
    std::string code;
    const geo::multipolygon* shape;  // not owned: must outlive this (the engine's do)
  };

  explicit simplified_areas(std::vector<entry> areas);
  simplified_areas(const simplified_areas&) = delete;
  simplified_areas& operator=(const simplified_areas&) = delete;

  std::size_t size() const { return m_areas.size(); }
  const std::string& code(std::size_t index) const { return m_areas[index].code; }
  /// The position of an area's code, or size() for an unknown one.
  std::size_t index_of(const std::string& code) const;
  /// Area `index`'s shape at `zoom` (0..22; higher zooms take 22's), in Web Mercator world
  /// fractions (world_fraction), for clip_world_to_tile.
  const geo::multipolygon& at(std::size_t index, std::uint32_t zoom) const;
  /// How many zooms have been simplified so far (each once).
  std::size_t zooms_computed() const { return m_zooms_computed.load(); }

 private:
  void compute(std::uint32_t zoom) const;
  static geo::multipolygon in_world_fractions(geo::multipolygon shape);

  std::vector<entry> m_areas;
  std::unordered_map<std::string, std::size_t> m_index;
  mutable std::array<std::once_flag, max_zoom + 1> m_once;
  mutable std::array<std::vector<geo::multipolygon>, max_zoom + 1> m_by_zoom;
  mutable std::atomic<std::size_t> m_zooms_computed{0};
};

}  // namespace tiles
