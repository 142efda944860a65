#include "tiles/tile_builder.hpp"

#include <algorithm>
#include <charconv>

#include "geo/engine/coverage.hpp"
#include "tiles/error.hpp"
#include "tiles/polygon_clip.hpp"

namespace tiles {

// The areas of one level, at the positions of geo::engine::areas_at and its
// area_positions_meeting.
struct tile_builder::source_areas {
  geo::admin_level level;
  std::vector<const geo::area*> areas;              // by code, as the engine lists them
  std::shared_ptr<const simplified_areas> simpler;  // same positions
  const simplified_areas& shapes;

  source_areas(geo::admin_level of, std::vector<const geo::area*> list,
               std::shared_ptr<const simplified_areas> shared)
      : level(of), areas(std::move(list)), simpler(std::move(shared)), shapes(*simpler) {}
};

namespace {

std::vector<simplified_areas::entry> entries_of(const geo::engine& engine,
                                                const std::vector<const geo::area*>& areas) {
  std::vector<simplified_areas::entry> out;
  out.reserve(areas.size());
  for (const geo::area* a : areas)
    out.push_back({a->code, &engine.shape_of(*a)});
  return out;
}

// The tile's lon/lat box grown by its buffer, with room to spare: Mercator's latitude scale
// changes across a tile, and a box that is too large only costs a clip that finds nothing.
geo::bbox search_box(const tile_id& tile) {
  geo::bbox box = lon_lat_bounds(tile);
  const double margin = 2.0 * tile_buffer / tile_extent;
  const double dx = (box.max_x - box.min_x) * margin;
  const double dy = (box.max_y - box.min_y) * margin;
  return {box.min_x - dx, box.min_y - dy, box.max_x + dx, box.max_y + dy};
}

// BPS codes are digits, so they make stable feature ids; any other code gets its position.
std::uint64_t feature_id(const std::string& code, std::size_t position) {
  std::uint64_t id = 0;
  const auto [end, ec] = std::from_chars(code.data(), code.data() + code.size(), id);
  if (ec == std::errc() && end == code.data() + code.size()) return id;
  return position + 1;
}

// The number at the end of an RW or RT code (its last three digits).
std::uint64_t trailing_number(const std::string& code) {
  return code.size() >= 3 ? feature_id(code.substr(code.size() - 3), 0) : 0;
}

void add_coverage(std::vector<property>& out, const geo::coverage& c) {
  out.push_back({"targets", property_value::count(c.targets)});
  out.push_back({"pledged", property_value::count(c.pledged)});
  out.push_back({"delivered", property_value::count(c.delivered)});
  out.push_back({"pledged_ratio", property_value::real(c.pledged_ratio())});
  out.push_back({"delivered_ratio", property_value::real(c.delivered_ratio())});
  out.push_back({"unserved", property_value::count(c.unserved())});
  out.push_back({"unmet_priority", property_value::count(c.unmet_priority)});
}

std::string name_or_empty(const geo::area* a) {
  return a ? a->name : std::string();
}
std::string code_or_empty(const geo::area* a) {
  return a ? a->code : std::string();
}

// The same areas, shape for shape, in the same order: their simplified shapes can be shared.
// Shapes as each engine holds them (an engine keeps no WKB).
bool same_areas(const geo::engine& a_engine, const std::vector<const geo::area*>& a,
                const geo::engine& b_engine, const std::vector<const geo::area*>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [&](const auto* x, const auto* y) {
    return x->code == y->code && a_engine.shape_of(*x) == b_engine.shape_of(*y);
  });
}

}  // namespace

tile_builder::tile_builder(const geo::engine& engine, figure_basis figures,
                           const tile_builder* previous)
    : m_engine(engine),
      m_figures(
          figures ? std::move(figures)
                  : [](const geo::area&) { return std::optional(geo::engine::precision::exact); }),
      m_targets(engine, m_figures) {
  for (const source_spec& spec : tile_sources()) {
    if (!spec.level) continue;
    auto areas = engine.areas_at(*spec.level);
    const auto at = static_cast<std::size_t>(spec.source);
    // Every zoom of the previous builder's shapes is computed: they no longer read the shapes
    // of its engine, and may outlive it.
    const source_areas* before = previous ? previous->m_sources[at].get() : nullptr;
    std::shared_ptr<const simplified_areas> shapes =
        before && before->shapes.all_computed() &&
                same_areas(previous->m_engine, before->areas, engine, areas)
            ? before->simpler
            : std::make_shared<const simplified_areas>(entries_of(engine, areas), spec.min_zoom);
    m_sources[at] =
        std::make_unique<source_areas>(*spec.level, std::move(areas), std::move(shapes));
  }
}

