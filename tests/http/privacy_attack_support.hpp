#pragma once
// What an attacker of tests/http/test_privacy_attacks.cpp knows and learns, computed
// independently of the server: the areas' shapes read with SQL from the server's database,
// each target's ~100 m cell and the areas at its spot (as GET /api/v1/lookup would find them),
// the areas the server's answers tie a target to, and the part of the cell those ties leave.
// Also the slippy-map arithmetic and a reader of vector tiles by GDAL's MVT driver.
#include <gdal.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <numbers>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "geo/admin_level.hpp"
#include "geo/engine/box_intersection.hpp"
#include "geo/engine/coarse_position.hpp"
#include "geo/geos/geos_context.hpp"
#include "geo/geos/geos_geometry.hpp"
#include "geo/geos/geos_polygons.hpp"
#include "geo/import/gdal_dataset.hpp"
#include "geo/import/gdal_feature.hpp"
#include "geo/multipolygon.hpp"
#include "tests/http/api_test_support.hpp"

namespace attack {

using namespace api_test;

// --- areas ---------------------------------------------------------------------------------

struct area_shape {
  std::string code;
  geo::admin_level level = geo::admin_level::rt;
  std::string parent_code;
  geo::multipolygon shape;
  geo::bbox box;
};

/// An area code per level (kota first, RT last), empty where a level has none.
struct chain {
  std::array<std::string, 5> code;

  const std::string& at(geo::admin_level level) const {
    return code[static_cast<std::size_t>(level)];
  }
  bool empty() const {
    return std::all_of(code.begin(), code.end(), [](const std::string& c) { return c.empty(); });
  }
  bool holds(const std::string& c) const {
    return !c.empty() && std::find(code.begin(), code.end(), c) != code.end();
  }
  /// The codes present, largest area first.
  std::vector<std::string> codes() const {
    std::vector<std::string> out;
    for (const std::string& c : code)
      if (!c.empty()) out.push_back(c);
    return out;
  }
  std::string text() const {
    std::string out;
    for (const std::string& c : codes())
      out += (out.empty() ? "" : " > ") + c;
    return out.empty() ? "(none)" : out;
  }
};

/// The areas of the server's database, read with SQL once each and kept.
class atlas {
 public:
  /// The area with this code; nothing for an unknown code.
  const area_shape* find(const std::string& code) {
    if (code.empty()) return nullptr;
    if (const auto it = m_by_code.find(code); it != m_by_code.end()) return it->second.get();
    geo::sqlite_statement s = database().prepare(
        "SELECT level, parent_code, AsBinary(geom), min_lon, min_lat, max_lon, max_lat FROM areas "
        "WHERE code = ?1");
    s.bind(1, std::string_view(code));
    std::unique_ptr<area_shape> a;
    if (s.step()) {
      a = std::make_unique<area_shape>();
      a->code = code;
      a->level = geo::parse_admin_level(s.column_text(0)).value_or(geo::admin_level::rt);
      a->parent_code = s.is_null(1) ? "" : s.column_text(1);
      a->shape = geo::to_multipolygon(geo::geos_geometry::from_wkb(m_ctx, s.column_blob(2)));
      a->box = {s.column_double(3), s.column_double(4), s.column_double(5), s.column_double(6)};
    }
    return (m_by_code[code] = std::move(a)).get();
  }

  /// The areas of a level whose shape covers the point (boundary included).
  std::vector<const area_shape*> covering(double lon, double lat, geo::admin_level level) {
    geo::sqlite_statement s = database().prepare(
        "SELECT a.code FROM areas_rtree r CROSS JOIN areas a ON a.id = r.id WHERE a.level = ?1 "
        "AND r.min_lon <= ?2 AND r.max_lon >= ?2 AND r.min_lat <= ?3 AND r.max_lat >= ?3 "
        "ORDER BY a.code");
    s.bind(1, geo::to_string(level)).bind(2, lon).bind(3, lat);
    std::vector<std::string> candidates;
    while (s.step())
      candidates.push_back(s.column_text(0));
    std::vector<const area_shape*> out;
    for (const std::string& code : candidates)
      if (const area_shape* a = find(code); a && geo::covers_point(a->shape, lon, lat))
        out.push_back(a);
    return out;
  }

  /// The area and its parents.
  chain chain_of(const std::string& code) {
    chain out;
    for (const area_shape* a = find(code); a; a = find(a->parent_code))
      out.code[static_cast<std::size_t>(a->level)] = a->code;
    return out;
  }

