#include "geo/import/csv_rows.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

#include "geo/error.hpp"

namespace {

// Writes down every call, so that a test can compare the whole sequence.
class recorded_progress final : public geo::progress {
 public:
  void start(std::string_view stage, std::size_t total, unit counted) override {
    calls.push_back("start " + std::string(stage) + " " + std::to_string(total) +
                    (counted == unit::bytes ? " bytes" : " items"));
  }
  void advance(std::size_t done) override { calls.push_back("advance " + std::to_string(done)); }
  void finish() override { calls.push_back("finish"); }
  std::vector<std::string> calls;
};

// A header "n" and `rows` one-digit records, "0\n" to "9\n" over and over.
std::string numbered(std::size_t rows) {
  std::string text = "n\n";
  for (std::size_t i = 0; i < rows; ++i)
    text += std::string(1, static_cast<char>('0' + i % 10)) + "\n";
  return text;
}

TEST(ForEachCsvRow, HandsOverEveryRecordInFileOrder) {
  const std::string text = "id,name\n1,a\n\n2,\"b\nc\"\n3,d";
  geo::csv_reader reader(text, "rows.csv");
  recorded_progress progress;
  std::vector<std::string> seen;
  geo::for_each_csv_row(
      reader, "things", progress, geo::stop_token(), [&](const geo::csv_record& r) {
        seen.push_back(std::to_string(r.row) + ":" + r.fields.at(0) + "|" + r.fields.at(1));
      });
  EXPECT_EQ(seen, (std::vector<std::string>{"2:1|a", "4:2|b\nc", "6:3|d"}));
}

TEST(ForEachCsvRow, ReportsBytesReadAsOneStage) {
  const std::string text = numbered(4097);  // 2 + 4097 * 2 = 8196 bytes
  geo::csv_reader reader(text, "rows.csv");
  recorded_progress progress;
  std::size_t rows = 0;
  geo::for_each_csv_row(reader, "things", progress, geo::stop_token(),
                        [&](const geo::csv_record&) { ++rows; });
  EXPECT_EQ(rows, 4097u);
  // After the first record (bytes 0-3) and after record 4097 (bytes 0-8195), then the end.
  EXPECT_EQ(progress.calls, (std::vector<std::string>{"start things 8196 bytes", "advance 4",
                                                      "advance 8196", "advance 8196", "finish"}));
}

TEST(ForEachCsvRow, StopsBeforeTheFirstRecordWhenAskedBefore) {
  const std::string text = numbered(3);
  geo::csv_reader reader(text, "rows.csv");
  recorded_progress progress;
  const std::atomic<bool> stop{true};
  std::size_t rows = 0;
  try {
    geo::for_each_csv_row(reader, "things", progress, geo::stop_token(&stop),
                          [&](const geo::csv_record&) { ++rows; });
    FAIL() << "no interruption";
  } catch (const geo::interrupted_error& e) {
    EXPECT_STREQ(e.what(), "interrupted during things at row 2");
  }
  EXPECT_EQ(rows, 0u);
}

TEST(ForEachCsvRow, NoticesAStopRequestAtTheNextCheck) {
  const std::string text = numbered(5000);
  geo::csv_reader reader(text, "rows.csv");
  recorded_progress progress;
  std::atomic<bool> stop{false};
  std::size_t rows = 0;
  try {
    geo::for_each_csv_row(reader, "things", progress, geo::stop_token(&stop),
                          [&](const geo::csv_record&) {
                            if (++rows == 10) stop = true;
                          });
    FAIL() << "no interruption";
  } catch (const geo::interrupted_error& e) {
    // Record 4097 (0-based 4096 = csv_rows_per_check) starts on line 4098.
    EXPECT_STREQ(e.what(), "interrupted during things at row 4098");
  }
  EXPECT_EQ(rows, geo::csv_rows_per_check);
}

TEST(HasHeaderWidth, RejectsRowsWithMoreOrFewerFieldsThanTheHeader) {
  const std::string text = "a,b,c\n1,2,3\n1,2\n1,2,3,4\n";
  geo::csv_reader reader(text, "rows.csv");
  geo::csv_record record;
  std::vector<std::string> verdicts;
  while (reader.next(record)) {
    geo::row_verdict verdict;
    const bool fits = geo::has_header_width(reader, record, verdict);
    verdicts.push_back(std::to_string(fits) + " " + std::string(geo::to_string(verdict.result())) +
                       " " + verdict.reason() + " " + verdict.message());
  }
  EXPECT_EQ(verdicts, (std::vector<std::string>{
                          "1 clean  ",
                          "0 rejected field_count expected 3 fields, found 2",
                          "0 rejected field_count expected 3 fields, found 4",
                      }));
}

}  // namespace
