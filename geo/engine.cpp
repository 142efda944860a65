#include "geo/engine.hpp"

#include <algorithm>

#include "geo/coarse_position.hpp"
#include "geo/geos_context.hpp"
#include "geo/geos_geometry.hpp"
#include "geo/multipolygon.hpp"
#include "geo/pledge.hpp"

namespace geo {
namespace {

target_status status_from(const std::string& pledge_status) {
  return pledge_status == "delivered" ? target_status::delivered : target_status::pledged;
}

}  // namespace

engine::engine(store& s) {
  geos_context geos;
  std::array<std::vector<area_index::entry>, 5> entries;
  for (admin_level level : all_admin_levels)
    for (area& a : s.load_areas(level)) {
      const geos_geometry g = geos_geometry::from_wkb(geos, a.wkb);
      entries[static_cast<std::size_t>(level)].push_back({a.code, to_multipolygon(g), a.box});
      m_area_by_code.emplace(a.code, m_areas.size());
      m_areas.push_back(std::move(a));
    }
  // load_areas gives each level by code, so a point on a shared edge goes to the first code.
  for (std::size_t level = 0; level < entries.size(); ++level)
    m_area_index[level] = area_index(std::move(entries[level]));

  m_targets = s.load_targets();
  // In id order, so that the index's ties (by item) are ties by id.
  std::sort(m_targets.begin(), m_targets.end(),
            [](const target& a, const target& b) { return a.id < b.id; });
  m_status.assign(m_targets.size(), target_status::open);
  std::vector<target_index::entry> points, coarse;
  for (std::size_t i = 0; i < m_targets.size(); ++i) {
    const target& t = m_targets[i];
    m_target_by_id.emplace(t.id, i);
    if (t.lon && t.lat) {
      const auto item = static_cast<std::uint32_t>(m_located.size());
      points.push_back({*t.lon, *t.lat, item});
      const lon_lat spot = coarse_position(*t.lon, *t.lat);
      coarse.push_back({spot.lon, spot.lat, item});
      m_located.push_back(static_cast<std::uint32_t>(i));
    }
  }
  m_target_index = target_index(std::move(points));
  m_coarse_index = target_index(std::move(coarse));

  for (const pledge& p : s.load_pledges()) {
    if (!is_active_status(p.status)) continue;
    const auto it = m_target_by_id.find(p.target_id);
    if (it != m_target_by_id.end()) m_status[it->second] = status_from(p.status);
  }
  for (std::size_t i = 0; i < m_targets.size(); ++i)
    count(m_targets[i], m_status[i], +1);
}

const area* engine::find_area(const std::string& code) const {
  const auto it = m_area_by_code.find(code);
  return it == m_area_by_code.end() ? nullptr : &m_areas[it->second];
}

engine::admin_chain engine::chain_of(const area& a) const {
  admin_chain chain;
  for (const area* at = &a; at;
       at = at->parent_code.empty() ? nullptr : find_area(at->parent_code)) {
    switch (at->level) {
      case admin_level::kota:
        chain.kota = at;
        break;
      case admin_level::kecamatan:
        chain.kecamatan = at;
        break;
      case admin_level::kelurahan:
        chain.kelurahan = at;
        break;
      case admin_level::rw:
        chain.rw = at;
        break;
      case admin_level::rt:
        chain.rt = at;
        break;
    }
    if (at->level == admin_level::kota) break;
  }
  return chain;
}

engine::admin_chain engine::lookup(double lon, double lat) const {
  // The smallest area found gives the chain above it; where RTs leave a gap, a larger level
  // still answers.
  for (auto level = static_cast<int>(admin_level::rt); level >= 0; --level)
    if (const area_index::entry* e = m_area_index[static_cast<std::size_t>(level)].find(lon, lat))
      return chain_of(*find_area(e->code));
  return {};
}

const target* engine::find_target(const std::string& id) const {
  const auto it = m_target_by_id.find(id);
  return it == m_target_by_id.end() ? nullptr : &m_targets[it->second];
}

target_status engine::status_of(const target& t) const {
  return m_status[static_cast<std::size_t>(&t - m_targets.data())];
}

std::vector<engine::nearby_target> engine::nearest(const nearest_query& q) const {
  const auto accept = [&](std::uint32_t item) {
    const std::size_t i = m_located[item];
    return (!q.program || m_targets[i].program == *q.program) &&
           (!q.status || m_status[i] == *q.status);
  };
  const bool filtered = q.program || q.status;
  std::vector<nearby_target> out;
  const target_index& index = q.positions == precision::exact ? m_target_index : m_coarse_index;
  for (const target_index::hit& h :
       index.nearest(q.lon, q.lat, q.k, q.max_distance_m,
                     filtered ? target_index::filter(accept) : target_index::filter())) {
    const std::size_t i = m_located[h.item];
    out.push_back({&m_targets[i], m_status[i], h.distance_m});
  }
  return out;
}

std::optional<coverage> engine::coverage_of(const std::string& code,
                                            const std::optional<std::string>& program) const {
  if (!find_area(code)) return std::nullopt;
  std::size_t slot = 0;
  if (program) {
    const auto s = program_slot(*program);
    if (!s) return std::nullopt;
    slot = *s;
  }
  const auto it = m_coverage.find(code);
  return it == m_coverage.end() ? coverage{} : it->second[slot];
}

void engine::set_status(const target& t, target_status status) {
  const auto i = static_cast<std::size_t>(&t - m_targets.data());
  count(t, m_status[i], -1);
  m_status[i] = status;
  count(t, status, +1);
}

void engine::count(const target& t, target_status status, int sign) {
  const std::optional<std::size_t> slot = program_slot(t.program);
  for (const std::string* code :
       {&t.rt_code, &t.rw_code, &t.kelurahan_code, &t.kecamatan_code, &t.kota_code}) {
    if (code->empty()) continue;
    program_coverage& c = m_coverage[*code];
    c[0].count(status, t.priority, sign);
    if (slot) c[*slot].count(status, t.priority, sign);
  }
}

}  // namespace geo