  /// The areas at a point as the server's lookup finds them: the smallest level with an area
  /// there, then its parents. Nothing when no area, or two areas of that level, hold the point
  /// (the server's choice between two is its own).
  std::optional<chain> chain_at(double lon, double lat) {
    for (int level = static_cast<int>(geo::admin_level::rt); level >= 0; --level) {
      const auto found = covering(lon, lat, static_cast<geo::admin_level>(level));
      if (found.size() > 1) return std::nullopt;
      if (found.size() == 1) return chain_of(found[0]->code);
    }
    return std::nullopt;
  }

 private:
  geo::geos_context m_ctx;
  std::map<std::string, std::unique_ptr<area_shape>> m_by_code;
};

inline atlas& areas() {
  static atlas a;
  return a;
}

// --- cells ---------------------------------------------------------------------------------

/// The 0.0009° square a position is coarsened to (its spot is the centre).
inline geo::bbox cell_of(double lon, double lat) {
  const double d = geo::coarse_cell_degrees;
  const double x = std::floor(lon / d) * d;
  const double y = std::floor(lat / d) * d;
  return {x, y, x + d, y + d};
}

/// Points of a cell on a regular grid (the centres of 50 x 50 sub-squares): an area's share of
/// the cell is the share of these points it covers.
inline constexpr int cell_grid = 50;

/// Which of the cell's grid points an area covers, computed once per area and cell.
inline const std::vector<bool>& grid_mask(const area_shape& a, const geo::bbox& cell) {
  static std::map<std::string, std::vector<bool>> known;
  const std::string key = a.code + "@" +
                          std::to_string(std::llround(cell.min_x / geo::coarse_cell_degrees)) +
                          "," + std::to_string(std::llround(cell.min_y / geo::coarse_cell_degrees));
  if (const auto it = known.find(key); it != known.end()) return it->second;
  // No edge of the area near the cell: the cell lies wholly inside or wholly outside it.
  bool edge_near = false;
  for (const geo::polygon& p : a.shape)
    for (const geo::ring& r : p.rings)
      for (std::size_t k = 0; !edge_near && k + 3 < r.size(); k += 2)
        edge_near = std::max(r[k], r[k + 2]) >= cell.min_x &&
                    std::min(r[k], r[k + 2]) <= cell.max_x &&
                    std::max(r[k + 1], r[k + 3]) >= cell.min_y &&
                    std::min(r[k + 1], r[k + 3]) <= cell.max_y;
  if (!edge_near) {
    const bool inside =
        geo::covers_point(a.shape, (cell.min_x + cell.max_x) / 2, (cell.min_y + cell.max_y) / 2);
    return known[key] = std::vector<bool>(cell_grid * cell_grid, inside);
  }
  std::vector<bool> mask(cell_grid * cell_grid);
  for (int i = 0; i < cell_grid; ++i)
    for (int j = 0; j < cell_grid; ++j) {
      const double x = cell.min_x + (i + 0.5) * (cell.max_x - cell.min_x) / cell_grid;
      const double y = cell.min_y + (j + 0.5) * (cell.max_y - cell.min_y) / cell_grid;
      mask[static_cast<std::size_t>(i * cell_grid + j)] = geo::covers_point(a.shape, x, y);
    }
  return known[key] = std::move(mask);
}

/// How many of the cell's grid points every area of `all` covers.
inline int grid_points_in(const geo::bbox& cell, const std::vector<const area_shape*>& all) {
  std::vector<bool> in(cell_grid * cell_grid, true);
  for (const area_shape* a : all) {
    const std::vector<bool>& mask = grid_mask(*a, cell);
    for (std::size_t k = 0; k < in.size(); ++k)
      in[k] = in[k] && mask[k];
  }
  return static_cast<int>(std::count(in.begin(), in.end(), true));
}

// --- the sample ----------------------------------------------------------------------------

/// A target as stored, with what its cell alone tells.
struct sample_target {
  std::string id;
  std::string program;
  int priority = 0;
  std::string outcome;                // import_outcome
  std::optional<geo::lon_lat> exact;  // none when unlocated
  std::optional<geo::lon_lat> spot;
  chain exact_chain;  // the areas stored for it: where it lies (or its declared RT)
  chain spot_chain;   // the areas it belongs to for coarse callers
  bool open = true;   // no imported pledge holds it

