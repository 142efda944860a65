#include "tiles/simplified_areas.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace tiles {

namespace {

// A point in tile units of one zoom, near one latitude: distances there are Web Mercator's.
struct unit_point {
  double u;
  double v;
};

// Minimal shapes are this many units wide, so rounding to the grid cannot flatten them.
constexpr double minimal_width = 3.0;
// Below this extent or area (units, units²) a ring counts as collapsed.
constexpr double collapsed_extent = 2.0;
constexpr double collapsed_area = 2.0;

struct unit_scale {
  double per_lon;  // units per degree of longitude
  double per_lat;  // units per degree of latitude, at the polygon's latitude

  unit_scale(double unit, double lat)
      : per_lon(1.0 / unit), per_lat(1.0 / (unit * std::cos(lat * std::numbers::pi / 180.0))) {}
};

double distance_to_segment(const unit_point& p, const unit_point& a, const unit_point& b) {
  const double du = b.u - a.u;
  const double dv = b.v - a.v;
  const double length2 = du * du + dv * dv;
  double t = length2 > 0 ? ((p.u - a.u) * du + (p.v - a.v) * dv) / length2 : 0.0;
  t = std::clamp(t, 0.0, 1.0);
  return std::hypot(p.u - (a.u + t * du), p.v - (a.v + t * dv));
}

// Douglas–Peucker over points[first..last], marking kept points; iterative so a long ring
// cannot overflow the stack.
void mark_kept(const std::vector<unit_point>& points, std::size_t first, std::size_t last,
               std::vector<bool>& kept) {
  std::vector<std::pair<std::size_t, std::size_t>> spans{{first, last}};
  while (!spans.empty()) {
    const auto [a, b] = spans.back();
    spans.pop_back();
    double farthest = 0;
    std::size_t at = a;
    for (std::size_t i = a + 1; i < b; ++i) {
      const double d = distance_to_segment(points[i], points[a], points[b % points.size()]);
      if (d > farthest) farthest = d, at = i;
    }
    if (farthest <= 1.0) continue;
    kept[at] = true;
    spans.push_back({a, at});
    spans.push_back({at, b});
  }
}

double doubled_area(const std::vector<unit_point>& ring) {
  double sum = 0;
  for (std::size_t i = 0; i < ring.size(); ++i) {
    const unit_point& a = ring[i];
    const unit_point& b = ring[(i + 1) % ring.size()];
    sum += a.u * b.v - b.u * a.v;
  }
  return sum;
}

bool collapsed(const std::vector<unit_point>& ring) {
  if (ring.size() < 3) return true;
  const auto [min_u, max_u] =
      std::minmax_element(ring.begin(), ring.end(), [](auto& a, auto& b) { return a.u < b.u; });
  const auto [min_v, max_v] =
      std::minmax_element(ring.begin(), ring.end(), [](auto& a, auto& b) { return a.v < b.v; });
  return max_u->u - min_u->u < collapsed_extent || max_v->v - min_v->v < collapsed_extent ||
         std::abs(doubled_area(ring)) < 2.0 * collapsed_area;
}

// The ring's points in units, without its closing point.
std::vector<unit_point> to_units(const geo::ring& ring, const unit_scale& scale) {
  std::vector<unit_point> out;
  const std::size_t n = ring.size() / 2;
  for (std::size_t i = 0; i < n; ++i)
    out.push_back({ring[2 * i] * scale.per_lon, ring[2 * i + 1] * scale.per_lat});
  if (out.size() > 1 && out.front().u == out.back().u && out.front().v == out.back().v)
    out.pop_back();
  return out;
}

// The ring simplified, closed again; empty when it collapses.
geo::ring simplified_ring(const geo::ring& ring, const unit_scale& scale) {
  const std::vector<unit_point> points = to_units(ring, scale);
  if (points.size() < 3) return {};
  // Split the closed ring at its first point and the point farthest from it.
  std::size_t far = 0;
  double far_distance = -1;
  for (std::size_t i = 1; i < points.size(); ++i) {
    const double d = std::hypot(points[i].u - points[0].u, points[i].v - points[0].v);
    if (d > far_distance) far_distance = d, far = i;
  }
  std::vector<bool> kept(points.size(), false);
  kept[0] = kept[far] = true;
  mark_kept(points, 0, far, kept);
  mark_kept(points, far, points.size(), kept);  // index size() stands for point 0 again
  std::vector<unit_point> kept_points;
  geo::ring out;
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (!kept[i]) continue;
    kept_points.push_back(points[i]);
    out.push_back(ring[2 * i]);
    out.push_back(ring[2 * i + 1]);
  }
  if (collapsed(kept_points)) return {};
  out.push_back(out[0]);
  out.push_back(out[1]);
  return out;
}

double middle_latitude(const geo::ring& ring) {
  double low = INFINITY, high = -INFINITY;
  for (std::size_t i = 1; i < ring.size(); i += 2)
    low = std::min(low, ring[i]), high = std::max(high, ring[i]);
  return ring.empty() ? 0.0 : 0.5 * (low + high);
}

// The area-weighted centroid of a ring in degrees, and its doubled area (for picking the
// largest polygon); the mean of its points when it has no area.
struct centroid_of_ring {
  double x = 0, y = 0, area2 = 0;
};

