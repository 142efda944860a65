#include "geo/import/target_import.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "geo/engine/edge_tolerance.hpp"
#include "geo/error.hpp"
#include "geo/import/csv_reader.hpp"
#include "geo/import/csv_rows.hpp"
#include "geo/import/text_file.hpp"
#include "geo/number_parse.hpp"
#include "geo/utc_time.hpp"

namespace geo {
namespace {

// One unit of double rounding at longitude 106: a point nearer than that to an edge is on it
// whatever the arithmetic of the point-in-polygon test says, so the tolerance did not place it.
constexpr double rounding = 2e-14;

std::string padded(std::string_view number, std::size_t width) {
  std::string out(trim(number));
  if (out.size() < width) out.insert(0, width - out.size(), '0');
  return out;
}

std::string quoted(std::string_view text) {
  return "'" + std::string(text) + "'";
}

// The areas near a point that lies in none of them: a sweep over the areas' boxes sorted by
// their west edge. Only points outside every area ask, and they are few (gaps between RTs,
// points beyond the coast, swapped coordinates), so no finer index is needed.
class nearby_areas {
 public:
  explicit nearby_areas(const area_index& index) : m_index(index) {
    for (std::size_t i = 0; i < index.size(); ++i) {
      const bbox& b = index.at(i).box;
      if (b.is_empty()) continue;
      m_by_west.push_back(i);
      m_widest = std::max(m_widest, b.max_x - b.min_x);
      m_extent.expand(b);
    }
    std::sort(m_by_west.begin(), m_by_west.end(), [&](std::size_t a, std::size_t b) {
      return index.at(a).box.min_x < index.at(b).box.min_x;
    });
  }

  // The area nearest to (x, y) within `tolerance`, the first by code among equally near ones;
  // nullptr when none is that near.
  const area_index::entry* nearest(double x, double y, double tolerance) const {
    if (m_by_west.empty() || x < m_extent.min_x - tolerance || x > m_extent.max_x + tolerance ||
        y < m_extent.min_y - tolerance || y > m_extent.max_y + tolerance)
      return nullptr;
    const auto first = std::lower_bound(
        m_by_west.begin(), m_by_west.end(), x - tolerance - m_widest,
        [&](std::size_t i, double west) { return m_index.at(i).box.min_x < west; });
    const area_index::entry* best = nullptr;
    double best_distance = tolerance;
    for (auto it = first; it != m_by_west.end() && m_index.at(*it).box.min_x <= x + tolerance;
         ++it) {
      const area_index::entry& e = m_index.at(*it);
      if (x > e.box.max_x + tolerance || y < e.box.min_y - tolerance || y > e.box.max_y + tolerance)
        continue;
      const double d = edge_distance(e.shape, x, y);
      if (d < best_distance || (d == best_distance && (!best || e.code < best->code))) {
        best = &e;
        best_distance = d;
      }
    }
    return best;
  }

 private:
  const area_index& m_index;
  std::vector<std::size_t> m_by_west;
  double m_widest = 0;
  bbox m_extent;
};

// Where a point lies among the areas of one level, and whether the edge tolerance decided it.
struct placement {
  const area_index::entry* area = nullptr;
  bool by_tolerance = false;
};

// `area`, which lies within the tolerance of (x, y) or covers it, placed by the tolerance
// unless the point is on it within rounding.
placement near_placement(const area_index::entry* area, double x, double y) {
  return {area,
          area && !covers_point(area->shape, x, y) && edge_distance(area->shape, x, y) > rounding};
}

// The edge tolerance rule (docs/import.md): the declared area if the point lies in it or within
// the tolerance of it; else the first area by code that holds the point; else the nearest area
// within the tolerance.
placement place(const area_index& index, const nearby_areas& nearby, const std::string& declared,
                double x, double y) {
  if (index.covers(declared, x, y)) return {index.by_code(declared), false};
  const area_index::entry* own = index.by_code(declared);
  if (own && edge_distance(own->shape, x, y) <= edge_tolerance) return near_placement(own, x, y);
  if (const area_index::entry* holder = index.find(x, y)) return {holder, false};
  return near_placement(nearby.nearest(x, y, edge_tolerance), x, y);
}

// The codes above an area, walked once per area instead of once per target.
struct area_chain {
  std::string rw, kelurahan, kecamatan, kota;
};

std::vector<area_chain> chains_of(const area_index& index, const area_lookup& areas, bool from_rt) {
  const auto parent = [&](const std::string& code) {
    const auto it = areas.parent_of.find(code);
    return it == areas.parent_of.end() ? std::string() : it->second;
  };
  std::vector<area_chain> chains(index.size());
  for (std::size_t i = 0; i < index.size(); ++i) {
    area_chain& c = chains[i];
    if (from_rt) {
      c.rw = parent(index.at(i).code);
      c.kelurahan = parent(c.rw);
    } else {
      c.kelurahan = index.at(i).code;
    }
    c.kecamatan = parent(c.kelurahan);
    c.kota = parent(c.kecamatan);
  }
  return chains;
}

class target_row_checker {
 public:
  enum class column : std::size_t {
    id,
    program,
    need,
    household_size,
    priority,
    lon,
    lat,
    kode_kel,
    rw,
    rt,
    registered_at,
    count
  };

