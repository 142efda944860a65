#pragma once
#include <cstddef>
#include <functional>
#include <string_view>

#include "geo/import/csv_reader.hpp"
#include "geo/import_report.hpp"
#include "geo/progress.hpp"

namespace geo {

/// Rows read between two looks at the stop flag and two progress reports: a look costs an
/// atomic load, a report a call through the progress sink; at about 80 bytes a row this is
/// every 300 KB or so, a few milliseconds of reading.
inline constexpr std::size_t csv_rows_per_check = 4096;

/// The row loop of every CSV importer: calls `each` with every record of `reader` in file
/// order, as the progress stage `stage` counted in bytes of the text (started here, advanced
/// as rows are read, finished at the end). The stop request is checked before the first record
/// and every csv_rows_per_check records after, so a small file stops at once; it throws
/// interrupted_error "interrupted during STAGE at row N" (N the line where the record starts)
/// before `each` sees that record. What `each` throws ends the loop unchanged.
void for_each_csv_row(csv_reader& reader, std::string_view stage, progress& progress,
                      const stop_token& stop, const std::function<void(const csv_record&)>& each);

/// True when `record` has as many fields as the header; otherwise notes on `verdict` the
/// rejection "field_count": "expected N fields, found M", and returns false.
bool has_header_width(const csv_reader& reader, const csv_record& record, row_verdict& verdict);

}  // namespace geo