tile_builder::~tile_builder() = default;

tile_builder::built_tile tile_builder::build_tile(const tile_id& tile,
                                                  std::span<const tile_source> sources,
                                                  const std::optional<std::string>& program,
                                                  const target_viewer& viewer) const {
  if (program && !geo::program_slot(*program))
    throw parameter_error("program '" + *program + "' is not a known program");
  built_tile out;
  std::vector<mvt_layer> layers;
  layers.reserve(sources.size());
  for (const tile_source source : sources) {
    if (source == tile_source::targets) {
      layers.emplace_back(std::string(spec_of(source).name));
      m_targets.add_to(layers.back(), tile, viewer, program, out.shown);
    } else {
      layers.push_back(layer_for(tile, source, program, out.shown));
    }
  }
  out.bytes = encode_tile(layers);
  std::sort(out.shown.begin(), out.shown.end());
  out.shown.erase(std::unique(out.shown.begin(), out.shown.end()), out.shown.end());
  return out;
}

std::string tile_builder::build(const tile_id& tile, std::span<const tile_source> sources,
                                const std::optional<std::string>& program,
                                const target_viewer& viewer) const {
  return build_tile(tile, sources, program, viewer).bytes;
}

void tile_builder::add_located(const geo::target& t) {
  m_targets.add_located(t);
}

void tile_builder::prepare_zooms(std::uint32_t first, std::uint32_t last) const {
  for (std::uint32_t z = first; z <= std::min(last, max_zoom); ++z)
    for (const auto& s : m_sources)
      if (s && !s->areas.empty() && z >= s->shapes.first_zoom()) s->shapes.at(0, z);
}

std::size_t tile_builder::zooms_prepared() const {
  std::size_t fewest = max_zoom + 1;
  for (const auto& s : m_sources)
    if (s) fewest = std::min(fewest, s->shapes.first_zoom() + s->shapes.zooms_computed());
  return fewest;
}

std::vector<const geo::area*> tile_builder::areas_in(const tile_id& tile,
                                                     tile_source source) const {
  std::vector<const geo::area*> out;
  if (!spec_of(source).level) return out;
  const source_areas& s = *m_sources[static_cast<std::size_t>(source)];
  for (const std::uint32_t i : m_engine.area_positions_meeting(s.level, search_box(tile)))
    out.push_back(s.areas[i]);
  return out;
}

mvt_layer tile_builder::layer_for(const tile_id& tile, tile_source source,
                                  const std::optional<std::string>& program,
                                  std::vector<const geo::area*>& shown) const {
  const source_spec& spec = spec_of(source);
  mvt_layer layer{std::string(spec.name)};
  if (tile.z < spec.min_zoom || tile.z > spec.max_zoom) return layer;
  const source_areas& s = *m_sources[static_cast<std::size_t>(source)];
  for (const std::uint32_t i : m_engine.area_positions_meeting(s.level, search_box(tile))) {
    const geo::area& a = *s.areas[i];
    const std::vector<tile_polygon> polygons = clip_world_to_tile(s.shapes.at(i, tile.z), tile);
    if (polygons.empty()) continue;
    if (layer.add_polygons(feature_id(a.code, i), polygons, properties_of(a, source, program)))
      shown.push_back(&a);
  }
  return layer;
}

std::vector<property> tile_builder::properties_of(const geo::area& area, tile_source source,
                                                  const std::optional<std::string>& program) const {
  std::vector<property> out;
  out.push_back({"code", property_value::string(area.code)});
  const geo::engine::admin_chain chain = m_engine.chain_of(area);
  switch (source) {
    case tile_source::kelurahan:
      out.push_back({"name", property_value::string(area.name)});
      out.push_back({"kecamatan", property_value::string(name_or_empty(chain.kecamatan))});
      out.push_back({"kota", property_value::string(name_or_empty(chain.kota))});
      break;
    case tile_source::rw:
      out.push_back({"rw", property_value::count(trailing_number(area.code))});
      out.push_back({"kelurahan", property_value::string(code_or_empty(chain.kelurahan))});
      break;
    case tile_source::rt:
      out.push_back({"rt", property_value::count(trailing_number(area.code))});
      out.push_back({"rw", property_value::string(code_or_empty(chain.rw))});
      out.push_back({"kelurahan", property_value::string(code_or_empty(chain.kelurahan))});
      break;
    case tile_source::targets:
      break;
  }
  if (const std::optional<geo::engine::precision> basis = m_figures(area))
    add_coverage(out,
                 m_engine.coverage_of(area, program ? *geo::program_slot(*program) : 0, *basis));
  return out;
}

}  // namespace tiles
