#include "geo/import/collaborator_import.hpp"

#include <algorithm>
#include <unordered_map>

#include "geo/import/csv_reader.hpp"
#include "geo/import/csv_rows.hpp"
#include "geo/import/text_file.hpp"
#include "geo/number_parse.hpp"

namespace geo {
namespace {

// A collaborator's location, optional: one that is not lon/lat is flagged and left out.
void read_location(std::string_view lon_text, std::string_view lat_text, collaborator& c,
                   row_verdict& verdict) {
  if (lon_text.empty() && lat_text.empty()) return;
  const auto lon = parse_decimal(lon_text);
  const auto lat = parse_decimal(lat_text);
  if (!lon || !lat || lon->value < -180 || lon->value > 180 || lat->value < -90 ||
      lat->value > 90) {
    const bool kept = verdict.result() != outcome::rejected;
    verdict.note(outcome::flagged, "bad_coordinates",
                 "coordinates (" + std::string(lon_text) + ", " + std::string(lat_text) +
                     ") are not lon/lat" + (kept ? "; kept without a location" : ""));
    return;
  }
  if (lon->decimal_comma || lat->decimal_comma)
    verdict.note(outcome::normalized, "decimal_comma", "decimal comma read as a point");
  c.lon = lon->value;
  c.lat = lat->value;
}

bool check_collaborator(const csv_record& r, const csv_columns& columns,
                        std::unordered_map<std::string, std::size_t>& first_row, collaborator& c,
                        row_verdict& verdict) {
  const auto field = [&](std::string_view name) -> std::string_view {
    const std::size_t i = columns[name];
    return i == csv_columns::npos ? std::string_view{} : trim(r.fields[i]);
  };
  c.id = field("id");
  c.name = field("name");
  c.kind = field("kind");
  c.row = r.row;
  // Every fault is noted; the first rejection stays the row's reason.
  if (c.id.empty())
    verdict.note(outcome::rejected, "no_id", "id is empty");
  else if (auto [it, fresh] = first_row.emplace(c.id, r.row); !fresh)
    verdict.note(outcome::rejected, "duplicate", "duplicate of row " + std::to_string(it->second));
  if (std::find(std::begin(collaborator_kinds), std::end(collaborator_kinds), c.kind) ==
      std::end(collaborator_kinds))
    verdict.note(outcome::rejected, "unknown_kind", "unknown kind '" + c.kind + "'");
  read_location(field("lon"), field("lat"), c, verdict);
  return verdict.result() != outcome::rejected;
}

}  // namespace

std::vector<collaborator> import_collaborators(const std::string& path, layer_report& report,
                                               progress& progress, const stop_token& stop) {
  const std::string text = read_text_file(path);
  csv_reader reader(text, path);
  const csv_columns columns(reader, {"id", "name", "kind"}, {"lon", "lat"});
  std::unordered_map<std::string, std::size_t> first_row;
  std::vector<collaborator> out;
  for_each_csv_row(reader, "collaborators", progress, stop, [&](const csv_record& record) {
    collaborator c;
    row_verdict verdict;
    const bool kept = has_header_width(reader, record, verdict) &&
                      check_collaborator(record, columns, first_row, c, verdict);
    report.add(record.row, c.id, verdict, std::string(record.raw));
    if (kept) out.push_back(std::move(c));
  });
  return out;
}

}  // namespace geo
