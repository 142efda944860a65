#include "server/tile_routes.hpp"

#include <charconv>
#include <cstdio>

#include "geo/engine.hpp"
#include "server/api_json.hpp"
#include "server/gzip.hpp"
#include "server/query_params.hpp"
#include "server/tile_cache.hpp"
#include "tiles/error.hpp"
#include "tiles/tile_builder.hpp"
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

// A strong validator: the same bytes always give the same tag.
std::string etag_of(const std::string& bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : bytes)
    h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  char tag[24];
  std::snprintf(tag, sizeof tag, "\"%016llx\"", static_cast<unsigned long long>(h));
  return tag;
}

bool matches(const std::optional<std::string>& if_none_match, const std::string& etag) {
  if (!if_none_match) return false;
  if (*if_none_match == "*") return true;
  // The edge marks gzipped answers by a suffix inside the quotes; either form matches.
  const std::string plain = etag.substr(0, etag.size() - 1);
  return if_none_match->find(etag) != std::string::npos ||
         if_none_match->find(plain + "-gzip\"") != std::string::npos;
}

struct tile_maker {
  const geo::engine& engine;
  const tiles::tile_builder& builder;
  tile_cache& cache;
};

// The revisions of the areas a tile shows are read before it is built, so that a write
// during the build leaves the kept tile stale rather than wrong.
std::shared_ptr<const tile_cache::tile> current_tile(const tile_maker& m, const tiles::tile_id& id,
                                                     const std::vector<tiles::tile_source>& sources,
                                                     const std::optional<std::string>& program,
                                                     const std::string& key) {
  if (auto kept = m.cache.find(key, m.engine)) return kept;
  auto made = std::make_shared<tile_cache::tile>();
  for (tiles::tile_source s : sources)
    for (const geo::area* a : m.builder.areas_in(id, s))
      made->shown.emplace_back(a, m.engine.revision_of(*a));
  made->bytes = m.builder.build(id, sources, program);
  if (!made->bytes.empty()) {
    made->etag = etag_of(made->bytes);
    made->gzipped = gzip(made->bytes);
  }
  m.cache.put(key, made);
  return made;
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
      current_tile(m, id, sources, program,
                   r.param("sources") + "/" + tiles::to_string(id) + "?" + program.value_or(""));
  // no-cache: clients keep tiles but ask again (a 304 when unchanged), since a pledge changes
  // the coverage they show.
  if (t->bytes.empty()) return {204, "", "", {{"Cache-Control", "no-cache"}}};
  if (matches(r.header("if-none-match"), t->etag))
    return {304, "", "", {{"ETag", t->etag}, {"Cache-Control", "no-cache"}}};
  // Gzipped once when built, not per request; the edge leaves an encoded body alone.
  if (accepts_gzip(r.header("accept-encoding").value_or("")))
    return {200,
            "application/vnd.mapbox-vector-tile",
            t->gzipped,
            {{"ETag", t->etag.substr(0, t->etag.size() - 1) + "-gzip\""},
             {"Content-Encoding", "gzip"},
             {"Cache-Control", "no-cache"}}};
  return {200,
          "application/vnd.mapbox-vector-tile",
          t->bytes,
          {{"ETag", t->etag}, {"Cache-Control", "no-cache"}}};
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
      fields["rw"] = "String: RW number";
      fields["kelurahan"] = "String: kelurahan code";
      break;
    case tiles::tile_source::rt:
      fields["rt"] = "String: RT number";
      fields["rw"] = "String: RW code";
      fields["kelurahan"] = "String: kelurahan code";
      break;
  }
  for (const char* n : {"targets", "pledged", "delivered", "unserved", "unmet_priority"})
    fields[n] = "Number: coverage (all programs, or ?program=)";
  fields["pledged_ratio"] = "Number: pledged / targets";
  fields["delivered_ratio"] = "Number: delivered / targets";
  return fields;
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
  return response::json(dump(
      {{"tilejson", "3.0.0"},
       {"name", "Sasaran " + names},
       {"tiles", json::array({url})},
       {"vector_layers", std::move(layers)},
       {"minzoom", min_zoom},
       {"maxzoom", max_zoom},
       {"bounds", bbox_json(bounds)},
       {"center",
        json::array({(bounds.min_x + bounds.max_x) / 2, (bounds.min_y + bounds.max_y) / 2, 11})},
       {"attribution",
        "Kelurahan boundaries: BPS via OCHA HDX (CC BY-IGO); RW and RT boundaries: synthetic"},
       {"scheme", "xyz"}}));
}

}  // namespace

void add_tile_routes(router& routes, const geo::engine& engine, const tiles::tile_builder& builder,
                     tile_cache& cache) {
  routes.add("GET", "/tiles/{sources}/{z}/{x}/{file}",
             [m = tile_maker{engine, builder, cache}](request& r) { return tile(m, r); });
  routes.add("GET", "/tiles/{file}", [&engine](request& r) { return tilejson(engine, r); });
}

}  // namespace server
