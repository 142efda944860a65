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
/// From some zoom on, simplifying removes no more points (an RT's few corners by zoom ~14,
/// a kelurahan's outline a few zooms later): a shape equal to the one of the zoom just below
/// or above, computed already, is held once for both, not once per zoom (all 23 zooms of
/// Jakarta took ~200 MB held apart).
class simplified_areas {
 public:
  struct entry {
    std::string code;
    const geo::multipolygon* shape;  // not owned: must outlive this (the engine's do)
  };

  /// Shapes for zooms `first_zoom` and above: a source not shown below some zoom (RTs below
  /// 14) never has its shapes simplified for those (33k RTs x 14 zooms were ~80 MB).
  explicit simplified_areas(std::vector<entry> areas, std::uint32_t first_zoom = 0);
  simplified_areas(const simplified_areas&) = delete;
  simplified_areas& operator=(const simplified_areas&) = delete;

  std::size_t size() const { return m_areas.size(); }
  const std::string& code(std::size_t index) const { return m_areas[index].code; }
  /// The position of an area's code, or size() for an unknown one.
  std::size_t index_of(const std::string& code) const;
  /// Area `index`'s shape at `zoom` (0..22; higher zooms take 22's, lower than first_zoom
  /// first_zoom's), in Web Mercator world fractions (world_fraction), for clip_world_to_tile.
  const geo::multipolygon& at(std::size_t index, std::uint32_t zoom) const;
  /// How many zooms have been simplified so far (each once).
  std::size_t zooms_computed() const { return m_zooms_computed.load(); }
  std::uint32_t first_zoom() const { return m_first_zoom; }
  /// True once every zoom from first_zoom to max_zoom is simplified.
  bool all_computed() const { return zooms_computed() == max_zoom + 1 - m_first_zoom; }

 private:
  void compute(std::uint32_t zoom) const;
  static geo::multipolygon in_world_fractions(geo::multipolygon shape);

  std::vector<entry> m_areas;
  std::uint32_t m_first_zoom = 0;
  std::unordered_map<std::string, std::size_t> m_index;
  mutable std::array<std::once_flag, max_zoom + 1> m_once;
  // Each zoom's shapes unlike those of a neighbouring zoom computed before it; never changed
  // once computed, so the pointers of m_by_zoom stay valid.
  mutable std::array<std::vector<geo::multipolygon>, max_zoom + 1> m_own;
  mutable std::array<std::vector<const geo::multipolygon*>, max_zoom + 1> m_by_zoom;  // by area
  mutable std::array<std::atomic<bool>, max_zoom + 1> m_computed{};
  mutable std::atomic<std::size_t> m_zooms_computed{0};
};

}  // namespace tiles
