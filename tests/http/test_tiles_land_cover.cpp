// Vector tiles cover the land: in each tile, the RW polygons decoded with GDAL's MVT driver fill
// the land the kelurahan polygons cover, with no gap, overlap or spill wider than the per-area
// simplification explains, and every RW that meets a tile is in it.
#include <cpl_vsi.h>
#include <gdal.h>
#include <geos_c.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <numbers>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "geo/geos/geos_context.hpp"
#include "geo/geos/geos_geometry.hpp"
#include "geo/import/gdal_dataset.hpp"
#include "geo/import/gdal_feature.hpp"
#include "tests/http/api_test_support.hpp"

namespace {

using namespace api_test;

// MVT 2.1 §4.3.1: the tile's own coordinate space; the server writes 4096.
constexpr double extent = 4096;

struct tile_address {
  int z;
  long x, y;
  std::string path() const {
    return std::to_string(z) + "/" + std::to_string(x) + "/" + std::to_string(y);
  }
};

// Tiles of /work/shared/bench/tiles_browse_mix.txt: every z10-z12 tile in it, and for each of
// z13-z16 the 8 tiles at ranks (2i + 1) n / 16 of that zoom's n tiles in Morton (Z) order, which
// spreads them over the city.
const std::vector<tile_address>& chosen_tiles() {
  static const std::vector<tile_address> tiles = {
      {10, 815, 529},     {10, 815, 530},     {10, 816, 529},     {10, 816, 530},
      {11, 1630, 1058},   {11, 1630, 1059},   {11, 1631, 1058},   {11, 1631, 1059},
      {11, 1631, 1060},   {11, 1632, 1058},   {11, 1632, 1059},   {11, 1632, 1060},
      {12, 3261, 2117},   {12, 3261, 2118},   {12, 3262, 2117},   {12, 3262, 2118},
      {12, 3262, 2119},   {12, 3262, 2120},   {12, 3263, 2117},   {12, 3263, 2118},
      {12, 3263, 2119},   {12, 3263, 2120},   {12, 3264, 2117},   {12, 3264, 2118},
      {12, 3264, 2119},   {12, 3264, 2120},   {12, 3265, 2117},   {12, 3265, 2118},
      {13, 6524, 4235},   {13, 6524, 4236},   {13, 6526, 4237},   {13, 6527, 4238},
      {13, 6526, 4241},   {13, 6530, 4234},   {13, 6530, 4236},   {13, 6528, 4240},
      {14, 13050, 8470},  {14, 13049, 8473},  {14, 13055, 8472},  {14, 13052, 8476},
      {14, 13053, 8480},  {14, 13058, 8471},  {14, 13059, 8474},  {14, 13057, 8479},
      {15, 26102, 16940}, {15, 26100, 16945}, {15, 26110, 16945}, {15, 26103, 16956},
      {15, 26109, 16958}, {15, 26116, 16940}, {15, 26112, 16951}, {15, 26113, 16959},
      {16, 52202, 33884}, {16, 52204, 33888}, {16, 52222, 33888}, {16, 52206, 33912},
      {16, 52217, 33914}, {16, 52230, 33886}, {16, 52224, 33900}, {16, 52224, 33916},
  };
  return tiles;
}

// The tile's edges in lon/lat by the slippy-map formulas (independent of tiles/).
struct lon_lat_box {
  double west, south, east, north;
};

lon_lat_box bounds_of(const tile_address& t) {
  const double n = std::pow(2.0, t.z);
  const auto lon = [&](double x) { return x / n * 360.0 - 180.0; };
  const auto lat = [&](double y) {
    return std::atan(std::sinh(std::numbers::pi * (1 - 2 * y / n))) * 180.0 / std::numbers::pi;
  };
  return {lon(double(t.x)), lat(double(t.y + 1)), lon(double(t.x + 1)), lat(double(t.y))};
}

// --- GEOS, through the geo:: wrappers (each raw result is owned at once) ---

geo::geos_geometry clipped(const geo::geos_geometry& g, double x0, double y0, double x1,
                           double y1) {
  const geo::geos_context& ctx = g.context();
  return {ctx, GEOSClipByRect_r(ctx.handle(), g.get(), x0, y0, x1, y1), "ClipByRect"};
}

// The part of `g` in the tile square, its coordinates on a 1e-6 unit grid: an edge cut by the
// square at the same point in two neighbours then ends at the same point in both (without it,
// ends one ulp apart made GEOS intersect two such neighbours into a spurious triangle).
geo::geos_geometry in_tile(const geo::geos_geometry& g) {
  const geo::geos_context& ctx = g.context();
  const geo::geos_geometry inside = clipped(g, 0, 0, extent, extent);
  const geo::geos_geometry snapped(
      ctx, GEOSGeom_setPrecision_r(ctx.handle(), inside.get(), 1e-6, 0), "setPrecision");
  // Back to a floating precision model (coordinates unchanged): overlays on a fixed one snap-round
  // and take several times longer.
  return geo::geos_geometry(ctx, GEOSGeom_setPrecision_r(ctx.handle(), snapped.get(), 0, 0),
                            "setPrecision")
      .polygonal_part();
}

geo::geos_geometry boundary_of(const geo::geos_geometry& g) {
  const geo::geos_context& ctx = g.context();
  return {ctx, GEOSBoundary_r(ctx.handle(), g.get()), "Boundary"};
}

double length_of(const geo::geos_geometry& g) {
  double length = 0;
  if (!GEOSLength_r(g.context().handle(), g.get(), &length)) g.context().fail("Length");
  return length;
}

// Polygons GEOS accepts for overlay: invalid ones (a ring touching itself after rounding to the
// grid) repaired with MakeValid, keeping only the polygonal part.
geo::geos_geometry valid_polygons(geo::geos_geometry g, int& repaired) {
  if (g.invalid_reason().empty()) return g;
  ++repaired;
  return g.make_valid().polygonal_part();
}

geo::geos_geometry from_geojson(const geo::geos_context& ctx, const json& geometry) {
  struct reader_free {
    GEOSContextHandle_t h;
    void operator()(GEOSGeoJSONReader* r) const { GEOSGeoJSONReader_destroy_r(h, r); }
  };
  std::unique_ptr<GEOSGeoJSONReader, reader_free> reader(GEOSGeoJSONReader_create_r(ctx.handle()),
                                                         {ctx.handle()});
  if (!reader) ctx.fail("GeoJSON reader");
  return {ctx,
          GEOSGeoJSONReader_readGeometry_r(ctx.handle(), reader.get(), geometry.dump().c_str()),
          "GeoJSON reading"};
}

// --- the tile as GDAL's MVT driver reads it ---

struct coded_polygon {
  std::string code;
  geo::geos_geometry shape;
};

// A tile's bytes opened from /vsimem/ by GDAL's MVT driver alone, with CLIP=NO so the buffer
// stays. With no z/x/y in the path the driver gives tile units with y flipped, so the tile
// itself is the square 0..4096 and lengths and areas are those of the tile grid.
class decoded_tile {
 public:
  decoded_tile(const tile_address& t, std::string bytes)
      : m_path("/vsimem/sasaran-land-cover-" + std::to_string(t.z) + "-" + std::to_string(t.x) +
               "-" + std::to_string(t.y) + ".mvt"),
        m_bytes(std::move(bytes)) {
    geo::gdal_initialize();
    VSIFCloseL(VSIFileFromMemBuffer(m_path.c_str(), reinterpret_cast<GByte*>(m_bytes.data()),
                                    static_cast<vsi_l_offset>(m_bytes.size()), FALSE));
    const char* const drivers[] = {"MVT", nullptr};
    const char* const options[] = {"CLIP=NO", nullptr};
    m_raw =
        GDALOpenEx(m_path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, options, nullptr);
  }
  ~decoded_tile() {
    if (m_raw) GDALClose(m_raw);
    VSIUnlink(m_path.c_str());
  }
  decoded_tile(const decoded_tile&) = delete;
  decoded_tile& operator=(const decoded_tile&) = delete;

