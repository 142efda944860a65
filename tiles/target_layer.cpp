#include "tiles/target_layer.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <unordered_set>

#include "geo/engine/coarse_position.hpp"
#include "geo/engine/label_point.hpp"

namespace tiles {

struct target_layer::selection {
  std::vector<const point_order::point*> points;
  std::vector<const geo::target*> targets;  // the same, as targets
  std::vector<bool> exact;                  // whether each is shown at its exact position
};

namespace {

using mode = target_viewer::mode;
constexpr std::size_t program_count = std::size(geo::programs);
// Clusters split a tile into 2^3 x 2^3 cells: about 64 px on a 512 px tile, the size of a
// cluster's circle on a map.
constexpr std::uint32_t cell_zoom_offset = 3;
constexpr std::uint64_t cells_per_tile = 64;

struct tally {
  std::uint64_t count = 0;
  std::array<std::uint64_t, 3> status{};  // by geo::target_status
  std::array<std::uint64_t, program_count> program{};
  double sum_x = 0;
  double sum_y = 0;
};

const char* status_word(geo::target_status s) {
  switch (s) {
    case geo::target_status::pledged:
      return "pledged";
    case geo::target_status::delivered:
      return "delivered";
    default:
      return "open";
  }
}

// Inside the tile's own square: a position at 4096 would belong to the next tile.
tile_point grid_point(tile_pixel p) {
  const auto snap = [](double v) {
    return static_cast<std::int32_t>(std::clamp(std::floor(v), 0.0, double(tile_extent - 1)));
  };
  return {snap(p.x), snap(p.y)};
}

// Target ids are a letter and digits ("T0174286"), so their digits make stable feature ids;
// any other id gets its position among located targets.
std::uint64_t target_feature_id(const std::string& id, std::uint32_t item) {
  const std::size_t first = id.find_first_of("0123456789");
  if (first == 1 && id.find_first_not_of("0123456789", first) == std::string::npos &&
      id.size() - first <= 18)
    return std::stoull(id.substr(first));
  return item + 1ULL;
}

// The keys of a target point, and its values' indices looked up once per distinct value
// rather than once per feature: a z14 tile holds thousands of targets sharing a few programs,
// needs and statuses.
enum class key { kind, id, program, need, priority, status, position, household_size, rt };
constexpr const char* key_names[] = {"kind",   "id",       "program",        "need", "priority",
                                     "status", "position", "household_size", "rt"};

class target_tags {
 public:
  explicit target_tags(mvt_layer& layer) : m_layer(layer) {
    for (std::size_t i = 0; i < std::size(key_names); ++i)
      m_keys[i] = layer.key_index(key_names[i]);
  }
  void add(std::vector<std::uint32_t>& tags, key k, std::uint32_t value) const {
    tags.push_back(m_keys[static_cast<std::size_t>(k)]);
    tags.push_back(value);
  }
  // The index of the string value numbered n among `memo`'s values, made by `text()`.
  template <typename Text>
  std::uint32_t memo(std::vector<std::uint32_t>& memo, std::size_t n, Text text) {
    if (n >= memo.size()) memo.resize(n + 1, unset);
    if (memo[n] == unset) memo[n] = m_layer.value_index(property_value::string(text()));
    return memo[n];
  }
  // The index of a count (negative numbers are shown as 0).
  std::uint32_t memo_count(std::vector<std::uint32_t>& memo, int number) {
    const auto n = static_cast<std::size_t>(std::max(number, 0));
    if (n >= memo.size()) memo.resize(n + 1, unset);
    if (memo[n] == unset) memo[n] = m_layer.value_index(property_value::count(n));
    return memo[n];
  }

  std::vector<std::uint32_t> kind, program, need, priority, status, position, household;