  bool located() const { return exact.has_value(); }
  geo::bbox cell() const { return cell_of(exact->lon, exact->lat); }
  bool straddles(geo::admin_level level) const {
    return located() && spot_chain.at(level) != exact_chain.at(level);
  }
  /// The MVT feature id of its point: the digits of its id.
  long long feature_id() const { return std::stoll(id.substr(1)); }
  std::string name() const {
    std::ostringstream out;
    out << id << " (" << outcome << ", " << program;
    if (located())
      out << ", exact " << exact->lon << "," << exact->lat << ", spot " << spot->lon << ","
          << spot->lat;
    out << "; spot chain " << spot_chain.text() << "; exact chain " << exact_chain.text() << ")";
    return out.str();
  }
};

/// The spot chain of a target: for a located one the areas at its spot, for an unlocated one
/// its declared RW and those above (never an RT). Nothing when the spot lies in no area or is
/// ambiguous.
inline std::optional<chain> spot_chain_of(const sample_target& t, const std::string& declared_rw) {
  if (!t.located()) {
    chain c = areas().chain_of(declared_rw);
    if (c.empty()) return std::nullopt;
    return c;
  }
  return areas().chain_at(t.spot->lon, t.spot->lat);
}

inline sample_target read_target(geo::sqlite_statement& s) {
  sample_target t;
  t.id = s.column_text(0);
  t.program = s.column_text(1);
  t.priority = static_cast<int>(s.column_int(2));
  if (!s.is_null(3) && !s.is_null(4)) {
    t.exact = geo::lon_lat{s.column_double(3), s.column_double(4)};
    t.spot = geo::coarse_position(t.exact->lon, t.exact->lat);
  }
  t.outcome = s.column_text(5);
  for (int level = 0; level < 5; ++level)
    t.exact_chain.code[static_cast<std::size_t>(level)] =
        s.is_null(6 + level) ? "" : s.column_text(6 + level);
  t.open = s.column_int(11) == 0;
  return t;
}

inline constexpr const char* target_columns =
    "SELECT t.id, t.program, t.priority, t.lon, t.lat, t.import_outcome, t.kota_code, "
    "t.kecamatan_code, t.kelurahan_code, t.rw_code, t.rt_code, EXISTS (SELECT 1 FROM pledges p "
    "WHERE p.target_id = t.id AND p.origin = 'import' AND p.status IN ('committed', "
    "'delivered')) FROM targets t ";

/// One target read from the database with its spot chain (nothing when it has none).
inline std::optional<sample_target> stored_target(const std::string& id) {
  geo::sqlite_statement s = database().prepare(std::string(target_columns) + "WHERE t.id = ?1");
  s.bind(1, std::string_view(id));
  if (!s.step()) return std::nullopt;
  sample_target t = read_target(s);
  const std::optional<chain> spot = spot_chain_of(t, t.exact_chain.at(geo::admin_level::rw));
  if (!spot) return std::nullopt;
  t.spot_chain = *spot;
  return t;
}

// --- tiles ---------------------------------------------------------------------------------

struct tile_xyz {
  int z = 0;
  long x = 0, y = 0;
  std::string path() const {
    return std::to_string(z) + "/" + std::to_string(x) + "/" + std::to_string(y);
  }
  bool operator==(const tile_xyz&) const = default;
};

inline double mercator_y(double lat) {
  const double phi = lat * std::numbers::pi / 180;
  return (1 - std::asinh(std::tan(phi)) / std::numbers::pi) / 2;
}

/// The XYZ tile holding a point, by the slippy-map formula (independent of tiles/).
inline tile_xyz tile_of(double lon, double lat, int z) {
  const double n = std::pow(2.0, z);
  return {z, static_cast<long>(std::floor((lon + 180) / 360 * n)),
          static_cast<long>(std::floor(mercator_y(lat) * n))};
}

inline constexpr double tile_extent = 4096;

/// A point's place in a tile in tile units (extent 4096, y down).
inline std::array<double, 2> tile_units(const tile_xyz& t, double lon, double lat) {
  const double n = std::pow(2.0, t.z);
  return {((lon + 180) / 360 * n - static_cast<double>(t.x)) * tile_extent,
          (mercator_y(lat) * n - static_cast<double>(t.y)) * tile_extent};
}

/// The lon/lat box of a part of a tile: the square of tile units [x0, x1) x [y0, y1).
inline geo::bbox tile_box(const tile_xyz& t, double x0 = 0, double y0 = 0, double x1 = tile_extent,
                          double y1 = tile_extent) {
  const double n = std::pow(2.0, t.z);
  const auto lon = [&](double u) {
    return (static_cast<double>(t.x) + u / tile_extent) / n * 360 - 180;
  };
  const auto lat = [&](double v) {
    const double m = (static_cast<double>(t.y) + v / tile_extent) / n;
    return std::atan(std::sinh(std::numbers::pi * (1 - 2 * m))) * 180 / std::numbers::pi;
  };
  return {lon(x0), lat(y1), lon(x1), lat(y0)};
}

/// A feature of a decoded tile: its MVT id (0 when it has none), the first point of its geometry in
/// tile units (y down; NaN for other geometries) and its properties as text.
struct tile_feature {
  long long id = 0;
  double x = std::nan("");
  double y = std::nan("");
  std::map<std::string, std::string> properties;

