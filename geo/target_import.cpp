#include "geo/target_import.hpp"

#include "geo/csv_reader.hpp"
#include "geo/error.hpp"
#include "geo/number_parse.hpp"
#include "geo/text_file.hpp"

namespace geo {
namespace {

std::string padded(std::string_view number, std::size_t width) {
  std::string out(trim(number));
  if (out.size() < width) out.insert(0, width - out.size(), '0');
  return out;
}

// 2e-14 degrees is one unit of double rounding at longitude 106: a point that close to its declared
// area's edge is on it; only floating-point noise separates them.
constexpr double declared_tolerance = 2e-14;

std::string quoted(std::string_view text) {
  return "'" + std::string(text) + "'";
}

class target_row_checker {
 public:
  target_row_checker(const area_lookup& areas, const csv_columns& columns)
      : m_areas(areas), m_columns(columns) {}

  // Fills `t` from the row and records every fault in `verdict`; returns false when the row is
  // rejected.
  bool check(const csv_record& r, target& t, row_verdict& verdict) {
    const auto field = [&](std::string_view name) -> std::string_view {
      return r.fields[m_columns[name]];
    };
    t.id = trim(field("id"));
    t.row = r.row;
    if (t.id.empty()) return reject(verdict, "no_id", "id is empty");
    if (auto [it, fresh] = m_first_row.emplace(t.id, r.row); !fresh)
      return reject(verdict, "duplicate", "duplicate of row " + std::to_string(it->second));
    t.program = trim(field("program"));
    if (!is_program(t.program))
      return reject(verdict, "unknown_program", "unknown program " + quoted(t.program));
    t.need = trim(field("need"));
    const auto priority = parse_integer(field("priority"));
    if (!priority || *priority < 1 || *priority > 5)
      return reject(verdict, "priority",
                    "priority " + quoted(field("priority")) + " is not a whole number 1 to 5");
    t.priority = static_cast<int>(*priority);
    const auto size = parse_integer(field("household_size"));
    if (!size || *size < 1 || *size > 1000)
      return reject(verdict, "household_size",
                    "household_size " + quoted(field("household_size")) +
                        " is not a whole number of at least 1");
    t.household_size = static_cast<int>(*size);
    t.registered_at = trim(field("registered_at"));
    if (!t.registered_at.empty() && !is_iso_date(t.registered_at)) {
      verdict.note(outcome::flagged, "registered_at",
                   "registered_at " + quoted(t.registered_at) + " is not a date YYYY-MM-DD");
      t.registered_at.clear();
    }
    const std::string kelurahan(trim(field("kode_kel")));
    t.declared_rt = kelurahan + padded(field("rw"), 3) + padded(field("rt"), 3);
    return locate(field("lon"), field("lat"), kelurahan, t, verdict);
  }

 private:
  static bool reject(row_verdict& verdict, std::string_view reason, std::string message) {
    verdict.note(outcome::rejected, reason, std::move(message));
    return false;
  }

  bool locate(std::string_view lon_text, std::string_view lat_text, const std::string& kelurahan,
              target& t, row_verdict& verdict) {
    if (trim(lon_text).empty() || trim(lat_text).empty()) {
      if (!m_areas.parent_of.contains(t.declared_rt))
        return reject(verdict, "unlocated_unknown_rt",
                      "no coordinates and the declared RT " + t.declared_rt + " does not exist");
      verdict.note(outcome::unlocated, "no_coordinates",
                   trim(lon_text).empty() && trim(lat_text).empty()
                       ? "no coordinates; counted for its declared RT " + t.declared_rt
                       : "lon or lat missing; counted for its declared RT " + t.declared_rt);
      assign(t, t.declared_rt);
      return true;
    }
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
      if (!m_areas.kelurahan.covers(kelurahan, y, x))
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
      assign(t, rt->code);
    } else {
      verdict.note(
          outcome::flagged, "no_rt",
          "point lies in kelurahan " + kel->code + " but in no RT; declared RT " + t.declared_rt);
      assign_from_kelurahan(t, kel->code);
    }
    return true;
  }

  // The declared area wins where areas overlap (slivers between RTs digitised apart) and for a
  // point on its boundary, within rounding of it (declared_tolerance); otherwise the first area
  // by code, so the answer never depends on input order.
  const area_index::entry* find_rt(const std::string& declared, double x, double y) const {
    return m_areas.rt.covers(declared, x, y, declared_tolerance) ? m_areas.rt.by_code(declared)
                                                                 : m_areas.rt.find(x, y);
  }

  const area_index::entry* find_kelurahan(const std::string& declared, double x, double y) const {
    return m_areas.kelurahan.covers(declared, x, y, declared_tolerance)
               ? m_areas.kelurahan.by_code(declared)
               : m_areas.kelurahan.find(x, y);
  }

  std::string parent(const std::string& code) const {
    const auto it = m_areas.parent_of.find(code);
    return it == m_areas.parent_of.end() ? std::string() : it->second;
  }

  void assign(target& t, const std::string& rt_code) const {
    t.rt_code = rt_code;
    t.rw_code = parent(rt_code);
    assign_from_kelurahan(t, parent(t.rw_code));
  }

  void assign_from_kelurahan(target& t, const std::string& kelurahan_code) const {
    t.kelurahan_code = kelurahan_code;
    t.kecamatan_code = parent(kelurahan_code);
    t.kota_code = parent(t.kecamatan_code);
  }

  const area_lookup& m_areas;
  const csv_columns& m_columns;
  std::unordered_map<std::string, std::size_t> m_first_row;
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
  const std::size_t expected_fields = reader.header().size();
  target_row_checker checker(areas, columns);
  target_import_result result;
  csv_record record;
  progress.start("targets", reader.size(), progress::unit::bytes);
  while (reader.next(record)) {
    if (record.row % 4096 == 0) {
      stop.check("targets at row " + std::to_string(record.row));
      progress.advance(reader.offset());
    }
    target t;
    row_verdict verdict;
    bool kept = false;
    if (record.fields.size() == expected_fields) {
      kept = checker.check(record, t, verdict);
    } else {
      // Keep the id when the row has one, so a pledge to it says the target was rejected.
      if (columns["id"] < record.fields.size()) t.id = trim(record.fields[columns["id"]]);
      verdict.note(outcome::rejected, "field_count",
                   "expected " + std::to_string(expected_fields) + " fields, found " +
                       std::to_string(record.fields.size()));
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
  }
  progress.advance(reader.size());
  progress.finish();
  return result;
}

}  // namespace geo
