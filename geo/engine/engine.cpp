#include "geo/engine/engine.hpp"

#include <algorithm>
#include <mutex>
#include <stdexcept>

#include "geo/engine/box_intersection.hpp"
#include "geo/engine/coarse_position.hpp"
#include "geo/geos/geos_context.hpp"
#include "geo/geos/geos_geometry.hpp"
#include "geo/geos/geos_polygons.hpp"
#include "geo/multipolygon.hpp"
#include "geo/pledge.hpp"
#include "geo/text_fold.hpp"

namespace geo {
namespace {

constexpr std::uint32_t no_area = ~0u;

target_status status_from(const std::string& pledge_status) {
  return pledge_status == "delivered" ? target_status::delivered : target_status::pledged;
}

std::size_t slot_of(const std::optional<std::string>& program) {
  if (!program) return 0;
  const auto slot = program_slot(*program);
  return slot ? *slot : 0;
}

bool holds_every_word(std::string_view text, const std::vector<std::string_view>& words) {
  for (std::string_view w : words)
    if (text.find(w) == std::string_view::npos) return false;
  return true;
}

}  // namespace

engine::engine(store& s) {
  geos_context geos;
  std::array<std::vector<area_index::entry>, 5> entries;
  for (admin_level level : all_admin_levels)
    for (area& a : s.load_areas(level)) {
      const geos_geometry g = geos_geometry::from_wkb(geos, a.wkb);
      entries[static_cast<std::size_t>(level)].push_back({a.code, to_multipolygon(g), a.box});
      // The index's plain coordinates are the shape from now on (shape_of); the WKB would only
      // double it in memory.
      a.wkb = {};
      m_area_by_code.emplace(a.code, m_areas.size());
      m_areas.push_back(std::move(a));
    }
  // By code whatever order the store gives: a point on a shared edge goes to the first code,
  // and index positions are positions in areas_at (area_positions_meeting).
  for (std::size_t level = 0; level < entries.size(); ++level) {
    std::sort(
        entries[level].begin(), entries[level].end(),
        [](const area_index::entry& a, const area_index::entry& b) { return a.code < b.code; });
    m_area_index[level] = area_index(std::move(entries[level]));
  }
  for (std::size_t i = 0; i < m_areas.size(); ++i)
    if (!m_areas[i].parent_code.empty()) m_children[m_areas[i].parent_code].push_back(i);
  // Pointers up and from index entries, so that a lookup hashes no codes.
  for (const area& a : m_areas)
    m_parent.push_back(a.parent_code.empty() ? nullptr : find_area(a.parent_code));
  for (std::size_t level = 0; level < m_area_index.size(); ++level)
    for (std::size_t i = 0; i < m_area_index[level].size(); ++i)
      m_area_of_entry[level].push_back(find_area(m_area_index[level].at(i).code));
  m_search_text.reserve(m_areas.size());
  for (const area& a : m_areas) {
    m_folded_name.push_back(fold_for_search(a.name));
    const admin_chain chain = chain_of(a);
    const bool below_kelurahan = a.level == admin_level::rw || a.level == admin_level::rt;
    m_search_text.push_back(fold_for_search(
        below_kelurahan && chain.kelurahan ? a.name + " " + chain.kelurahan->name : a.name));
  }

  m_targets = s.load_targets();
  // In id order, so that the index's ties (by item) are ties by id.
  std::sort(m_targets.begin(), m_targets.end(),
            [](const target& a, const target& b) { return a.id < b.id; });
  m_status.assign(m_targets.size(), target_status::open);
  m_revision.assign(m_areas.size(), 0);
  std::vector<target_index::entry> points, coarse;
  for (std::size_t i = 0; i < m_targets.size(); ++i) {
    const target& t = m_targets[i];
    for (const interned_text* code :
         {&t.rt_code, &t.rw_code, &t.kelurahan_code, &t.kecamatan_code, &t.kota_code})
      if (!code->empty()) m_targets_by_area[*code].push_back(static_cast<std::uint32_t>(i));
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

  m_spot_targets.resize(m_areas.size());
  m_spot_areas.reserve(m_targets.size());
  std::array<std::vector<const area*>, 5> by_level;
  for (admin_level level : all_admin_levels)
    by_level[static_cast<std::size_t>(level)] = areas_at(level);
  for (std::size_t i = 0; i < m_targets.size(); ++i) {
    m_spot_areas.push_back(spot_areas_of(m_targets[i], &by_level));
    for (std::uint32_t a : m_spot_areas.back())
      if (a != no_area) m_spot_targets[a].push_back(static_cast<std::uint32_t>(i));
  }
  // Grown one push at a time, they would keep a quarter of their room unused on average.
  for (auto& [code, members] : m_targets_by_area)
    members.shrink_to_fit();
  for (std::vector<std::uint32_t>& members : m_spot_targets)
    members.shrink_to_fit();

  for (const pledge& p : s.load_pledges()) {
    if (!is_active_status(p.status)) continue;
    if (const target* t = find_target(p.target_id))
      m_status[static_cast<std::size_t>(t - m_targets.data())] = status_from(p.status);
  }
  m_coverage.resize(m_areas.size());
  m_spot_coverage.resize(m_areas.size());
  for (std::size_t i = 0; i < m_targets.size(); ++i)
    count(m_targets[i], m_status[i], +1);
  // After the counting above, which the rankings need not follow: their lists are built on
  // first use from the figures then current.
  std::array<std::vector<std::uint32_t>, 5> by_code;
  for (std::size_t level = 0; level < by_code.size(); ++level)
    for (const area* a : m_area_of_entry[level])
      by_code[level].push_back(static_cast<std::uint32_t>(position_of(*a)));
  std::vector<std::uint8_t> level_of;
  level_of.reserve(m_areas.size());
  for (const area& a : m_areas)
    level_of.push_back(static_cast<std::uint8_t>(a.level));
  m_rankings = std::make_unique<kept_rankings>(std::move(by_code), std::move(level_of));
}

std::array<std::uint32_t, 5> engine::spot_areas_of(
    const target& t, const std::array<std::vector<const area*>, 5>* by_level) const {
  std::array<std::uint32_t, 5> out;
  out.fill(no_area);
  admin_chain chain;
  if (t.lon && t.lat) {
    const lon_lat spot = coarse_position(*t.lon, *t.lat);
    chain = lookup(spot.lon, spot.lat);
    // A cell on the coast or around a small island: its spot may lie in no area though the
    // target does. The smallest area meeting the cell, first by code, keeps the choice the
    // cell's own.
    if (chain.empty()) {
      const bbox cell = bounds_of(cell_of(*t.lon, *t.lat));
      for (auto level = static_cast<int>(admin_level::rt); chain.empty() && level >= 0; --level)
        for (const area* a : by_level ? (*by_level)[static_cast<std::size_t>(level)]
                                      : areas_at(static_cast<admin_level>(level)))
          if (a->box.intersects(cell) && intersects(shape_of(*a), cell)) {
            chain = chain_of(*a);
            break;
          }
    }
  } else if (const area* rw = find_area(t.rw_code)) {
    chain = chain_of(*rw);
  } else if (const area* kelurahan = find_area(t.kelurahan_code)) {
    chain = chain_of(*kelurahan);
  }
  for (const area* a : {chain.kota, chain.kecamatan, chain.kelurahan, chain.rw, chain.rt})
    if (a) out[static_cast<std::size_t>(a->level)] = static_cast<std::uint32_t>(position_of(*a));
  return out;
}

engine::admin_chain engine::spot_chain(const target& t) const {
  admin_chain chain;
  const std::array<std::uint32_t, 5>& at =
      m_spot_areas[static_cast<std::size_t>(&t - m_targets.data())];
  const auto area_at = [&](admin_level level) {
    const std::uint32_t i = at[static_cast<std::size_t>(level)];
    return i == no_area ? nullptr : &m_areas[i];
  };
  chain.kota = area_at(admin_level::kota);
  chain.kecamatan = area_at(admin_level::kecamatan);
  chain.kelurahan = area_at(admin_level::kelurahan);
  chain.rw = area_at(admin_level::rw);
  chain.rt = area_at(admin_level::rt);
  return chain;
}

const area* engine::find_area(const std::string& code) const {
  const auto it = m_area_by_code.find(code);
  return it == m_area_by_code.end() ? nullptr : &m_areas[it->second];
}

engine::admin_chain engine::chain_of(const area& a) const {
  admin_chain chain;
  for (const area* at = &a; at; at = m_parent[static_cast<std::size_t>(at - m_areas.data())]) {
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
      return chain_of(*m_area_of_entry[static_cast<std::size_t>(level)]
                                      [m_area_index[static_cast<std::size_t>(level)].position(*e)]);
  return {};
}

const target* engine::find_target(const std::string& id) const {
  // Targets are in id order (sorted at load, never added to): no table of ids beside them.
  const auto it = std::lower_bound(m_targets.begin(), m_targets.end(), id,
                                   [](const target& t, const std::string& i) { return t.id < i; });
  return it == m_targets.end() || it->id != id ? nullptr : &*it;
}

target_status engine::status_of(const target& t) const {
  const std::shared_lock lock(m_lock);
  return m_status[static_cast<std::size_t>(&t - m_targets.data())];
}

std::vector<engine::nearby_target> engine::nearest(const nearest_query& q) const {
  const auto accept = [&](std::uint32_t item) {
    const std::size_t i = m_located[item];
    return (!q.program || m_targets[i].program == *q.program) &&
           (!q.status || m_status[i] == *q.status) && (!q.only || q.only(m_targets[i]));
  };
  const bool filtered = q.program || q.status || q.only;
  std::vector<nearby_target> out;
  const std::shared_lock lock(m_lock);
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
                                            const std::optional<std::string>& program,
                                            precision basis) const {
  const area* a = find_area(code);
  if (!a) return std::nullopt;
  std::size_t slot = 0;
  if (program) {
    const auto s = program_slot(*program);
    if (!s) return std::nullopt;
    slot = *s;
  }
  const std::shared_lock lock(m_lock);
  return coverage_at(*a, slot, basis);
}

coverage engine::coverage_of(const area& a, std::size_t slot, precision basis) const {
  const std::shared_lock lock(m_lock);
  return coverage_at(a, slot, basis);
}

std::optional<program_coverage> engine::coverages_of(const std::string& code,
                                                     precision basis) const {
  const area* a = find_area(code);
  if (!a) return std::nullopt;
  const std::shared_lock lock(m_lock);
  return (basis == precision::exact ? m_coverage : m_spot_coverage)[position_of(*a)];
}

const coverage& engine::coverage_at(const area& a, std::size_t slot, precision basis) const {
  return (basis == precision::exact ? m_coverage : m_spot_coverage)[position_of(a)][slot];
}

void engine::set_status(const target& t, target_status status) {
  const auto i = static_cast<std::size_t>(&t - m_targets.data());
  const std::unique_lock lock(m_lock);
  ++m_changes;
  count(t, m_status[i], -1);
  m_status[i] = status;
  count(t, status, +1);
}

void engine::locate(const target& t, double lon, double lat, const std::string& rt_code,
                    const std::string& rw_code) {
  const auto i = static_cast<std::uint32_t>(&t - m_targets.data());
  target& placed = m_targets[i];
  if (placed.lon || placed.lat)
    throw std::logic_error("engine::locate: target " + t.id + " is located already");
  const std::unique_lock lock(m_lock);
  ++m_changes;
  count(placed, m_status[i], -1);
  const auto leave = [i](std::vector<std::uint32_t>& members) { std::erase(members, i); };
  for (const interned_text* code : {&placed.rt_code, &placed.rw_code})
    if (!code->empty()) leave(m_targets_by_area[*code]);
  for (std::uint32_t a : m_spot_areas[i])
    if (a != no_area) leave(m_spot_targets[a]);

  placed.lon = lon;
  placed.lat = lat;
  placed.rt_code = rt_code;
  placed.rw_code = rw_code;
  for (const interned_text* code : {&placed.rt_code, &placed.rw_code})
    if (!code->empty()) m_targets_by_area[*code].push_back(i);
  const auto item = static_cast<std::uint32_t>(m_located.size());
  m_located.push_back(i);
  m_target_index.insert({lon, lat, item});
  const lon_lat spot = coarse_position(lon, lat);
  m_coarse_index.insert({spot.lon, spot.lat, item});
  m_spot_areas[i] = spot_areas_of(placed, nullptr);
  for (std::uint32_t a : m_spot_areas[i])
    if (a != no_area) m_spot_targets[a].push_back(i);
  count(placed, m_status[i], +1);
}

void engine::count(const target& t, target_status status, int sign) {
  const std::optional<std::size_t> slot = program_slot(t.program);
  const auto add = [&](program_coverage& c) {
    c[0].count(status, t.priority, sign);
    if (slot) c[*slot].count(status, t.priority, sign);
  };
  for (const interned_text* code :
       {&t.rt_code, &t.rw_code, &t.kelurahan_code, &t.kecamatan_code, &t.kota_code})
    if (const area* a = code->empty() ? nullptr : find_area(*code)) {
      const auto at = static_cast<std::uint32_t>(position_of(*a));
      const program_coverage before = m_coverage[at];
      add(m_coverage[at]);
      if (m_rankings) m_rankings->changed(at, 0, before, m_coverage);
    }
  // Revisions follow the cell: a cache keyed on them is refreshed exactly where the public
  // figures move, so not even its timing tells where the target lies.
  for (std::uint32_t a : m_spot_areas[static_cast<std::size_t>(&t - m_targets.data())])
    if (a != no_area) {
      const program_coverage before = m_spot_coverage[a];
      add(m_spot_coverage[a]);
      if (m_rankings) m_rankings->changed(a, 1, before, m_spot_coverage);
      ++m_revision[a];
    }
}

std::uint64_t engine::revision_of(const area& a) const {
  const std::shared_lock lock(m_lock);
  return m_revision[static_cast<std::size_t>(&a - m_areas.data())];
}

std::vector<target_status> engine::statuses_of(std::span<const target* const> targets) const {
  std::vector<target_status> out;
  out.reserve(targets.size());
  const std::shared_lock lock(m_lock);
  for (const target* t : targets)
    out.push_back(m_status[static_cast<std::size_t>(t - m_targets.data())]);
  return out;
}

engine::revisions engine::revisions_of(std::span<const area* const> areas) const {
  revisions out;
  out.of.reserve(areas.size());
  const std::shared_lock lock(m_lock);
  for (const area* a : areas)
    out.of.push_back(m_revision[static_cast<std::size_t>(a - m_areas.data())]);
  out.changes = m_changes;
  return out;
}

std::uint64_t engine::change_count() const {
  const std::shared_lock lock(m_lock);
  return m_changes;
}

bool engine::unchanged(std::span<const std::pair<const area*, std::uint64_t>> recorded) const {
  const std::shared_lock lock(m_lock);
  for (const auto& [a, revision] : recorded)
    if (m_revision[static_cast<std::size_t>(a - m_areas.data())] != revision) return false;
  return true;
}

std::vector<const area*> engine::areas_at(admin_level level) const {
  return m_area_of_entry[static_cast<std::size_t>(level)];  // index order: by code
}

std::vector<std::uint32_t> engine::area_positions_meeting(admin_level level,
                                                          const bbox& box) const {
  return m_area_index[static_cast<std::size_t>(level)].meeting(box);
}

std::vector<const area*> engine::areas_meeting(admin_level level, const bbox& box) const {
  const std::vector<const area*>& by_position = m_area_of_entry[static_cast<std::size_t>(level)];
  const std::vector<std::uint32_t> positions = area_positions_meeting(level, box);
  std::vector<const area*> out;
  out.reserve(positions.size());
  for (const std::uint32_t i : positions)
    out.push_back(by_position[i]);
  return out;
}

std::vector<const area*> engine::children_of(const area& a) const {
  std::vector<const area*> out;
  if (const auto it = m_children.find(a.code); it != m_children.end())
    for (std::size_t i : it->second)
      out.push_back(&m_areas[i]);
  std::sort(out.begin(), out.end(), [](const area* x, const area* y) { return x->code < y->code; });
  return out;
}

std::vector<const area*> engine::search_areas(std::string_view query,
                                              std::optional<admin_level> level,
                                              std::size_t limit) const {
  const std::string folded = fold_for_search(query);
  const std::vector<std::string_view> words = folded_words(folded);
  struct match {
    int rank;  // 0 exact name, 1 name starts with the query, 2 words found
    const area* where;
  };
  std::vector<match> matches;
  if (words.empty()) return {};
  for (std::size_t i = 0; i < m_areas.size(); ++i) {
    const area& a = m_areas[i];
    if (level && a.level != *level) continue;
    const std::string& text = m_search_text[i];
    if (!holds_every_word(text, words)) continue;
    matches.push_back({m_folded_name[i] == folded ? 0 : text.starts_with(folded) ? 1 : 2, &a});
  }
  std::sort(matches.begin(), matches.end(), [](const match& x, const match& y) {
    if (x.rank != y.rank) return x.rank < y.rank;
    if (x.where->level != y.where->level) return x.where->level < y.where->level;
    if (x.where->name != y.where->name) return x.where->name < y.where->name;
    return x.where->code < y.where->code;
  });
  std::vector<const area*> out;
  for (std::size_t i = 0; i < matches.size() && i < limit; ++i)
    out.push_back(matches[i].where);
  return out;
}

const multipolygon& engine::shape_of(const area& a) const {
  return m_area_index[static_cast<std::size_t>(a.level)].by_code(a.code)->shape;
}

std::vector<const target*> engine::by_id(std::vector<std::uint32_t> positions) const {
  // Positions follow id order (targets are sorted by id at load).
  std::sort(positions.begin(), positions.end());
  std::vector<const target*> out;
  out.reserve(positions.size());
  for (std::uint32_t p : positions)
    out.push_back(&m_targets[p]);
  return out;
}

std::vector<const target*> engine::targets_in(const bbox& box, precision positions) const {
  const target_index& index = positions == precision::exact ? m_target_index : m_coarse_index;
  std::vector<std::uint32_t> found = index.within(box);
  for (std::uint32_t& item : found)
    item = m_located[item];
  return by_id(std::move(found));
}

std::vector<const target*> engine::targets_of(const area& a, precision positions) const {
  if (positions == precision::coarse) return by_id(m_spot_targets[position_of(a)]);
  const auto it = m_targets_by_area.find(a.code);
  return it == m_targets_by_area.end() ? std::vector<const target*>{} : by_id(it->second);
}

std::vector<engine::ranked_area> engine::coverage_ranking(const coverage_query& q) const {
  return coverage_ranking(q, 0, std::numeric_limits<std::size_t>::max()).items;
}

engine::ranking_page engine::coverage_ranking(const coverage_query& q, std::size_t offset,
                                              std::size_t limit) const {
  const std::size_t slot = slot_of(q.program);
  const area* within = q.within ? find_area(*q.within) : nullptr;
  const auto level = static_cast<std::size_t>(q.level);
  const std::size_t basis = q.basis == precision::exact ? 0 : 1;
  const std::vector<program_coverage>& figures = basis == 0 ? m_coverage : m_spot_coverage;
  ranking_page page;
  const auto on_page = [&](std::size_t position) {
    return position >= offset && position - offset < limit;
  };
  const std::shared_lock lock(m_lock);
  // pledged_ratio() is at most 1, so a max_ratio of 1 or more keeps every area: the kept
  // summary and count hold, and the page is a slice.
  if (!within && q.max_ratio >= 1.0) {
    page.summary = m_rankings->summary(level, basis, slot, figures);
    page.number_matched = page.summary.areas;
    page.first = std::min(offset, page.number_matched);
    const std::size_t end =
        page.number_matched - page.first > limit ? page.first + limit : page.number_matched;
    if (end == page.first) return page;  // a summary alone, or a page past the end
    const std::span<const std::uint32_t> order =
        m_rankings->order(level, basis, slot, q.order, figures);
    page.items.reserve(end - page.first);
    for (std::size_t i = page.first; i < end; ++i)
      page.items.push_back({&m_areas[order[i]], figures[order[i]][slot]});
    return page;
  }
  // With `within`: its areas of the level, found down the tree (those whose chain_of holds it).
  std::vector<std::uint32_t> inside;
  if (within) {
    std::vector<const area*> below{within};
    while (!below.empty()) {
      const area* at = below.back();
      below.pop_back();
      if (at->level == q.level) inside.push_back(static_cast<std::uint32_t>(position_of(*at)));
      if (const auto it = m_children.find(at->code); it != m_children.end())
        for (std::size_t child : it->second)
          below.push_back(&m_areas[child]);
    }
  }
  const auto take = [&](std::uint32_t a) {
    const coverage& c = figures[a][slot];
    if (!(c.pledged_ratio() <= q.max_ratio)) return;
    if (on_page(page.number_matched)) page.items.push_back({&m_areas[a], c});
    ++page.number_matched;
    page.summary.count(c, +1);
  };
  const std::size_t level_size = m_area_of_entry[level].size();
  if (within && (limit == 0 || inside.size() * 8 < level_size)) {
    // A small part of the level (an RT list of a kelurahan): sorting it costs less than walking
    // the kept order, and a summary alone needs no order at all.
    if (limit != 0) {
      const auto key = [&](std::uint32_t a) {
        const coverage& c = figures[a][slot];
        const std::uint64_t unserved = c.unserved();
        return q.order == coverage_order::unserved ? std::pair(unserved, c.unmet_priority)
                                                   : std::pair(c.unmet_priority, unserved);
      };
      std::sort(inside.begin(), inside.end(), [&](std::uint32_t x, std::uint32_t y) {
        const auto kx = key(x), ky = key(y);
        if (kx != ky) return kx > ky;
        return m_areas[x].code < m_areas[y].code;
      });
    }
    for (std::uint32_t a : inside)
      take(a);
  } else if (within) {
    // One pass in the kept order, skipping areas elsewhere: the count and summary take every
    // match, the page its slice.
    std::vector<bool> marked(m_areas.size(), false);
    for (std::uint32_t a : inside)
      marked[a] = true;
    for (std::uint32_t a : m_rankings->order(level, basis, slot, q.order, figures))
      if (marked[a]) take(a);
  } else if (limit == 0) {  // a summary alone: any order will do
    for (const area* a : m_area_of_entry[level])
      take(static_cast<std::uint32_t>(position_of(*a)));
  } else {
    for (std::uint32_t a : m_rankings->order(level, basis, slot, q.order, figures))
      take(a);
  }
  page.first = std::min(offset, page.number_matched);
  return page;
}

coverage_summary engine::coverage_ranking_summary(const coverage_query& query) const {
  return coverage_ranking(query, 0, 0).summary;
}

std::size_t engine::kept_ranking_bytes() const {
  const std::shared_lock lock(m_lock);
  return m_rankings->bytes();
}

}  // namespace geo