  std::string property(const std::string& name) const {
    const auto it = properties.find(name);
    return it == properties.end() ? "" : it->second;
  }
  std::string text() const {
    std::string out =
        "#" + std::to_string(id) + " at " + std::to_string(x) + "," + std::to_string(y) + " {";
    for (const auto& [k, v] : properties)
      out += k + "=" + v + " ";
    return out + "}";
  }
};

/// The features of some layers of a vector tile as GDAL's MVT driver reads it, from /vsimem/,
/// with no georeferencing (tile units, y up as GDAL gives them, turned back to y down here), by
/// layer. Without `points`, geometries are not read at all (polygon layers, for their
/// properties). Nothing for a layer when the tile is empty (204) or has no such layer.
inline std::map<std::string, std::vector<tile_feature>> decoded_layers(
    std::string bytes, const std::vector<std::string>& layers, bool points = true) {
  std::map<std::string, std::vector<tile_feature>> all;
  if (bytes.empty()) return all;
  static int serial = 0;
  const std::string path = "/vsimem/sasaran-attack-" + std::to_string(++serial) + ".mvt";
  geo::gdal_initialize();
  VSIFCloseL(VSIFileFromMemBuffer(path.c_str(), reinterpret_cast<GByte*>(bytes.data()),
                                  static_cast<vsi_l_offset>(bytes.size()), FALSE));
  const char* const drivers[] = {"MVT", nullptr};
  const char* const options[] = {"CLIP=NO", nullptr};
  GDALDatasetH raw =
      GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, options, nullptr);
  EXPECT_NE(raw, nullptr) << "GDAL's MVT driver could not read a tile of " << bytes.size()
                          << " bytes";
  for (const std::string& layer : layers) {
    if (!raw) break;
    std::vector<tile_feature>& out = all[layer];
    if (OGRLayerH found = GDALDatasetGetLayerByName(raw, layer.c_str())) {
      if (!points) {
        const char* const geometry[] = {"OGR_GEOMETRY", nullptr};
        OGR_L_SetIgnoredFields(found, const_cast<const char**>(geometry));
      }
      geo::gdal_layer l(found);
      std::vector<std::string> names;
      for (int i = 0; !l.field_name(i).empty(); ++i)
        names.push_back(l.field_name(i));
      while (std::optional<geo::gdal_feature> f = l.next()) {
        tile_feature tf;
        // The driver gives the MVT feature id as the field mvt_id (its FIDs are serial).
        for (std::size_t i = 0; i < names.size(); ++i)
          if (std::string v = f->field_text(static_cast<int>(i)); v.empty()) {
            continue;
          } else if (names[i] == "mvt_id") {
            tf.id = std::stoll(v);
          } else {
            tf.properties[names[i]] = v;
          }
        // ISO WKB of a point: byte order, type 1, x, y (GDAL writes the machine's order).
        if (const auto wkb = f->geometry_wkb(); wkb && wkb->size() == 21 && (*wkb)[1] == 1) {
          std::memcpy(&tf.x, wkb->data() + 5, sizeof(double));
          std::memcpy(&tf.y, wkb->data() + 13, sizeof(double));
          tf.y = tile_extent - tf.y;
        }
        out.push_back(std::move(tf));
      }
    }
  }
  if (raw) GDALClose(raw);
  VSIUnlink(path.c_str());
  return all;
}

/// The features of one layer of a vector tile (decoded_layers).
inline std::vector<tile_feature> decoded_layer(std::string bytes, const std::string& layer) {
  return std::move(decoded_layers(std::move(bytes), {layer})[layer]);
}

// --- what the answers tell ---------------------------------------------------------------

/// What the answers given to one role told about one target: the areas they tie it to (a list
/// or filter that includes it, a member naming an area, a figure that moved), the areas holding
/// its spot that left it out, boxes that held it though its spot lies outside them, and values
/// only the exact position or the household determine. judge() fails the test, naming target,
/// role and channel, when any of these pins the target to less than its cell says.
class findings {
 public:
  findings(const sample_target& t, std::string role) : m_target(t), m_role(std::move(role)) {}