 private:
  static constexpr std::uint32_t unset = ~0u;
  mvt_layer& m_layer;
  std::array<std::uint32_t, std::size(key_names)> m_keys{};
};

std::uint64_t code_feature_id(const std::string& code, std::uint32_t item) {
  if (!code.empty() && code.size() <= 18 &&
      code.find_first_not_of("0123456789") == std::string::npos)
    return std::stoull(code);
  return item + 1ULL;
}

void add_counts(std::vector<property>& out, const tally& t,
                const std::optional<std::string>& program) {
  out.push_back({"count", property_value::count(t.count)});
  out.push_back({"status_open", property_value::count(t.status[0])});
  out.push_back({"status_pledged", property_value::count(t.status[1])});
  out.push_back({"status_delivered", property_value::count(t.status[2])});
  for (std::size_t i = 0; i < program_count; ++i)
    if (!program || geo::programs[i] == *program)
      out.push_back(
          {"program_" + std::string(geo::programs[i]), property_value::count(t.program[i])});
}

// The tags of cell features, the same keys and values as add_counts gives clusters, with the
// keys looked up once per tile and each count once per distinct number: a z14 tile holds
// hundreds of cells sharing a few small counts.
class cell_tags {
 public:
  cell_tags(mvt_layer& layer, const std::optional<std::string>& program) : m_layer(layer) {
    m_kind = {layer.key_index("kind"), layer.value_index(property_value::string("cell"))};
    m_cell = layer.key_index("cell");
    for (const char* k : {"count", "status_open", "status_pledged", "status_delivered"})
      m_count_keys.push_back(layer.key_index(k));
    for (std::size_t i = 0; i < program_count; ++i)
      if (!program || geo::programs[i] == *program)
        m_programs.push_back({i, layer.key_index("program_" + std::string(geo::programs[i]))});
  }

  void tag(std::vector<std::uint32_t>& tags, geo::coarse_cell cell, const tally& t) {
    tags.clear();
    tags.insert(tags.end(), {m_kind.first, m_kind.second, m_cell,
                             m_layer.value_index(property_value::string(
                                 std::to_string(cell.x) + "," + std::to_string(cell.y)))});
    const std::array<std::uint64_t, 4> counts{t.count, t.status[0], t.status[1], t.status[2]};
    for (std::size_t i = 0; i < counts.size(); ++i)
      tags.insert(tags.end(), {m_count_keys[i], number(counts[i])});
    for (const auto& [slot, key] : m_programs)
      tags.insert(tags.end(), {key, number(t.program[slot])});
  }

 private:
  std::uint32_t number(std::uint64_t n) {
    if (n >= m_numbers.size()) m_numbers.resize(n + 1, unset);
    if (m_numbers[n] == unset) m_numbers[n] = m_layer.value_index(property_value::count(n));
    return m_numbers[n];
  }