  target_row_checker(const area_lookup& areas, const csv_columns& columns)
      : m_areas(areas),
        m_rt_chains(chains_of(areas.rt, areas, true)),
        m_kelurahan_chains(chains_of(areas.kelurahan, areas, false)),
        m_nearby_rt(areas.rt),
        m_nearby_kelurahan(areas.kelurahan) {
    static constexpr std::string_view names[static_cast<std::size_t>(column::count)] = {
        "id",       "program", "need", "household_size", "priority", "lon", "lat",
        "kode_kel", "rw",      "rt",   "registered_at"};
    for (std::size_t c = 0; c < std::size(names); ++c)
      m_position[c] = columns[names[c]];
  }

  void expect_rows(std::size_t rows) { m_first_row.reserve(rows); }

  // Fills `t` from the row and records every fault in `verdict`, the rejected row's too (the
  // first rejection noted stays its reason); returns false when the row is rejected.
  // `by_tolerance` tells whether the edge tolerance placed the point.
  bool check(const csv_record& r, target& t, row_verdict& verdict, bool& by_tolerance) {
    const auto field = [&](column c) -> std::string_view {
      return r.fields[m_position[static_cast<std::size_t>(c)]];
    };
    t.id = trim(field(column::id));
    t.row = r.row;
    if (t.id.empty()) {
      reject(verdict, "no_id", "id is empty");
    } else if (auto [it, fresh] = m_first_row.emplace(t.id, r.row); !fresh) {
      reject(verdict, "duplicate", "duplicate of row " + std::to_string(it->second));
    }
    t.program = program_name(field(column::program));
    if (!is_program(t.program))
      reject(verdict, "unknown_program", "unknown program " + quoted(trim(field(column::program))));
    t.need = trim(field(column::need));
    const auto priority = parse_integer(field(column::priority));
    if (!priority || *priority < 1 || *priority > 5)
      reject(verdict, "priority",
             "priority " + quoted(field(column::priority)) + " is not a whole number 1 to 5");
    else
      t.priority = static_cast<int>(*priority);
    const auto size = parse_integer(field(column::household_size));
    if (!size || *size < 1 || *size > 1000)
      reject(verdict, "household_size",
             "household_size " + quoted(field(column::household_size)) +
                 " is not a whole number of at least 1");
    else
      t.household_size = static_cast<int>(*size);
    t.registered_at = trim(field(column::registered_at));
    if (!t.registered_at.empty() && !is_iso_date(t.registered_at)) {
      verdict.note(outcome::flagged, "registered_at",
                   "registered_at " + quoted(t.registered_at) + " is not a date YYYY-MM-DD");
      t.registered_at.clear();
    }
    const std::string kelurahan(trim(field(column::kode_kel)));
    t.declared_rt = kelurahan + padded(field(column::rw), 3) + padded(field(column::rt), 3);
    m_by_tolerance = false;
    locate(field(column::lon), field(column::lat), kelurahan, t, verdict);
    by_tolerance = m_by_tolerance;
    return verdict.result() != outcome::rejected;
  }

 private:
  static void reject(row_verdict& verdict, std::string_view reason, std::string message) {
    verdict.note(outcome::rejected, reason, std::move(message));
  }

  void locate(std::string_view lon_text, std::string_view lat_text, const std::string& kelurahan,
              target& t, row_verdict& verdict) {
    if (trim(lon_text).empty() || trim(lat_text).empty())
      return locate_declared(lon_text, lat_text, t, verdict);
    const auto lon = parse_decimal(lon_text);
    const auto lat = parse_decimal(lat_text);
    if (!lon || !lat)
      return reject(
          verdict, "not_a_number",
          (lon ? "lat " + quoted(lat_text) : "lon " + quoted(lon_text)) + " is not a number");
    if (lon->decimal_comma || lat->decimal_comma)
      verdict.note(outcome::normalized, "decimal_comma", "decimal comma read as a point");
    double x = lon->value;
    double y = lat->value;
    const area_index::entry* rt = find_rt(t.declared_rt, x, y);
    const area_index::entry* kel = rt ? nullptr : find_kelurahan(kelurahan, x, y);
    if (!rt && !kel) {
      if (!covers_declared(m_areas.kelurahan, kelurahan, y, x))
        return reject(verdict, "outside",
                      "point (" + std::string(trim(lon_text)) + ", " + std::string(trim(lat_text)) +
                          ") lies outside every imported boundary");
      std::swap(x, y);
      verdict.note(outcome::corrected, "swapped_lon_lat",
                   "longitude and latitude were swapped; the swapped point lies in the declared "
                   "kelurahan " +
                       kelurahan);
      rt = find_rt(t.declared_rt, x, y);
      kel = rt ? nullptr : m_areas.kelurahan.by_code(kelurahan);
    }
    t.lon = x;
    t.lat = y;
    if (rt) {
      if (rt->code != t.declared_rt)
        verdict.note(outcome::flagged, "other_rt",
                     "point lies in RT " + rt->code + ", declared RT " + t.declared_rt);
      assign(t, *rt);
    } else {
      verdict.note(
          outcome::flagged, "no_rt",
          "point lies in kelurahan " + kel->code + " but in no RT; declared RT " + t.declared_rt);
      assign_kelurahan(t, *kel);
    }
  }