  bool opened() const { return m_raw != nullptr; }

  /// The features of a layer (none when the tile has no such layer), invalid ones repaired.
  std::vector<coded_polygon> polygons(const geo::geos_context& ctx, const char* name,
                                      int& repaired) const {
    std::vector<coded_polygon> out;
    OGRLayerH raw = GDALDatasetGetLayerByName(m_raw, name);
    if (!raw) return out;
    geo::gdal_layer layer(raw);
    const int code = layer.field_index("code");
    while (std::optional<geo::gdal_feature> f = layer.next()) {
      const auto wkb = f->geometry_wkb();
      if (!wkb) continue;
      out.push_back(
          {f->field_text(code), valid_polygons(geo::geos_geometry::from_wkb(ctx, *wkb), repaired)});
    }
    return out;
  }

 private:
  std::string m_path;
  std::string m_bytes;  // GDAL reads them in place
  GDALDatasetH m_raw = nullptr;
};

decoded_tile fetched(test_support::http_client& client, const tile_address& t) {
  const http_response r = get(client, "/tiles/kelurahan,rw/" + t.path() + ".mvt");
  EXPECT_EQ(r.status, 200) << t.path();
  return decoded_tile(t, r.body);
}

// --- the measure ---

/// How a tile's RW polygons cover its land, in tile units (areas in units²), all within the
/// tile square without its buffer.
struct cover {
  double land = 0;     // the union of the kelurahan polygons
  double gap = 0;      // land under no RW
  double overlap = 0;  // the sum of RW areas minus the area of their union
  double outside = 0;  // RW area off the land
  double seams = 0;    // length of the RW boundaries, each RW's own (shared edges count twice)
  // The diameters of the widest discs inside the gap, the overlaps and the RW area off the land.
  double gap_width = 0;
  double overlap_width = 0;
  double outside_width = 0;
  std::size_t rw = 0;
  int repaired = 0;  // decoded polygons GEOS found invalid
};

// Diameters below this are reported as 0 by widest_disc.
constexpr double thinnest_width = 0.5;

// The diameter of the widest disc inside a polygonal geometry, to within 0.1, or 0 when none is
// `thinnest_width` wide. The geometry is first eroded by half that width, which removes the
// many thin slivers along the seams, so GEOS looks for the disc only in what is left.
double widest_disc(const geo::geos_geometry& g) {
  if (g.is_empty()) return 0;
  const geo::geos_geometry core = g.buffer(-thinnest_width / 2);
  if (core.is_empty()) return 0;
  const geo::geos_context& ctx = g.context();
  return thinnest_width +
         2 * length_of({ctx, GEOSMaximumInscribedCircle_r(ctx.handle(), core.get(), 0.02),
                        "MaximumInscribedCircle"});
}

// Where two or more of `parts` overlap, as one geometry: the pairwise intersections of parts
// whose boxes meet (a sweep over the boxes' west edges), unioned.
geo::geos_geometry overlaps_of(const geo::geos_context& ctx,
                               const std::vector<geo::geos_geometry>& parts) {
  std::vector<std::pair<geo::bbox, const geo::geos_geometry*>> boxes;
  for (const geo::geos_geometry& p : parts)
    boxes.emplace_back(p.envelope(), &p);
  std::sort(boxes.begin(), boxes.end(),
            [](const auto& a, const auto& b) { return a.first.min_x < b.first.min_x; });
  std::vector<geo::geos_geometry> pieces;
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    for (std::size_t j = i + 1; j < boxes.size() && boxes[j].first.min_x < boxes[i].first.max_x;
         ++j) {
      if (!boxes[i].first.intersects(boxes[j].first)) continue;
      geo::geos_geometry both(
          ctx, GEOSIntersection_r(ctx.handle(), boxes[i].second->get(), boxes[j].second->get()),
          "Intersection");
      geo::geos_geometry area = both.polygonal_part();
      if (!area.is_empty()) pieces.push_back(std::move(area));
    }
  }
  return geo::geos_union(ctx, std::move(pieces));
}