  static constexpr std::uint32_t unset = ~0u;
  mvt_layer& m_layer;
  std::pair<std::uint32_t, std::uint32_t> m_kind;
  std::uint32_t m_cell = 0;
  std::vector<std::uint32_t> m_count_keys;
  std::vector<std::pair<std::size_t, std::uint32_t>> m_programs;  // slot - 1, key
  std::vector<std::uint32_t> m_numbers;                           // value index by count
};

// A cell's feature id: 2^52 + (x + 200,000) * 2^18 + (y + 100,000), from the cell's numbers
// (|x| <= 200,000, |y| <= 100,000 on Earth). Stable per cell, below 2^53 so that JavaScript
// reads it exactly (geo::cell_key is not, west of Greenwich), and above every target's id (the
// digits of ids of up to 15 digits), so a mixed viewer's points and cells never share one.
std::uint64_t cell_feature_id(geo::coarse_cell cell) {
  return (1ULL << 52) + (static_cast<std::uint64_t>(cell.x + 200000) << 18) +
         static_cast<std::uint64_t>(cell.y + 100000);
}

// The area whose revision a tile showing the target depends on: the RW of its cell, or the
// smallest larger area (geo::engine::revision_of follows the cell).
const geo::area* dependency_of(const geo::engine& engine, const geo::target& t) {
  const geo::engine::admin_chain c = engine.spot_chain(t);
  for (const geo::area* a : {c.rw, c.kelurahan, c.kecamatan, c.kota})
    if (a) return a;
  return nullptr;
}

// True when no target id equals another string a point may carry, so ids, unique among
// targets, need no look-up to stay de-duplicated in a layer.
bool ids_unlike_other_values(const std::vector<const geo::target*>& targets) {
  std::unordered_set<std::string> others{"target", "exact",   "coarse",
                                         "open",   "pledged", "delivered"};
  for (const geo::target* t : targets) {
    others.insert(t->program);
    others.insert(t->need);
    others.insert(t->rt_code);
  }
  return std::none_of(targets.begin(), targets.end(),
                      [&](const geo::target* t) { return others.contains(t->id); });
}

}  // namespace

target_layer::target_layer(const geo::engine& engine, figure_basis figures)
    : m_engine(engine), m_figures(std::move(figures)) {
  m_located = engine.targets_in(geo::bbox{-180, -90, 180, 90}, geo::engine::precision::exact);
  std::vector<point_order::input> exact, coarse;
  for (std::size_t i = 0; i < m_located.size(); ++i) {
    const geo::target& t = *m_located[i];
    const auto item = static_cast<std::uint32_t>(i);
    exact.push_back({*t.lon, *t.lat, item});
    const geo::lon_lat spot = geo::coarse_position(*t.lon, *t.lat);
    coarse.push_back({spot.lon, spot.lat, item});
    m_rw_of.push_back(dependency_of(engine, t));
    m_feature_id.push_back(target_feature_id(t.id, item));
    m_program_slot.push_back(static_cast<std::uint8_t>(geo::program_slot(t.program).value_or(0)));
    const auto need = std::find(m_needs.begin(), m_needs.end(), t.need);
    m_need_number.push_back(static_cast<std::uint32_t>(need - m_needs.begin()));
    if (need == m_needs.end()) m_needs.push_back(t.need);
  }
  m_ids_distinct = ids_unlike_other_values(m_located);
  m_exact = point_order(exact);
  m_coarse = point_order(coarse);

  m_rws = engine.areas_at(geo::admin_level::rw);
  std::vector<point_order::input> markers;
  for (std::size_t i = 0; i < m_rws.size(); ++i) {
    const geo::lon_lat at = geo::label_point(engine.shape_of(*m_rws[i]));
    markers.push_back({at.lon, at.lat, static_cast<std::uint32_t>(i)});
  }
  m_rw_markers = point_order(markers);
}

void target_layer::add_located(const geo::target& t) {
  const auto item = static_cast<std::uint32_t>(m_located.size());
  m_located.push_back(&t);
  m_rw_of.push_back(dependency_of(m_engine, t));
  m_feature_id.push_back(target_feature_id(t.id, item));
  m_program_slot.push_back(static_cast<std::uint8_t>(geo::program_slot(t.program).value_or(0)));
  const auto need = std::find(m_needs.begin(), m_needs.end(), t.need);
  m_need_number.push_back(static_cast<std::uint32_t>(need - m_needs.begin()));
  if (need == m_needs.end()) m_needs.push_back(t.need);
  // Without a look-up over every target: its id against the values it could meet, its values
  // against the ids of every target (located or not; a false alarm only costs look-ups).
  static const std::unordered_set<std::string> words{"target", "exact",   "coarse",
                                                     "open",   "pledged", "delivered"};
  const auto is_id = [&](const std::string& v) { return m_engine.find_target(v) != nullptr; };
  if (words.contains(t.id) || geo::is_program(t.id) ||
      std::find(m_needs.begin(), m_needs.end(), t.id) != m_needs.end() ||
      m_engine.find_area(t.id) || is_id(t.program) || is_id(t.need) || is_id(t.rt_code))
    m_ids_distinct = false;
  m_exact.insert({*t.lon, *t.lat, item});
  const geo::lon_lat spot = geo::coarse_position(*t.lon, *t.lat);
  m_coarse.insert({spot.lon, spot.lat, item});
}

void target_layer::add_to(mvt_layer& layer, const tile_id& tile, const target_viewer& viewer,
                          const std::optional<std::string>& program,
                          std::vector<const geo::area*>& shown) const {
  if (viewer.how == mode::counts_per_rw)
    add_rw_markers(layer, tile, program, shown);
  else
    add_targets(layer, tile, viewer, program, shown);
}

void target_layer::add_targets(mvt_layer& layer, const tile_id& tile, const target_viewer& viewer,
                               const std::optional<std::string>& program,
                               std::vector<const geo::area*>& shown) const {
  selection s;
  // build_tile has checked the program: it has a slot.
  const std::uint8_t wanted = program ? static_cast<std::uint8_t>(*geo::program_slot(*program)) : 0;
  const auto take = [&](const point_order& order, bool exact) {
    for (const point_order::point& p : order.in(tile)) {
      if (wanted && m_program_slot[p.item] != wanted) continue;
      const geo::target& t = *m_located[p.item];
      if (viewer.how == mode::mixed && viewer.exact_for(t) != exact) continue;
      s.points.push_back(&p);
      s.targets.push_back(&t);
      s.exact.push_back(exact);
    }
  };
  if (viewer.how != mode::coarse) take(m_exact, true);
  if (viewer.how != mode::exact) take(m_coarse, false);
  const geo::area* last = nullptr;
  for (const point_order::point* p : s.points)
    if (const geo::area* a = m_rw_of[p->item]; a && a != last) shown.push_back(last = a);

  const std::vector<geo::target_status> statuses = m_engine.statuses_of(s.targets);
  if (tile.z < target_points_from_zoom) return add_clusters(layer, tile, s, statuses, program);
  // The exact picks come first (take above): points for them, cells for the coarse rest.
  const auto coarse_begin =
      static_cast<std::size_t>(std::find(s.exact.begin(), s.exact.end(), false) - s.exact.begin());
  add_points(layer, tile, s, statuses, coarse_begin);
  add_cells(layer, tile, s, statuses, program, coarse_begin);
}

void target_layer::add_points(mvt_layer& layer, const tile_id& tile, const selection& s,
                              std::span<const geo::target_status> statuses, std::size_t end) const {
  if (end == 0) return;
  target_tags tags(layer);
  const point_order::tile_frame frame(tile);
  std::vector<std::uint32_t> tagged;
  for (std::size_t i = 0; i < end; ++i) {
    const geo::target& t = *s.targets[i];
    const std::uint32_t item = s.points[i]->item;
    tagged.clear();
    tags.add(tagged, key::kind, tags.memo(tags.kind, 0, [] { return "target"; }));
    const property_value id = property_value::string(t.id);
    tags.add(tagged, key::id,
             m_ids_distinct ? layer.add_distinct_value(id) : layer.value_index(id));
    const std::uint8_t slot = m_program_slot[item];
    tags.add(tagged, key::program,
             slot ? tags.memo(tags.program, slot, [&] { return t.program; })
                  : layer.value_index(property_value::string(t.program)));
    tags.add(tagged, key::need, tags.memo(tags.need, m_need_number[item], [&] { return t.need; }));
    tags.add(tagged, key::priority, tags.memo_count(tags.priority, t.priority));
    tags.add(tagged, key::status,
             tags.memo(tags.status, static_cast<std::size_t>(statuses[i]),
                       [&] { return status_word(statuses[i]); }));
    tags.add(tagged, key::position, tags.memo(tags.position, s.exact[i] ? 1 : 0, [&] {
      return s.exact[i] ? "exact" : "coarse";
    }));
    if (s.exact[i]) {
      tags.add(tagged, key::household_size, tags.memo_count(tags.household, t.household_size));
      tags.add(tagged, key::rt, layer.value_index(property_value::string(t.rt_code)));
    }
    layer.add_tagged_point(m_feature_id[item], grid_point(frame(*s.points[i])), tagged);
  }
}

void target_layer::add_cells(mvt_layer& layer, const tile_id& tile, const selection& s,
                             std::span<const geo::target_status> statuses,
                             const std::optional<std::string>& program, std::size_t begin) const {
  // The targets of a cell share its spot, so their points share a Morton key and come one
  // run after another in the tile's order; a cell's spot lies in one tile, so its run is whole.
  if (begin == s.points.size()) return;
  const point_order::tile_frame frame(tile);
  cell_tags tags(layer, program);
  std::vector<std::uint32_t> tagged;
  for (std::size_t first = begin; first < s.points.size();) {
    const std::uint64_t spot = s.points[first]->key;
    tally c;
    std::size_t i = first;
    for (; i < s.points.size() && s.points[i]->key == spot; ++i) {
      ++c.count;
      ++c.status[static_cast<std::size_t>(statuses[i])];
      if (const std::uint8_t slot = m_program_slot[s.points[i]->item]) ++c.program[slot - 1];
    }
    const geo::target& t = *s.targets[first];
    const geo::coarse_cell cell = geo::cell_of(*t.lon, *t.lat);
    tags.tag(tagged, cell, c);
    layer.add_tagged_point(cell_feature_id(cell), grid_point(frame(*s.points[first])), tagged);
    first = i;
  }
}

void target_layer::add_clusters(mvt_layer& layer, const tile_id& tile, const selection& s,
                                std::span<const geo::target_status> statuses,
                                const std::optional<std::string>& program) const {
  std::array<tally, cells_per_tile> cells{};
  std::array<std::uint64_t, cells_per_tile> cell_code{};
  const point_order::tile_frame frame(tile);
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    const point_order::point& p = *s.points[i];
    const std::uint64_t code = point_order::cell_of(p, tile.z + cell_zoom_offset);
    const std::size_t cell = code % cells_per_tile;  // the low bits number it within the tile
    cell_code[cell] = code;
    tally& c = cells[cell];
    const tile_pixel at = frame(p);
    ++c.count;
    ++c.status[static_cast<std::size_t>(statuses[i])];
    if (const std::uint8_t slot = m_program_slot[p.item]) ++c.program[slot - 1];
    c.sum_x += at.x;
    c.sum_y += at.y;
  }
  for (std::size_t i = 0; i < cells_per_tile; ++i) {
    const tally& c = cells[i];
    if (c.count == 0) continue;
    std::vector<property> props{{"kind", property_value::string("cluster")}};
    add_counts(props, c, program);
    const tile_point at = grid_point({c.sum_x / double(c.count), c.sum_y / double(c.count)});
    layer.add_points(cell_code[i] + 1, {&at, 1}, props);
  }
}

