#pragma once
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace geo {

/// One data record. `row` is the line of the file where the record starts (the first line is
/// 1), so that an editor's "go to line" finds it: blank lines before it and line breaks inside
/// quoted fields of earlier records are counted. Error messages about a record use this number.
struct csv_record {
  std::size_t row = 0;
  std::vector<std::string> fields;  // unquoted, "" unescaped; reused between records
  std::string_view raw;             // the record's text as in the file, without the line ending
};

/// Reads CSV the way messy real exports (Excel, LibreOffice, database dumps) write it:
/// - a UTF-8 byte order mark at the start is skipped;
/// - the delimiter is the most frequent of ',' ';' '\t' outside quotes on the header line
///   (ties prefer ',' then ';'; ',' when the header has none of them);
/// - LF and CRLF line endings, and a last line without one;
/// - a field is quoted only when '"' is its first character; inside it the delimiter and line
///   breaks are data and "" stands for '"'; text after the closing quote is kept ("a"b -> ab);
///   a '"' inside an unquoted field is an ordinary character;
/// - unquoted fields are returned as they are, untrimmed; only header names are trimmed;
/// - records may have more or fewer fields than the header: the caller decides what to reject.
/// Throws input_error "SOURCE: empty file, expected a header row" when there is no header and
/// "SOURCE: line N: unterminated quoted field" when a quote is still open at the end of text
/// (N the line where the record starts).
class csv_reader {
 public:
  /// `text` must outlive the reader; `source` names the file in error messages.
  csv_reader(std::string_view text, std::string source);

  char delimiter() const { return m_delimiter; }                       // detected: ',' ';' or '\t'
  const std::vector<std::string>& header() const { return m_header; }  // trimmed header names
  const std::string& source() const { return m_source; }  // as given, for callers' messages

  /// Reads the next record into `record`, reusing its strings' storage; false at end of text.
  bool next(csv_record& record);

  std::size_t offset() const { return m_pos; }  // bytes consumed, for progress
  std::size_t size() const { return m_text.size(); }

 private:
  void skip_blank_lines();
  void read_record(csv_record& record);

  std::string_view m_text;
  std::string m_source;
  std::size_t m_pos = 0;
  std::size_t m_line = 1;   // line of the file at m_pos
  char m_delimiter = '\0';  // '\0' until detected, so tabs count as blank before the header
  std::vector<std::string> m_header;
  // Field strings given up by short records, handed back to longer ones so that ragged files
  // do not allocate on every record.
  std::vector<std::string> m_spare;
};

/// Maps known column names (case-insensitive, surrounding spaces ignored) to header positions.
class csv_columns {
 public:
  /// Throws input_error naming the source and every missing required column, e.g.
  /// "targets.csv: missing columns lat, priority (header has: id, program, ...)".
  /// A declared column that appears twice in the header is an error too, since either copy
  /// could be the one the file's author meant:
  /// "targets.csv: column lat appears more than once (header has: id, lat, lat)".
  csv_columns(const csv_reader& reader, std::initializer_list<std::string_view> required,
              std::initializer_list<std::string_view> optional = {});

  /// Position of a column in the header, or npos for an absent optional column.
  /// Throws geo::error for a name that was neither required nor optional (a typo in the caller
  /// would otherwise turn into npos and an out-of-range field index).
  std::size_t operator[](std::string_view name) const;

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

 private:
  struct column {
    std::string name;
    std::size_t position;
  };
  std::vector<column> m_columns;
};

}  // namespace geo