cover measured(const geo::geos_context& ctx, const decoded_tile& tile) {
  cover c;
  std::vector<geo::geos_geometry> kelurahan, rw;
  for (coded_polygon& k : tile.polygons(ctx, "kelurahan", c.repaired))
    kelurahan.push_back(in_tile(k.shape));
  double rw_sum = 0;
  for (coded_polygon& r : tile.polygons(ctx, "rw", c.repaired)) {
    geo::geos_geometry inside = in_tile(r.shape);
    if (inside.is_empty()) continue;
    ++c.rw;
    rw_sum += inside.planar_area();
    c.seams += length_of(clipped(boundary_of(r.shape), 0, 0, extent, extent));
    rw.push_back(std::move(inside));
  }
  const geo::geos_geometry overlaps = overlaps_of(ctx, rw);
  const geo::geos_geometry land = geo::geos_union(ctx, std::move(kelurahan));
  const geo::geos_geometry rw_union = geo::geos_union(ctx, std::move(rw));
  const geo::geos_geometry gap = land.difference(rw_union).polygonal_part();
  const geo::geos_geometry outside = rw_union.difference(land).polygonal_part();
  c.land = land.planar_area();
  c.gap = gap.planar_area();
  c.outside = outside.planar_area();
  c.overlap = rw_sum - rw_union.planar_area();
  c.gap_width = widest_disc(gap);
  c.overlap_width = widest_disc(overlaps);
  c.outside_width = widest_disc(outside);
  return c;
}