centroid_of_ring centroid(const geo::ring& ring) {
  centroid_of_ring c;
  const std::size_t n = ring.size() / 2;
  if (n == 0) return c;
  double cx = 0, cy = 0, a2 = 0;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const double x0 = ring[2 * i], y0 = ring[2 * i + 1], x1 = ring[2 * i + 2], y1 = ring[2 * i + 3];
    const double cross = x0 * y1 - x1 * y0;
    a2 += cross, cx += (x0 + x1) * cross, cy += (y0 + y1) * cross;
  }
  if (a2 != 0) return {cx / (3 * a2), cy / (3 * a2), std::abs(a2)};
  for (std::size_t i = 0; i < n; ++i)
    c.x += ring[2 * i] / double(n), c.y += ring[2 * i + 1] / double(n);
  return c;
}

// A square `minimal_width` units wide around the centroid of the shape's largest polygon,
// counter-clockwise in lon/lat like a GeoJSON exterior.
geo::multipolygon minimal_shape(const geo::multipolygon& shape, double unit) {
  centroid_of_ring best;
  bool found = false;
  for (const geo::polygon& p : shape) {
    if (p.rings.empty()) continue;
    const centroid_of_ring c = centroid(p.rings.front());
    if (!found || c.area2 > best.area2) best = c, found = true;
  }
  if (!found) return {};
  const unit_scale scale(unit, best.y);
  const double hx = 0.5 * minimal_width / scale.per_lon;
  const double hy = 0.5 * minimal_width / scale.per_lat;
  const double x0 = best.x - hx, x1 = best.x + hx, y0 = best.y - hy, y1 = best.y + hy;
  return {geo::polygon{{{x0, y0, x1, y0, x1, y1, x0, y1, x0, y0}}}};
}

}  // namespace

double unit_at_zoom(std::uint32_t zoom) {
  return 360.0 / std::ldexp(double(tile_extent), static_cast<int>(zoom));
}

geo::multipolygon simplify(const geo::multipolygon& shape, double unit) {
  geo::multipolygon out;
  for (const geo::polygon& polygon : shape) {
    if (polygon.rings.empty()) continue;
    const unit_scale scale(unit, middle_latitude(polygon.rings.front()));
    geo::polygon kept;
    for (const geo::ring& ring : polygon.rings) {
      geo::ring r = simplified_ring(ring, scale);
      if (r.empty()) {
        if (kept.rings.empty()) break;  // the exterior collapsed: its holes go with it
        continue;
      }
      kept.rings.push_back(std::move(r));
    }
    if (!kept.rings.empty()) out.push_back(std::move(kept));
  }
  if (out.empty()) return minimal_shape(shape, unit);
  return out;
}

simplified_areas::simplified_areas(std::vector<entry> areas, std::uint32_t first_zoom)
    : m_areas(std::move(areas)), m_first_zoom(std::min(first_zoom, max_zoom)) {
  for (std::size_t i = 0; i < m_areas.size(); ++i)
    m_index.emplace(m_areas[i].code, i);
}

std::size_t simplified_areas::index_of(const std::string& code) const {
  const auto it = m_index.find(code);
  return it == m_index.end() ? m_areas.size() : it->second;
}

// Projected once per zoom here rather than per vertex and tile: a tile then only scales.
geo::multipolygon simplified_areas::in_world_fractions(geo::multipolygon shape) {
  for (geo::polygon& polygon : shape)
    for (geo::ring& ring : polygon.rings)
      for (std::size_t i = 0; i + 1 < ring.size(); i += 2) {
        const tile_pixel w = world_fraction(ring[i], ring[i + 1]);
        ring[i] = w.x;
        ring[i + 1] = w.y;
      }
  return shape;
}

const geo::multipolygon& simplified_areas::at(std::size_t index, std::uint32_t zoom) const {
  zoom = std::clamp(zoom, m_first_zoom, max_zoom);
  std::call_once(m_once[zoom], [&] { compute(zoom); });
  return *m_by_zoom[zoom][index];
}

void simplified_areas::compute(std::uint32_t zoom) const {
  const double unit = unit_at_zoom(zoom);
  // Neighbouring zooms done already (another thread may be computing one: not read until its
  // m_computed says it is complete).
  std::vector<const std::vector<const geo::multipolygon*>*> neighbours;
  for (const std::uint32_t z : {zoom - 1, zoom + 1})  // zoom 0's "- 1" wraps beyond max_zoom
    if (z <= max_zoom && m_computed[z].load(std::memory_order_acquire))
      neighbours.push_back(&m_by_zoom[z]);
  std::vector<geo::multipolygon> shapes;
  shapes.reserve(m_areas.size());
  std::vector<std::size_t> own_at(m_areas.size());
  std::vector<const geo::multipolygon*> by_area(m_areas.size(), nullptr);
  for (std::size_t i = 0; i < m_areas.size(); ++i) {
    geo::multipolygon shape = in_world_fractions(simplify(*m_areas[i].shape, unit));
    for (const auto* n : neighbours)
      if (*(*n)[i] == shape) {
        by_area[i] = (*n)[i];
        break;
      }
    if (by_area[i]) continue;
    own_at[i] = shapes.size();
    shapes.push_back(std::move(shape));
  }
  shapes.shrink_to_fit();
  m_own[zoom] = std::move(shapes);
  for (std::size_t i = 0; i < m_areas.size(); ++i)
    if (!by_area[i]) by_area[i] = &m_own[zoom][own_at[i]];
  m_by_zoom[zoom] = std::move(by_area);
  m_computed[zoom].store(true, std::memory_order_release);
  ++m_zooms_computed;
}

}  // namespace tiles