  // A row without coordinates counts for its declared RT.
  void locate_declared(std::string_view lon_text, std::string_view lat_text, target& t,
                       row_verdict& verdict) const {
    const area_index::entry* declared = m_areas.rt.by_code(t.declared_rt);
    if (!declared)
      return reject(verdict, "unlocated_unknown_rt",
                    "no coordinates and the declared RT " + t.declared_rt + " does not exist");
    const std::string what =
        trim(lon_text).empty() && trim(lat_text).empty() ? "no coordinates" : "lon or lat missing";
    // A rejected row is counted nowhere; its message only lists the fault.
    if (verdict.result() == outcome::rejected)
      return verdict.note(outcome::unlocated, "no_coordinates", what);
    verdict.note(outcome::unlocated, "no_coordinates",
                 what + "; counted for its declared RT " + t.declared_rt);
    assign(t, *declared);
  }

  // True when the declared area holds the point or lies within the edge tolerance of it.
  bool covers_declared(const area_index& index, const std::string& declared, double x, double y) {
    if (index.covers(declared, x, y)) return true;
    const area_index::entry* own = index.by_code(declared);
    if (!own || edge_distance(own->shape, x, y) > edge_tolerance) return false;
    m_by_tolerance = m_by_tolerance || near_placement(own, x, y).by_tolerance;
    return true;
  }

  const area_index::entry* find_rt(const std::string& declared, double x, double y) {
    const placement p = place(m_areas.rt, m_nearby_rt, declared, x, y);
    m_by_tolerance = m_by_tolerance || p.by_tolerance;
    return p.area;
  }

  const area_index::entry* find_kelurahan(const std::string& declared, double x, double y) {
    const placement p = place(m_areas.kelurahan, m_nearby_kelurahan, declared, x, y);
    m_by_tolerance = m_by_tolerance || p.by_tolerance;
    return p.area;
  }

  void assign(target& t, const area_index::entry& rt) const {
    const area_chain& c = m_rt_chains[m_areas.rt.position(rt)];
    t.rt_code = rt.code;
    t.rw_code = c.rw;
    t.kelurahan_code = c.kelurahan;
    t.kecamatan_code = c.kecamatan;
    t.kota_code = c.kota;
  }

  void assign_kelurahan(target& t, const area_index::entry& kelurahan) const {
    const area_chain& c = m_kelurahan_chains[m_areas.kelurahan.position(kelurahan)];
    t.kelurahan_code = c.kelurahan;
    t.kecamatan_code = c.kecamatan;
    t.kota_code = c.kota;
  }

  const area_lookup& m_areas;
  std::size_t m_position[static_cast<std::size_t>(column::count)] = {};
  std::vector<area_chain> m_rt_chains;
  std::vector<area_chain> m_kelurahan_chains;
  nearby_areas m_nearby_rt;
  nearby_areas m_nearby_kelurahan;
  std::unordered_map<std::string, std::size_t> m_first_row;
  bool m_by_tolerance = false;  // for the row being checked
};

}  // namespace

target_import_result import_targets(const std::string& path, const area_lookup& areas,
                                    layer_report& report, progress& progress,
                                    const stop_token& stop) {
  if (areas.rt.size() == 0)
    throw input_error(path + ": no RT areas to place targets in; import the boundaries first");
  const std::string text = read_text_file(path);
  csv_reader reader(text, path);
  const csv_columns columns(reader, {"id", "program", "need", "household_size", "priority", "lon",
                                     "lat", "kode_kel", "rw", "rt", "registered_at"});
  target_row_checker checker(areas, columns);
  // Rows are about 80 bytes; reserving spares rehashing the duplicate check as it grows.
  checker.expect_rows(text.size() / 64);
  target_import_result result;
  for_each_csv_row(reader, "targets", progress, stop, [&](const csv_record& record) {
    target t;
    row_verdict verdict;
    bool kept = false;
    bool by_tolerance = false;
    if (has_header_width(reader, record, verdict)) {
      kept = checker.check(record, t, verdict, by_tolerance);
      if (kept && by_tolerance) ++report.within_tolerance;
    } else if (columns["id"] < record.fields.size()) {
      // Keep the id when the row has one, so a pledge to it says the target was rejected.
      t.id = trim(record.fields[columns["id"]]);
    }
    t.import_outcome = verdict.result();
    report.add(record.row, t.id, verdict, std::string(record.raw));
    if (kept) {
      result.registry.program_of.emplace(t.id, t.program);
      result.targets.push_back(std::move(t));
    } else if (!t.id.empty() && !result.registry.program_of.contains(t.id)) {
      result.registry.rejection_of.emplace(
          t.id, "row " + std::to_string(record.row) + ": " + verdict.message());
    }
  });
  return result;
}

}  // namespace geo
