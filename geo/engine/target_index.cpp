#include "geo/engine/target_index.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <tuple>

#include "geo/engine/geodesic.hpp"

namespace geo {
namespace {

// About this many points per cell keeps a nearest-10 search to a few cells.
constexpr double points_per_cell = 8.0;

// How far the local metric may stray from the geodesic, relative, at distance d: measured at
// most 2.4e-5 within 7 km over Jakarta; ten times that, growing with the distance as the
// latitude of the far end departs from the query's. Candidates within this margin of the k-th
// are measured exactly before the cut.
double metric_margin(double d) {
  return 2e-4 + 1e-8 * d;
}

// Metres per degree of longitude and latitude on WGS84 at `lat` (radii of curvature).
struct local_metric {
  double per_lon;
  double per_lat;
  explicit local_metric(double lat) {
    constexpr double a = 6378137.0;
    constexpr double f = 1 / 298.257223563;
    constexpr double e2 = f * (2 - f);
    const double phi = lat * std::numbers::pi / 180;
    const double s = std::sin(phi);
    const double w = std::sqrt(1 - e2 * s * s);
    per_lon = std::numbers::pi / 180 * a * std::cos(phi) / w;
    per_lat = std::numbers::pi / 180 * a * (1 - e2) / (w * w * w);
  }
  // Squared, so the scan needs no square root (glibc's hypot alone was a quarter of a search).
  double distance2(double dlon, double dlat) const {
    const double x = dlon * per_lon, y = dlat * per_lat;
    return x * x + y * y;
  }
};

}  // namespace

target_index::target_index(std::vector<entry> entries) {
  for (const entry& e : entries)
    m_extent.expand(e.lon, e.lat);
  if (entries.empty()) return;
  const double width = std::max(m_extent.max_x - m_extent.min_x, 1e-6);
  const double height = std::max(m_extent.max_y - m_extent.min_y, 1e-6);
  const double side =
      std::sqrt(width * height * points_per_cell / static_cast<double>(entries.size()));
  m_columns = static_cast<long>(std::clamp(std::ceil(width / side), 1.0, 4096.0));
  m_rows = static_cast<long>(std::clamp(std::ceil(height / side), 1.0, 4096.0));
  m_cell_width = width / static_cast<double>(m_columns);
  m_cell_height = height / static_cast<double>(m_rows);

  const auto cell_of = [&](const entry& e) { return cell_index(e.lon, e.lat); };
  std::vector<std::uint32_t> counts(static_cast<std::size_t>(m_columns * m_rows) + 1, 0);
  for (const entry& e : entries)
    ++counts[cell_of(e) + 1];
  for (std::size_t c = 1; c < counts.size(); ++c)
    counts[c] += counts[c - 1];
  m_starts = counts;
  m_entries.resize(entries.size());
  for (const entry& e : entries)
    m_entries[counts[cell_of(e)]++] = e;
  // Equal positions next to each other within a cell, so that a search measures each once.
  for (std::size_t c = 0; c + 1 < m_starts.size(); ++c)
    std::sort(m_entries.begin() + m_starts[c], m_entries.begin() + m_starts[c + 1], in_cell_order);
}

bool target_index::in_cell_order(const entry& a, const entry& b) {
  return std::tie(a.lat, a.lon, a.item) < std::tie(b.lat, b.lon, b.item);
}

std::size_t target_index::cell_index(double lon, double lat) const {
  return static_cast<std::size_t>(std::clamp(row_of(lat), 0L, m_rows - 1) * m_columns +
                                  std::clamp(column_of(lon), 0L, m_columns - 1));
}

void target_index::insert(const entry& e) {
  if (m_entries.empty() || !m_extent.contains(e.lon, e.lat)) {
    // Outside the grid: built again around every point (rare: a point beyond every other).
    std::vector<entry> all = m_entries;
    all.push_back(e);
    *this = target_index(std::move(all));
    return;
  }
  const std::size_t cell = cell_index(e.lon, e.lat);
  const auto first = m_entries.begin() + m_starts[cell];
  const auto last = m_entries.begin() + m_starts[cell + 1];
  m_entries.insert(std::upper_bound(first, last, e, in_cell_order), e);
  for (std::size_t c = cell + 1; c < m_starts.size(); ++c)
    ++m_starts[c];
}

std::vector<std::uint32_t> target_index::within(const bbox& box) const {
  std::vector<std::uint32_t> out;
  if (m_entries.empty() || box.is_empty() || !box.intersects(m_extent)) return out;
  const long first_column = std::max(column_of(box.min_x), 0L);
  const long last_column = std::min(column_of(box.max_x), m_columns - 1);
  const long first_row = std::max(row_of(box.min_y), 0L);
  const long last_row = std::min(row_of(box.max_y), m_rows - 1);
  for (long r = first_row; r <= last_row; ++r)
    for (long c = first_column; c <= last_column; ++c) {
      const auto cell = static_cast<std::size_t>(r * m_columns + c);
      for (std::uint32_t e = m_starts[cell]; e < m_starts[cell + 1]; ++e)
        if (box.contains(m_entries[e].lon, m_entries[e].lat)) out.push_back(m_entries[e].item);
    }
  return out;
}

long target_index::column_of(double lon) const {
  return static_cast<long>(std::floor((lon - m_extent.min_x) / m_cell_width));
}

long target_index::row_of(double lat) const {
  return static_cast<long>(std::floor((lat - m_extent.min_y) / m_cell_height));
}

std::vector<target_index::hit> target_index::nearest(double lon, double lat, std::size_t k,
                                                     double max_distance_m,
                                                     const filter& accept) const {
  if (k == 0 || m_entries.empty()) return {};
  const local_metric metric(lat);
  const long qc = column_of(lon);
  const long qr = row_of(lat);
  struct candidate {
    double approx;
    std::uint32_t item;
    double lon, lat;
  };
  std::vector<candidate> seen;
  std::vector<double> best;  // max-heap of the k smallest approximate distances
  const double max_approx = max_distance_m * (1 + metric_margin(max_distance_m));
  double keep2 = max_approx * max_approx;

  // Rings that miss the grid hold nothing: a query outside it starts at the first that meets it.
  const long first_ring = std::max({0L, -qc, qc - (m_columns - 1), -qr, qr - (m_rows - 1)});
  for (long r = first_ring;; ++r) {
    // Every point of ring r lies outside the box of cells nearer than r, so at least this far.
    if (r > 0) {
      const double west = lon - (m_extent.min_x + static_cast<double>(qc - r + 1) * m_cell_width);
      const double east = m_extent.min_x + static_cast<double>(qc + r) * m_cell_width - lon;
      const double south = lat - (m_extent.min_y + static_cast<double>(qr - r + 1) * m_cell_height);
      const double north = m_extent.min_y + static_cast<double>(qr + r) * m_cell_height - lat;
      const double bound = std::max(0.0, std::min(std::min(west, east) * metric.per_lon,
                                                  std::min(south, north) * metric.per_lat));
      if (bound > max_approx) break;
      if (best.size() == k && bound > best.front() * (1 + metric_margin(best.front()))) break;
      if (qc - r < 0 && qc + r >= m_columns && qr - r < 0 && qr + r >= m_rows) break;
    }
    const auto scan = [&](long row, long col) {
      const auto c = static_cast<std::size_t>(row * m_columns + col);
      for (std::uint32_t i = m_starts[c]; i < m_starts[c + 1]; ++i) {
        const entry& e = m_entries[i];
        const double d2 = metric.distance2(e.lon - lon, e.lat - lat);
        if (d2 > keep2 || (accept && !accept(e.item))) continue;
        const double d = std::sqrt(d2);
        seen.push_back({d, e.item, e.lon, e.lat});
        if (best.size() < k) {
          best.push_back(d);
          std::push_heap(best.begin(), best.end());
        } else if (d < best.front()) {
          std::pop_heap(best.begin(), best.end());
          best.back() = d;
          std::push_heap(best.begin(), best.end());
        } else {
          continue;
        }
        if (best.size() == k) {
          // Beyond the k-th and its margin nothing can make the cut: stop keeping it.
          const double keep = best.front() * (1 + metric_margin(best.front()));
          keep2 = std::min(keep2, keep * keep);
        }
      }
    };
    const long first_col = std::max(qc - r, 0L), last_col = std::min(qc + r, m_columns - 1);
    for (long row = std::max(qr - r, 0L); row <= std::min(qr + r, m_rows - 1); ++row) {
      if (row == qr - r || row == qr + r) {
        for (long col = first_col; col <= last_col; ++col)
          scan(row, col);
      } else {
        if (qc - r >= 0 && qc - r < m_columns) scan(row, qc - r);
        if (r > 0 && qc + r >= 0 && qc + r < m_columns) scan(row, qc + r);
      }
    }
  }

  const double cut =
      best.size() == k ? best.front() * (1 + metric_margin(best.front())) : max_approx;
  std::vector<hit> hits;
  // Points of one cell come out together, and coarse positions put several targets on one spot:
  // those share one geodesic computation.
  double last_lon = std::numeric_limits<double>::quiet_NaN(), last_lat = last_lon, last_d = 0;
  for (const candidate& c : seen)
    if (c.approx <= cut) {
      if (c.lon != last_lon || c.lat != last_lat) {
        last_d = geodesic_distance_m(lon, lat, c.lon, c.lat);
        last_lon = c.lon;
        last_lat = c.lat;
      }
      if (last_d <= max_distance_m) hits.push_back({last_d, c.item});
    }
  std::sort(hits.begin(), hits.end(), [](const hit& a, const hit& b) {
    return a.distance_m != b.distance_m ? a.distance_m < b.distance_m : a.item < b.item;
  });
  if (hits.size() > k) hits.resize(k);
  return hits;
}

}  // namespace geo
