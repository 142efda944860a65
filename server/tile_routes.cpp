#include "server/tile_routes.hpp"

#include <charconv>
#include <cstdio>

#include "geo/engine/engine.hpp"
#include "server/api_json.hpp"
#include "server/etag.hpp"
#include "server/gzip.hpp"
#include "server/privacy_rule.hpp"
#include "server/query_params.hpp"
#include "tiles/error.hpp"
#include "tiles/tile_builder.hpp"
#include "tiles/tile_cache.hpp"
#include "tiles/tile_source.hpp"

namespace server {
namespace {

std::vector<tiles::tile_source> sources_of(const std::string& names) {
  std::vector<tiles::tile_source> out;
  std::vector<std::string_view> known;
  for (const tiles::source_spec& s : tiles::tile_sources())
    known.push_back(s.name);
  std::string_view rest = names;
  while (true) {
    const std::size_t comma = rest.find(',');
    const std::string_view name = rest.substr(0, comma);
    const std::optional<tiles::tile_source> source = tiles::parse_tile_source(name);
    if (!source)
      throw http_error(404,
                       "no tile source '" + std::string(name) + "'; sources: " + comma_list(known));
    if (std::find(out.begin(), out.end(), *source) != out.end())
      throw http_error(400, "tile source '" + std::string(name) + "' named twice", "sources");
    out.push_back(*source);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

std::int64_t tile_number(std::string_view text, const char* name) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    throw http_error(
        400, std::string(name) + ": expected a whole number, got '" + std::string(text) + "'",
        name);
  return value;
}

struct tile_maker {
  const geo::engine& engine;
  const privacy_rule& rule;
  const tiles::tile_builder& builder;
  tiles::tile_cache& cache;
};

// A built tile is kept only when no write happened while it was built (the change count is
// the same before and after), so its recorded revisions are those its content reflects.
std::shared_ptr<const tiles::tile_cache::tile> current_tile(
    const tile_maker& m, const tiles::tile_id& id, const std::vector<tiles::tile_source>& sources,
    const std::optional<std::string>& program, const principal& caller, const std::string& key) {
  if (auto kept = m.cache.find(key, m.engine)) return kept;
  const std::uint64_t changes_before = m.engine.change_count();
  tiles::tile_builder::built_tile built =
      m.builder.build_tile(id, sources, program, m.rule.tile_viewer(caller));
  const geo::engine::revisions seen = m.engine.revisions_of(built.shown);
  auto made = std::make_shared<tiles::tile_cache::tile>();
  made->bytes = std::move(built.bytes);
  for (std::size_t i = 0; i < built.shown.size(); ++i)
    made->shown.emplace_back(built.shown[i], seen.of[i]);
  made->with_targets =
      std::find(sources.begin(), sources.end(), tiles::tile_source::targets) != sources.end();
  if (!made->bytes.empty()) {
    made->etag = strong_etag(made->bytes);
    made->gzipped = gzip(made->bytes);
  }
  if (seen.changes == changes_before) m.cache.put(key, made);
  return made;
}

std::string cache_key(const request& r, const tiles::tile_id& id,
                      const std::vector<tiles::tile_source>& sources,
                      const std::optional<std::string>& program) {
  std::string key = r.param("sources") + "/" + tiles::to_string(id) + "?" + program.value_or("");
  if (std::find(sources.begin(), sources.end(), tiles::tile_source::targets) != sources.end())
    key += "|" + privacy_rule::tile_viewer_key(r.caller);
  return key;
}

response tile(const tile_maker& m, request& r) {
  const query_params q(r, {"program"});
  const std::string& file = r.param("file");
  if (!file.ends_with(".mvt")) throw http_error(404, "tiles are at {z}/{x}/{y}.mvt");
  const std::vector<tiles::tile_source> sources = sources_of(r.param("sources"));
  tiles::tile_id id;
  try {
    id = tiles::make_tile_id(tile_number(r.param("z"), "z"), tile_number(r.param("x"), "x"),
                             tile_number(std::string_view(file).substr(0, file.size() - 4), "y"));
  } catch (const tiles::tile_error& e) {
    throw http_error(400, e.what());
  }
  const std::optional<std::string> program = q.program();
  const auto t =
      current_tile(m, id, sources, program, r.caller, cache_key(r, id, sources, program));
  // no-cache: clients keep tiles but ask again (a 304 when unchanged), since a pledge changes
  // the coverage they show. Targets differ by caller: shared caches must not keep them.
  const std::string cache_control =
      std::find(sources.begin(), sources.end(), tiles::tile_source::targets) != sources.end()
          ? "private, no-cache"
          : "no-cache";
  if (t->bytes.empty()) return {204, "", "", {{"Cache-Control", cache_control}}};
  if (none_match(r.header("if-none-match"), t->etag))
    return {304, "", "", {{"ETag", t->etag}, {"Cache-Control", cache_control}}};
  // Gzipped once when built, not per request; the edge leaves an encoded body alone.
  if (accepts_gzip(r.header("accept-encoding").value_or("")))
    return {200,
            "application/vnd.mapbox-vector-tile",
            t->gzipped,
            {{"ETag", gzip_etag(t->etag)},
             {"Content-Encoding", "gzip"},
             {"Cache-Control", cache_control}}};
  return {200,
          "application/vnd.mapbox-vector-tile",
          t->bytes,
          {{"ETag", t->etag}, {"Cache-Control", cache_control}}};
}

// What docs/api.md describes for the targets layer (tiles/target_layer.hpp).
json target_fields() {
  json fields = {
      {"kind",
       "String: target (zoom 14+, targets the caller sees exactly), cell (zoom 14+, the targets "
       "of a ~100 m cell the caller sees coarsely), cluster (below zoom 14), rw (anonymous "
       "callers: counts per RW)"},
      {"cell",
       "String: x,y of the coarse cell (kind cell; GET /api/v1/targets?cell=x,y lists "
       "its targets)"},
      {"id", "String: target id (kind target)"},
      {"program", "String: the target's program (kind target)"},
      {"need", "String (kind target)"},
      {"priority", "Number (kind target)"},
      {"status", "String: open, pledged or delivered (kind target)"},
      {"position", "String: exact (kind target)"},
      {"household_size", "Number (kind target, exact positions only)"},
      {"rt", "String: RT code (kind target, exact positions only)"},
      {"code", "String: RW code (kind rw)"},
      {"count", "Number: targets in the cell, cluster or RW (kinds cell, cluster, rw)"},
      {"status_open", "Number: of count, targets without an active pledge"},
      {"status_pledged", "Number: of count, targets pledged and not yet delivered"},
      {"status_delivered", "Number: of count, targets delivered"}};
  for (std::string_view p : geo::programs)
    fields["program_" + std::string(p)] = "Number: of count, targets of this program";
  return fields;
}

json fields_of(const tiles::source_spec& s) {
  json fields = {{"code", "String: area code (BPS)"}};
  switch (s.source) {
    case tiles::tile_source::kelurahan:
      fields["name"] = "String";
      fields["kecamatan"] = "String: kecamatan name";
      fields["kota"] = "String: kota name";
      break;
    case tiles::tile_source::rw:
      fields["rw"] = "Number: RW number";
      fields["kelurahan"] = "String: kelurahan code";
      break;
    case tiles::tile_source::rt:
      fields["rt"] = "Number: RT number";
      fields["rw"] = "String: RW code";
      fields["kelurahan"] = "String: kelurahan code";
      return fields;  // no figures per RT in tiles, which are the same for every caller
    case tiles::tile_source::targets:
      return target_fields();
  }
  for (const char* n : {"targets", "pledged", "delivered", "unserved", "unmet_priority"})
    fields[n] = "Number: coverage counted by cell (all programs, or ?program=)";
  fields["pledged_ratio"] = "Number: pledged / targets";
  fields["delivered_ratio"] = "Number: delivered / targets";
  return fields;
}

// Where most kelurahan are: the median of their box centres, so that far islands (Kepulauan
// Seribu, 45 km out at sea) widen the bounds but do not move the map's first view to the sea.
json center_of(const geo::engine& engine) {
  std::vector<double> lons, lats;
  for (const geo::area* k : engine.areas_at(geo::admin_level::kelurahan)) {
    lons.push_back((k->box.min_x + k->box.max_x) / 2);
    lats.push_back((k->box.min_y + k->box.max_y) / 2);
  }
  if (lons.empty()) return json::array({0, 0, 11});
  std::nth_element(lons.begin(), lons.begin() + long(lons.size() / 2), lons.end());
  std::nth_element(lats.begin(), lats.begin() + long(lats.size() / 2), lats.end());
  return json::array({lons[lons.size() / 2], lats[lats.size() / 2], 11});
}

// Credits for the boundaries the engine holds, and only those: the kelurahan (and the
// kecamatan and kota dissolved from them) are BPS's, published on HDX under CC BY-IGO, whose
// licence asks for the credit; RW and RT only when some are loaded, from the synthetic
// partitions of the shared datasets.
std::string attribution_of(const geo::engine& engine) {
  std::string credits;
  if (!engine.areas_at(geo::admin_level::kelurahan).empty())
    credits = "Kelurahan boundaries: BPS via OCHA HDX (CC BY-IGO)";
  const bool rw = !engine.areas_at(geo::admin_level::rw).empty();
  const bool rt = !engine.areas_at(geo::admin_level::rt).empty();
  if (!rw && !rt) return credits;
  const std::string levels = rw && rt ? "RW and RT" : rw ? "RW" : "RT";
  credits += (credits.empty() ? "" : "; ") + levels + " boundaries: synthetic";
  return credits;
}

response tilejson(const geo::engine& engine, request& r) {
  const query_params q(r, {"program"});
  const std::string& file = r.param("file");
  if (!file.ends_with(".json") || file.size() == 5)
    throw http_error(404, "no resource at " + r.path);
  const std::string names = file.substr(0, file.size() - 5);
  const std::vector<tiles::tile_source> sources = sources_of(names);
  geo::bbox bounds;
  for (const geo::area* kota : engine.areas_at(geo::admin_level::kota))
    bounds.expand(kota->box);
  std::uint32_t min_zoom = tiles::max_zoom, max_zoom = 0;
  json layers = json::array();
  for (tiles::tile_source s : sources) {
    const tiles::source_spec& spec = tiles::spec_of(s);
    min_zoom = std::min(min_zoom, spec.min_zoom);
    max_zoom = std::max(max_zoom, spec.max_zoom);
    layers.push_back({{"id", spec.name},
                      {"fields", fields_of(spec)},
                      {"minzoom", spec.min_zoom},
                      {"maxzoom", spec.max_zoom}});
  }
  const std::optional<std::string> program = q.program();
  const std::string url =
      r.base_url + "/tiles/" + names + "/{z}/{x}/{y}.mvt" + (program ? "?program=" + *program : "");
  return response::json(dump({{"tilejson", "3.0.0"},
                              {"name", "Sasaran " + names},
                              {"tiles", json::array({url})},
                              {"vector_layers", std::move(layers)},
                              {"minzoom", min_zoom},
                              {"maxzoom", max_zoom},
                              {"bounds", bbox_json(bounds)},
                              {"center", center_of(engine)},
                              {"attribution", attribution_of(engine)},
                              {"scheme", "xyz"}}));
}

}  // namespace

void add_tile_routes(router& routes, const geo::engine& engine, const privacy_rule& rule,
                     const tiles::tile_builder& builder, tiles::tile_cache& cache) {
  routes.add("GET", "/tiles/{sources}/{z}/{x}/{file}",
             [m = tile_maker{engine, rule, builder, cache}](request& r) { return tile(m, r); });
  routes.add("GET", "/tiles/{file}", [&engine](request& r) { return tilejson(engine, r); });
}

}  // namespace server
