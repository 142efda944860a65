#include "geo/import/csv_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "geo/error.hpp"
#include "geo/import/text_file.hpp"

namespace {

using fields = std::vector<std::string>;

// Every data record of `text`, as (line, fields) pairs, for whole-file comparisons.
std::vector<std::pair<std::size_t, fields>> read_all(std::string_view text) {
  geo::csv_reader reader(text, "test.csv");
  std::vector<std::pair<std::size_t, fields>> records;
  geo::csv_record record;
  while (reader.next(record))
    records.emplace_back(record.row, record.fields);
  return records;
}

std::string error_reading(std::string_view text) {
  try {
    read_all(text);
  } catch (const geo::input_error& e) {
    return e.what();
  }
  return "no error";
}

std::string error_declaring(std::string_view text, std::initializer_list<std::string_view> required,
                            std::initializer_list<std::string_view> optional = {}) {
  const geo::csv_reader reader(text, "targets.csv");
  try {
    geo::csv_columns columns(reader, required, optional);
  } catch (const geo::input_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(CsvReader, DetectsCommaDelimiter) {
  const geo::csv_reader reader("id,lat,lon\n1,2,3\n", "test.csv");
  EXPECT_EQ(reader.delimiter(), ',');
  EXPECT_EQ(reader.header(), (fields{"id", "lat", "lon"}));
}

TEST(CsvReader, DetectsSemicolonDelimiter) {
  const geo::csv_reader reader("id;lat;lon\n1;-6,2;106,8\n", "test.csv");
  EXPECT_EQ(reader.delimiter(), ';');
  EXPECT_EQ(reader.header(), (fields{"id", "lat", "lon"}));
}

TEST(CsvReader, DetectsTabDelimiter) {
  const geo::csv_reader reader("id\tname, full\tlat\n", "test.csv");
  EXPECT_EQ(reader.delimiter(), '\t');
  EXPECT_EQ(reader.header(), (fields{"id", "name, full", "lat"}));
}

TEST(CsvReader, IgnoresDelimitersInsideQuotedHeaderNames) {
  const geo::csv_reader reader("\"a;b;c\",d\n", "test.csv");
  EXPECT_EQ(reader.delimiter(), ',');
  EXPECT_EQ(reader.header(), (fields{"a;b;c", "d"}));
}

TEST(CsvReader, DefaultsToCommaWhenHeaderHasOneColumn) {
  const geo::csv_reader reader("id\n1;2\n", "test.csv");
  EXPECT_EQ(reader.delimiter(), ',');
  EXPECT_EQ(reader.header(), (fields{"id"}));
}

TEST(CsvReader, SkipsUtf8Bom) {
  const geo::csv_reader reader("\xEF\xBB\xBFid,lat\n", "test.csv");
  EXPECT_EQ(reader.header(), (fields{"id", "lat"}));
}

TEST(CsvReader, TrimsHeaderNamesButNotDataFields) {
  geo::csv_reader reader(" id ,\tlat\t,\" lon \"\n a , b ,\tc\n", "test.csv");
  EXPECT_EQ(reader.header(), (fields{"id", "lat", "lon"}));
  geo::csv_record record;
  ASSERT_TRUE(reader.next(record));
  EXPECT_EQ(record.fields, (fields{" a ", " b ", "\tc"}));
}

TEST(CsvReader, ReadsCrlfLineEndings) {
  EXPECT_EQ(read_all("id,name\r\n1,a\r\n2,\"b\"\r\n3,\r\n"),
            (std::vector<std::pair<std::size_t, fields>>{
                {2, {"1", "a"}}, {3, {"2", "b"}}, {4, {"3", ""}}}));
}

TEST(CsvReader, ReadsLastLineWithoutLineEnding) {
  EXPECT_EQ(read_all("id,name\n1,a\n2,b"),
            (std::vector<std::pair<std::size_t, fields>>{{2, {"1", "a"}}, {3, {"2", "b"}}}));
  EXPECT_EQ(read_all("id,name\r\n1,a\r"),
            (std::vector<std::pair<std::size_t, fields>>{{2, {"1", "a"}}}));
}

TEST(CsvReader, KeepsCarriageReturnInsideLineAsData) {
  EXPECT_EQ(read_all("id,name\n1\r,a\n"),
            (std::vector<std::pair<std::size_t, fields>>{{2, {"1\r", "a"}}}));
}

TEST(CsvReader, KeepsDelimiterInsideQuotedField) {
  EXPECT_EQ(read_all("id,name\n1,\"Tanah Abang, Blok A\"\n"),
            (std::vector<std::pair<std::size_t, fields>>{{2, {"1", "Tanah Abang, Blok A"}}}));
}

TEST(CsvReader, UnescapesDoubledQuotesInQuotedField) {
  EXPECT_EQ(read_all("id,name\n1,\"Menteng \"\"Lama\"\"\"\n2,\"\"\"\"\n3,\"\"\n"),
            (std::vector<std::pair<std::size_t, fields>>{
                {2, {"1", "Menteng \"Lama\""}}, {3, {"2", "\""}}, {4, {"3", ""}}}));
}

TEST(CsvReader, KeepsQuoteInsideUnquotedFieldAsData) {
  EXPECT_EQ(read_all("id,size\n1,5\"2 \"x\"\n"),
            (std::vector<std::pair<std::size_t, fields>>{{2, {"1", "5\"2 \"x\""}}}));
}

TEST(CsvReader, KeepsQuoteAfterLeadingSpaceAsData) {
  EXPECT_EQ(read_all("id,name\n1, \"a\"\n"),
            (std::vector<std::pair<std::size_t, fields>>{{2, {"1", " \"a\""}}}));
}

TEST(CsvReader, KeepsTextAfterClosingQuote) {
  EXPECT_EQ(read_all("id,name\n1,\"a,b\"c \n"),
            (std::vector<std::pair<std::size_t, fields>>{{2, {"1", "a,bc "}}}));
}

TEST(CsvReader, ReadsLineBreaksInsideQuotedField) {
  EXPECT_EQ(read_all("id,note\n1,\"line one\nline two\r\nline three\"\n"),
            (std::vector<std::pair<std::size_t, fields>>{
                {2, {"1", "line one\nline two\r\nline three"}}}));
}

TEST(CsvReader, KeepsRawTextOfMultiLineRecord) {
  geo::csv_reader reader("id,note\r\n1,\"a\r\nb\"\r\n2,c\r\n", "test.csv");
  geo::csv_record record;
  ASSERT_TRUE(reader.next(record));
  EXPECT_EQ(record.raw, "1,\"a\r\nb\"");
  ASSERT_TRUE(reader.next(record));
  EXPECT_EQ(record.raw, "2,c");
}

TEST(CsvReader, KeepsRawTextAsWrittenWithoutLineEnding) {
  geo::csv_reader reader("id,name\n 1 ,\"x \"\"y\"\"\"\n", "test.csv");
  geo::csv_record record;
  ASSERT_TRUE(reader.next(record));
  EXPECT_EQ(record.raw, " 1 ,\"x \"\"y\"\"\"");
}

TEST(CsvReader, NumbersRecordsByFileLineWithHeaderAsLineOne) {
  geo::csv_reader reader("id\na\nb\n", "test.csv");
  geo::csv_record record;
  ASSERT_TRUE(reader.next(record));
  EXPECT_EQ(record.row, 2u);
  ASSERT_TRUE(reader.next(record));
  EXPECT_EQ(record.row, 3u);
  EXPECT_FALSE(reader.next(record));
}

TEST(CsvReader, NumbersRecordAfterMultiLineRecordByItsFileLine) {
  EXPECT_EQ(read_all("id,note\n1,\"a\nb\nc\"\n2,d\n"),
            (std::vector<std::pair<std::size_t, fields>>{{2, {"1", "a\nb\nc"}}, {5, {"2", "d"}}}));
}

TEST(CsvReader, SkipsBlankLinesCountingThemAsFileLines) {
  EXPECT_EQ(read_all("\n  \r\nid,name\n\n1,a\r\n \t \r\n\n2,b\n\n"),
            (std::vector<std::pair<std::size_t, fields>>{{5, {"1", "a"}}, {8, {"2", "b"}}}));
}

TEST(CsvReader, ReadsLineOfTabsAsEmptyFieldsInTabSeparatedFile) {
  EXPECT_EQ(read_all("id\tname\n\t\n"),
            (std::vector<std::pair<std::size_t, fields>>{{2, {"", ""}}}));
}

TEST(CsvReader, ReturnsRecordsWithMoreOrFewerFieldsThanHeader) {
  EXPECT_EQ(read_all("a,b,c\n1\n1,2,3,4\n1,2,\n,\n"),
            (std::vector<std::pair<std::size_t, fields>>{
                {2, {"1"}}, {3, {"1", "2", "3", "4"}}, {4, {"1", "2", ""}}, {5, {"", ""}}}));
}

TEST(CsvReader, ReturnsNoRecordsForHeaderOnly) {
  EXPECT_TRUE(read_all("id,name").empty());
  EXPECT_TRUE(read_all("id,name\r\n\r\n").empty());
}

TEST(CsvReader, ThrowsOnUnterminatedQuoteNamingTheLineWhereTheRecordStarts) {
  EXPECT_EQ(error_reading("id,name\n1,a\n\n2,\"b\n3,c\n"),
            "test.csv: line 4: unterminated quoted field");
}

TEST(CsvReader, ThrowsOnUnterminatedQuoteInHeaderAsLineOne) {
  EXPECT_EQ(error_reading("id,\"name\n"), "test.csv: line 1: unterminated quoted field");
}

TEST(CsvReader, ThrowsOnEmptyText) {
  EXPECT_EQ(error_reading(""), "test.csv: empty file, expected a header row");
}

TEST(CsvReader, ThrowsOnTextWithOnlyBom) {
  EXPECT_EQ(error_reading("\xEF\xBB\xBF"), "test.csv: empty file, expected a header row");
}

TEST(CsvReader, ThrowsOnTextWithOnlyBlankLines) {
  EXPECT_EQ(error_reading("\xEF\xBB\xBF\r\n  \n"), "test.csv: empty file, expected a header row");
}

TEST(CsvReader, ReportsBytesConsumedForProgress) {
  const std::string_view text = "\xEF\xBB\xBFid\r\nab\r\n\r\ncd";
  geo::csv_reader reader(text, "test.csv");
  EXPECT_EQ(reader.size(), text.size());
  EXPECT_EQ(reader.offset(), 7u);  // BOM and "id\r\n"
  geo::csv_record record;
  ASSERT_TRUE(reader.next(record));
  EXPECT_EQ(reader.offset(), 11u);
  ASSERT_TRUE(reader.next(record));
  EXPECT_EQ(reader.offset(), text.size());
  EXPECT_FALSE(reader.next(record));
  EXPECT_EQ(reader.offset(), text.size());
}

TEST(CsvReader, ReusesFieldStorageBetweenRecords) {
  const std::string long_value(100, 'x');
  const std::string text = "a,b\n" + long_value + ",1\nshort\n" + long_value + ",2\n";
  geo::csv_reader reader(text, "test.csv");
  geo::csv_record record;
  ASSERT_TRUE(reader.next(record));
  const char* first_storage = record.fields[0].data();
  const char* second_storage = record.fields[1].data();
  ASSERT_TRUE(reader.next(record));
  EXPECT_EQ(record.fields, (fields{"short"}));
  EXPECT_EQ(record.fields[0].data(), first_storage);
  ASSERT_TRUE(reader.next(record));
  EXPECT_EQ(record.fields, (fields{long_value, "2"}));
  EXPECT_EQ(record.fields[0].data(), first_storage);
  // The second string went to the reader's spare pool while the short record was read.
  EXPECT_EQ(record.fields[1].data(), second_storage);
}

TEST(CsvReader, ReadsSemicolonExportWithBomAndCrlfFromFile) {
  const std::string text =
      geo::read_text_file(std::string(SASARAN_TEST_DATA) + "/csv-semicolon-bom-crlf-3rows.csv");
  geo::csv_reader reader(text, "csv-semicolon-bom-crlf-3rows.csv");
  EXPECT_EQ(reader.delimiter(), ';');
  EXPECT_EQ(reader.header(), (fields{"id", "name", "lat"}));
  geo::csv_record record;
  ASSERT_TRUE(reader.next(record));
  EXPECT_EQ(record.fields, (fields{"T1", "Kebon Jeruk", "-6,19"}));
  ASSERT_TRUE(reader.next(record));
  EXPECT_EQ(record.fields, (fields{"T2", "Tanah Abang; Blok A", "-6,18"}));
  ASSERT_TRUE(reader.next(record));
  EXPECT_EQ(record.row, 4u);
  EXPECT_EQ(record.fields, (fields{"T3", "Menteng \"Lama\"", "-6,20"}));
  EXPECT_EQ(record.raw, "T3;\"Menteng \"\"Lama\"\"\";-6,20");
  EXPECT_FALSE(reader.next(record));
}

TEST(CsvColumns, FindsColumnsInAnyOrderIgnoringCase) {
  const geo::csv_reader reader("ID,Priority,LAT,lon\n", "targets.csv");
  const geo::csv_columns columns(reader, {"lat", "id", "lon", "priority"});
  EXPECT_EQ(columns["lat"], 2u);
  EXPECT_EQ(columns["id"], 0u);
  EXPECT_EQ(columns["LON"], 3u);
  EXPECT_EQ(columns["Priority"], 1u);
}

TEST(CsvColumns, IgnoresSurroundingSpacesInNames) {
  const geo::csv_reader reader("id ,\" lat\" \n", "targets.csv");
  const geo::csv_columns columns(reader, {" lat", "id "});
  EXPECT_EQ(columns["lat"], 1u);
  EXPECT_EQ(columns[" id"], 0u);
}

TEST(CsvColumns, ListsEveryMissingColumn) {
  EXPECT_EQ(error_declaring("id,program,lon\n", {"id", "lat", "lon", "priority"}),
            "targets.csv: missing columns lat, priority (header has: id, program, lon)");
}

TEST(CsvColumns, NamesASingleMissingColumn) {
  EXPECT_EQ(error_declaring("id;program\n", {"id", "lat"}, {"rw"}),
            "targets.csv: missing column lat (header has: id, program)");
}

TEST(CsvColumns, ReturnsNposForAbsentOptionalColumn) {
  const geo::csv_reader reader("id,lat\n", "targets.csv");
  const geo::csv_columns columns(reader, {"id"}, {"rw", "lat"});
  EXPECT_EQ(columns["rw"], geo::csv_columns::npos);
  EXPECT_EQ(columns["lat"], 1u);
}

TEST(CsvColumns, ThrowsOnDeclaredColumnThatAppearsTwice) {
  EXPECT_EQ(error_declaring("id,lat,LAT\n", {"id", "lat"}),
            "targets.csv: column lat appears more than once (header has: id, lat, LAT)");
}

TEST(CsvColumns, IgnoresDuplicatesOfUndeclaredColumns) {
  const geo::csv_reader reader("id,note,note\n", "targets.csv");
  const geo::csv_columns columns(reader, {"id"});
  EXPECT_EQ(columns["id"], 0u);
}

TEST(CsvColumns, ThrowsOnLookupOfUndeclaredColumn) {
  const geo::csv_reader reader("id,lat\n", "targets.csv");
  const geo::csv_columns columns(reader, {"id"});
  try {
    (void)columns["lat"];
    FAIL() << "no error";
  } catch (const geo::error& e) {
    EXPECT_STREQ(e.what(), "csv_columns: column lat was declared neither required nor optional");
  }
}

}  // namespace
