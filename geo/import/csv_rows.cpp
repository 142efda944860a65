#include "geo/import/csv_rows.hpp"

#include <string>

namespace geo {

void for_each_csv_row(csv_reader& reader, std::string_view stage, progress& progress,
                      const stop_token& stop, const std::function<void(const csv_record&)>& each) {
  progress.start(stage, reader.size(), progress::unit::bytes);
  csv_record record;  // one for all rows, so that the reader reuses its strings
  for (std::size_t records = 0; reader.next(record); ++records) {
    if (records % csv_rows_per_check == 0) {
      stop.check(std::string(stage) + " at row " + std::to_string(record.row));
      progress.advance(reader.offset());
    }
    each(record);
  }
  progress.advance(reader.size());
  progress.finish();
}

bool has_header_width(const csv_reader& reader, const csv_record& record, row_verdict& verdict) {
  const std::size_t expected = reader.header().size();
  if (record.fields.size() == expected) return true;
  verdict.note(outcome::rejected, "field_count",
               "expected " + std::to_string(expected) + " fields, found " +
                   std::to_string(record.fields.size()));
  return false;
}

}  // namespace geo