void target_layer::add_rw_markers(mvt_layer& layer, const tile_id& tile,
                                  const std::optional<std::string>& program,
                                  std::vector<const geo::area*>& shown) const {
  const std::size_t slot = program ? geo::program_slot(*program).value_or(0) : 0;
  const point_order::tile_frame frame(tile);
  for (const point_order::point& p : m_rw_markers.in(tile)) {
    const geo::area& rw = *m_rws[p.item];
    const std::optional<geo::engine::precision> basis = m_figures(rw);
    if (!basis) continue;
    const geo::program_coverage c =
        m_engine.coverages_of(rw.code, *basis).value_or(geo::program_coverage{});
    const geo::coverage& all = c[slot];
    if (all.targets == 0) continue;
    tally t;
    t.count = all.targets;
    t.status = {all.targets - all.pledged, all.pledged - all.delivered, all.delivered};
    for (std::size_t i = 0; i < program_count; ++i)
      t.program[i] = c[i + 1].targets;
    std::vector<property> props{{"kind", property_value::string("rw")},
                                {"code", property_value::string(rw.code)}};
    add_counts(props, t, program);
    const tile_point at = grid_point(frame(p));
    layer.add_points(code_feature_id(rw.code, p.item), {&at, 1}, props);
    shown.push_back(&rw);
  }
}

}  // namespace tiles
