// The CSV reader (geo/csv_reader) over any bytes: header and delimiter detection, quoted fields,
// line endings, the column map, and the number and date parsers the importers apply to fields
// (geo/number_parse, geo/utc_time). Only geo::input_error may leave it (no header, an unterminated
// quote, a missing or repeated column).
#include <algorithm>
#include <cmath>

#include "geo/error.hpp"
#include "geo/import/csv_reader.hpp"
#include "geo/number_parse.hpp"
#include "geo/utc_time.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using fuzz_support::require;

void check_values(const std::vector<std::string>& fields) {
  for (const std::string& field : fields) {
    geo::parse_integer(field);
    if (const auto decimal = geo::parse_decimal(field))
      require(std::isfinite(decimal->value), "parse_decimal gave a non-finite value");
    geo::is_iso_date(field);
    geo::is_rfc3339_date_time(field);
  }
}

void read_all(std::string_view text) {
  geo::csv_reader reader(text, "fuzz.csv");
  const char d = reader.delimiter();
  require(d == ',' || d == ';' || d == '\t', "delimiter is not , ; or tab");
  require(!reader.header().empty(), "a header without fields");
  for (const std::string& name : reader.header())
    require(name.empty() || (name.front() != ' ' && name.back() != ' '), "untrimmed header name");

  try {
    const geo::csv_columns columns(reader, {"id", "lon", "lat"}, {"name"});
    for (const char* name : {"id", "lon", "lat"})
      require(columns[name] < reader.header().size(), "a required column out of the header");
    require(columns["name"] == geo::csv_columns::npos || columns["name"] < reader.header().size(),
            "an optional column out of the header");
  } catch (const geo::input_error&) {
    // Missing or repeated columns: the importer's message, not a finding.
  }

  geo::csv_record record;
  std::size_t last_row = 1;
  std::size_t last_offset = reader.offset();
  while (reader.next(record)) {
    // Rows are file lines (blank lines and line breaks inside quotes count), counted here
    // independently: one more than the line feeds before the record's text.
    require(record.row > last_row, "rows do not grow from record to record");
    require(record.raw.data() >= text.data() && record.raw.data() <= text.data() + text.size() &&
                record.row ==
                    1 + static_cast<std::size_t>(std::count(text.data(), record.raw.data(), '\n')),
            "a record's row is not the line it starts on");
    require(!record.fields.empty(), "a record without fields");
    require(record.raw.data() >= text.data() &&
                record.raw.data() + record.raw.size() <= text.data() + text.size(),
            "a record's raw text lies outside the input");
    require(reader.offset() > last_offset && reader.offset() <= reader.size(),
            "next() did not move forward within the text");
    last_row = record.row;
    last_offset = reader.offset();
    check_values(record.fields);
  }
  require(reader.offset() == reader.size(), "the reader stopped before the end of the text");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    read_all(fuzz_support::text_of(data, size));
  } catch (const geo::input_error&) {
  }
  return 0;
}