  /// The channel's answer says the target belongs to the area with this code.
  void tie(const std::string& channel, const std::string& code) {
    if (!code.empty()) m_ties.emplace_back(channel, code);
  }
  /// The channel's answer says the target lies in `box` (a tile, a part of one, a bbox query):
  /// harmless when the box holds the spot, a leak otherwise.
  void in_box(const std::string& channel, const geo::bbox& box) {
    if (!m_target.spot) {
      leak(channel, "places an unlocated target in a box");
      return;
    }
    if (!box.contains(m_target.spot->lon, m_target.spot->lat)) {
      std::ostringstream out;
      out.precision(10);
      out << "places it in the box " << box.min_x << "," << box.min_y << "," << box.max_x << ","
          << box.max_y << ", which does not hold its spot";
      leak(channel, out.str());
    }
  }
  /// An area that holds the spot left the target out: membership must follow the spot.
  void left_out(const std::string& channel, const std::string& code) {
    m_problems.push_back(channel + ": leaves it out of area " + code +
                         ", which its spot chain holds (membership follows the spot)");
  }
  /// The channel's answer carries a value only the exact position or the household determine.
  void leak(const std::string& channel, const std::string& what) {
    m_problems.push_back(channel + ": " + what);
  }
  /// A member of an answer that names areas: every member whose name is a level ("rt", "rw",
  /// ...) or a level's code ("rw_code", ...) ties the target to its value.
  void tie_members(const std::string& channel, const json& object) {
    if (!object.is_object()) return;
    for (geo::admin_level level : geo::all_admin_levels) {
      const std::string word(geo::to_string(level));
      for (const std::string& name : {word, word + "_code"})
        if (object.contains(name) && object[name].is_string())
          tie(channel + " member " + name, object[name].get<std::string>());
    }
  }
  void tie_members(const std::string& channel, const std::map<std::string, std::string>& props) {
    json o = json::object();
    for (const auto& [k, v] : props)
      o[k] = v;
    tie_members(channel, o);
  }

  /// Fails the test with every problem found: a tie to an area outside the spot chain (for an
  /// unlocated target, to an RT or outside its declared RW), an area of the spot chain that
  /// left it out, a leak, and a part of the cell smaller than the spot chain leaves.
  void judge() {
    std::vector<std::string> problems = m_problems;
    std::set<std::string> tied;
    for (const auto& [channel, code] : m_ties) {
      tied.insert(code);
      if (m_target.spot_chain.holds(code)) continue;
      const area_shape* a = areas().find(code);
      std::string where = a ? std::string(geo::to_string(a->level)) : "unknown area";
      if (a && m_target.spot)
        where += geo::covers_point(a->shape, m_target.spot->lon, m_target.spot->lat)
                     ? ", which holds the spot but is not in its chain"
                     : ", which does not hold its spot";
      if (!m_target.located() && a && a->level == geo::admin_level::rt)
        where += " (an unlocated target belongs to no RT for coarse callers)";
      problems.push_back(channel + ": ties it to " + code + " (" + where + ")");
    }
    if (m_target.located() && !tied.empty()) {
      std::vector<const area_shape*> pinned, spot_alone;
      for (const std::string& code : tied)
        if (const area_shape* a = areas().find(code)) pinned.push_back(a);
      for (const std::string& code : m_target.spot_chain.codes())
        if (const area_shape* a = areas().find(code)) spot_alone.push_back(a);
      const int by_answers = grid_points_in(m_target.cell(), pinned);
      const int by_spot = grid_points_in(m_target.cell(), spot_alone);
      if (by_answers < by_spot)
        problems.push_back("together the answers pin it to " + std::to_string(by_answers) +
                           " of the cell's " + std::to_string(cell_grid * cell_grid) +
                           " grid points, while its spot alone leaves " + std::to_string(by_spot));
    }
    if (problems.empty()) return;
    std::string text;
    for (const std::string& p : problems)
      text += "\n  - " + p;
    ADD_FAILURE() << m_target.name() << " as " << (m_role.empty() ? "anonymous" : m_role) << ":"
                  << text;
  }

  std::size_t ties() const { return m_ties.size(); }

 private:
  const sample_target& m_target;
  std::string m_role;
  std::vector<std::pair<std::string, std::string>> m_ties;  // channel, area code
  std::vector<std::string> m_problems;
};

}  // namespace attack