std::string described(const tile_address& t, const cover& c) {
  std::ostringstream out;
  const auto line = [&](const char* what, double area, double width) {
    out << "\n  " << what << " " << area << " units² (" << 100 * area / c.land << "% of the land, "
        << area / c.seams << " units along the RW boundaries), widest " << width << " units";
  };
  out << std::setprecision(4) << "tile " << t.path() << ": " << c.rw << " RW, land " << c.land
      << " units², RW boundaries " << c.seams << " units long";
  line("gap", c.gap, c.gap_width);
  line("overlap", c.overlap, c.overlap_width);
  line("outside the land", c.outside, c.outside_width);
  return out.str();
}

// Per zoom, for the test log: the largest gap, overlap and outside as % of the land, as a
// width along the RW boundaries (area / length) and as the widest disc they hold, in units.
void print_summary(const std::vector<std::pair<tile_address, cover>>& all) {
  std::map<int, std::pair<int, std::array<double, 9>>> by_zoom;
  for (const auto& [t, c] : all) {
    auto& [tiles, most] = by_zoom[t.z];
    ++tiles;
    const double values[] = {
        100 * c.gap / c.land, 100 * c.overlap / c.land, 100 * c.outside / c.land,
        c.gap / c.seams,      c.overlap / c.seams,      c.outside / c.seams,
        c.gap_width,          c.overlap_width,          c.outside_width};
    for (std::size_t i = 0; i < most.size(); ++i)
      most[i] = std::max(most[i], values[i]);
  }
  std::cout << "TilesLandCover: z tiles | max % of land: gap overlap outside | max units along "
               "the RW boundaries | max widest disc, units\n"
            << std::fixed << std::setprecision(3);
  for (const auto& [z, summary] : by_zoom) {
    std::cout << "TilesLandCover: " << z << " " << summary.first;
    for (std::size_t i = 0; i < summary.second.size(); ++i)
      std::cout << (i % 3 == 0 ? " | " : " ") << summary.second[i];
    std::cout << "\n";
  }
}

// Both layers are simplified per area with Douglas-Peucker to one unit, then rounded to the
// unit grid, so each side of a seam (two RWs, or an RW and its kelurahan) may stray up to 1.5
// units from the true line: the two may part or cross by up to 3 units. Anything wider is a
// missing or misplaced polygon. On average they stray far less, so all that is left uncovered,
// doubly covered or spilled must also fit in a band of one unit along each RW's boundary.
// Measured over all 1,730 tiles of the browsing mix (z10-z16): the widest gap, overlap or spill
// 2.25 units across (a gap at 10/815/529), and at most 0.80 units² per unit of RW boundary (a
// 1,600 units² islet at 16/52199/33904; 0.34 on every other tile).
constexpr double widest_seam = 3.0;      // units
constexpr double band_per_length = 1.0;  // units² per unit of RW boundary

TEST(TilesLandCover, RwPolygonsCoverTheLandOfEachTileWithoutGapOrOverlap) {
  const auto started = std::chrono::steady_clock::now();
  test_support::http_client client;
  geo::geos_context ctx;
  std::vector<std::pair<tile_address, cover>> all;
  for (const tile_address& t : chosen_tiles()) {
    const decoded_tile tile = fetched(client, t);
    ASSERT_TRUE(tile.opened()) << "GDAL's MVT driver cannot read tile " << t.path();
    const cover c = measured(ctx, tile);
    ASSERT_GT(c.land, 0) << "tile " << t.path() << " has no kelurahan";
    all.emplace_back(t, c);
    const double band = band_per_length * c.seams;
    EXPECT_TRUE(c.gap <= band && c.overlap <= band && c.outside <= band)
        << "more than a band of " << band_per_length
        << " unit along the RW boundaries: " << described(t, c);
    EXPECT_TRUE(c.gap_width <= widest_seam && c.overlap_width <= widest_seam &&
                c.outside_width <= widest_seam)
        << "a gap, overlap or spill wider than " << widest_seam << " units: " << described(t, c);
  }
  print_summary(all);
  std::cout << "TilesLandCover: " << all.size() << " tiles measured in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()
            << " s\n";
}

// The RW codes whose polygon, as the server holds it, shares area with the tile: the OGC items
// meeting the tile's box, kept when the polygon's part inside the box has an area.
std::set<std::string> rw_meeting(test_support::http_client& client, const geo::geos_context& ctx,
                                 const tile_address& t) {
  const lon_lat_box b = bounds_of(t);
  std::ostringstream query;
  query << std::setprecision(17) << "/ogc/collections/rw/items?limit=10000&bbox=" << b.west << ","
        << b.south << "," << b.east << "," << b.north;
  const http_response r = get(client, query.str());
  EXPECT_EQ(r.status, 200) << query.str();
  const json page = body_of(r);
  EXPECT_EQ(page["numberMatched"], page["numberReturned"]) << query.str();
  std::set<std::string> out;
  int repaired = 0;
  for (const json& f : page["features"]) {
    const geo::geos_geometry shape = valid_polygons(from_geojson(ctx, f["geometry"]), repaired);
    if (clipped(shape, b.west, b.south, b.east, b.north).polygonal_part().planar_area() > 0)
      out.insert(f["properties"]["code"].get<std::string>());
  }
  return out;
}

TEST(TilesLandCover, EveryRwThatMeetsATileIsInItAtEveryZoom) {
  test_support::http_client client;
  geo::geos_context ctx;
  for (const tile_address& t : chosen_tiles()) {
    const decoded_tile tile = fetched(client, t);
    ASSERT_TRUE(tile.opened()) << "GDAL's MVT driver cannot read tile " << t.path();
    int repaired = 0;
    std::set<std::string> shown;
    for (const coded_polygon& r : tile.polygons(ctx, "rw", repaired))
      shown.insert(r.code);
    const std::set<std::string> meeting = rw_meeting(client, ctx, t);
    std::vector<std::string> missing;
    std::set_difference(meeting.begin(), meeting.end(), shown.begin(), shown.end(),
                        std::back_inserter(missing));
    std::string list;
    for (const std::string& code : missing)
      list += " " + code;
    EXPECT_TRUE(missing.empty()) << "tile " << t.path() << " lacks " << missing.size() << " of the "
                                 << meeting.size() << " RW that meet it:" << list;
  }
}

}  // namespace
