#include "geo/import/csv_reader.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "geo/error.hpp"

namespace geo {
namespace {

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

// '\r' counts as blank so that "   \r\n" is a blank line; a tab only when it is not the
// delimiter, because "\t\t" in a tab-separated file is a record of empty fields.
bool is_blank(char c, char delimiter) {
  return c == ' ' || c == '\r' || (c == '\t' && delimiter != '\t');
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string join(const std::vector<std::string_view>& names) {
  std::string joined;
  for (const auto name : names) {
    if (!joined.empty()) joined += ", ";
    joined += name;
  }
  return joined;
}

char detect_delimiter(std::string_view text) {
  std::size_t commas = 0;
  std::size_t semicolons = 0;
  std::size_t tabs = 0;
  bool quoted = false;
  for (const char c : text) {
    if (c == '"') {
      // Toggling also handles "" escapes, which flip twice.
      quoted = !quoted;
    } else if (quoted) {
      continue;
    } else if (c == '\n') {
      break;
    } else if (c == ',') {
      ++commas;
    } else if (c == ';') {
      ++semicolons;
    } else if (c == '\t') {
      ++tabs;
    }
  }
  char best = ',';
  std::size_t best_count = commas;
  if (semicolons > best_count) {
    best = ';';
    best_count = semicolons;
  }
  if (tabs > best_count) best = '\t';
  return best;
}

const char* find_field_end(const char* p, const char* end, char delimiter) {
  while (p != end && *p != delimiter && *p != '\n')
    ++p;
  return p;
}

// The '\r' of a CRLF (or of a final lone CR) belongs to the line ending, not to the field;
// a '\r' anywhere else is data.
const char* strip_line_cr(const char* from, const char* stop, const char* end) {
  if (stop != from && stop[-1] == '\r' && (stop == end || *stop == '\n')) return stop - 1;
  return stop;
}

// Appends the quoted field's content starting after its opening quote and returns the position
// after the closing quote, or nullptr when the text ends first.
const char* read_quoted(const char* p, const char* end, std::string& field) {
  for (;;) {
    const void* hit = std::memchr(p, '"', static_cast<std::size_t>(end - p));
    if (hit == nullptr) return nullptr;
    const char* quote = static_cast<const char*>(hit);
    field.append(p, quote);
    if (quote + 1 == end || quote[1] != '"') return quote + 1;
    field.push_back('"');
    p = quote + 2;
  }
}

std::string& field_slot(std::vector<std::string>& fields, std::size_t index,
                        std::vector<std::string>& spare) {
  if (index < fields.size()) return fields[index];
  if (spare.empty()) return fields.emplace_back();
  fields.push_back(std::move(spare.back()));
  spare.pop_back();
  return fields.back();
}

}  // namespace

csv_reader::csv_reader(std::string_view text, std::string source)
    : m_text(text), m_source(std::move(source)) {
  if (m_text.starts_with(utf8_bom)) m_pos = utf8_bom.size();
  skip_blank_lines();
  if (m_pos == m_text.size()) throw input_error(m_source + ": empty file, expected a header row");
  m_delimiter = detect_delimiter(m_text.substr(m_pos));
  csv_record header;
  read_record(header);
  m_header.reserve(header.fields.size());
  for (const auto& name : header.fields)
    m_header.emplace_back(trim(name));
}

bool csv_reader::next(csv_record& record) {
  skip_blank_lines();
  if (m_pos == m_text.size()) return false;
  read_record(record);
  return true;
}

void csv_reader::skip_blank_lines() {
  const char* const end = m_text.data() + m_text.size();
  const char* line = m_text.data() + m_pos;
  while (line != end) {
    const char* p = line;
    while (p != end && is_blank(*p, m_delimiter))
      ++p;
    if (p != end && *p != '\n') break;
    if (p != end) ++m_line;
    line = p == end ? end : p + 1;
  }
  m_pos = static_cast<std::size_t>(line - m_text.data());
}

void csv_reader::read_record(csv_record& record) {
  const char* const begin = m_text.data();
  const char* const end = begin + m_text.size();
  const char* const start = begin + m_pos;
  const char delimiter = m_delimiter;
  const std::size_t row = m_line;
  std::vector<std::string>& fields = record.fields;
  std::size_t count = 0;
  const char* p = start;
  for (;;) {
    std::string& field = field_slot(fields, count++, m_spare);
    const char* from = p;
    if (p != end && *p == '"') {
      field.clear();
      from = read_quoted(p + 1, end, field);
      if (from == nullptr) {
        throw input_error(m_source + ": line " + std::to_string(row) +
                          ": unterminated quoted field");
      }
    } else {
      field.clear();
    }
    p = find_field_end(from, end, delimiter);
    field.append(from, strip_line_cr(from, p, end));
    if (p == end || *p != delimiter) break;
    ++p;
  }
  while (fields.size() > count) {
    m_spare.push_back(std::move(fields.back()));
    fields.pop_back();
  }
  record.row = row;
  record.raw =
      std::string_view(start, static_cast<std::size_t>(strip_line_cr(start, p, end) - start));
  // Line breaks inside quoted fields, and the one ending the record.
  m_line += static_cast<std::size_t>(std::count(start, p, '\n')) + (p == end ? 0 : 1);
  m_pos = static_cast<std::size_t>(p - begin) + (p == end ? 0 : 1);
}

csv_columns::csv_columns(const csv_reader& reader, std::initializer_list<std::string_view> required,
                         std::initializer_list<std::string_view> optional) {
  const auto& header = reader.header();
  const auto header_list = [&] {
    return join(std::vector<std::string_view>(header.begin(), header.end()));
  };
  std::vector<std::string_view> missing;
  const auto declare = [&](std::string_view declared, bool is_required) {
    const std::string_view name = trim(declared);
    std::size_t position = npos;
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (!equals_ignoring_case(header[i], name)) continue;
      if (position != npos) {
        throw input_error(reader.source() + ": column " + std::string(name) +
                          " appears more than once (header has: " + header_list() + ")");
      }
      position = i;
    }
    if (position == npos && is_required) missing.push_back(name);
    m_columns.push_back({std::string(name), position});
  };
  m_columns.reserve(required.size() + optional.size());
  for (const auto name : required)
    declare(name, true);
  for (const auto name : optional)
    declare(name, false);
  if (missing.empty()) return;
  throw input_error(reader.source() + ": missing column" + (missing.size() > 1 ? "s " : " ") +
                    join(missing) + " (header has: " + header_list() + ")");
}

std::size_t csv_columns::operator[](std::string_view name) const {
  const std::string_view wanted = trim(name);
  for (const auto& entry : m_columns) {
    if (equals_ignoring_case(entry.name, wanted)) return entry.position;
  }
  throw error("csv_columns: column " + std::string(wanted) +
              " was declared neither required nor optional");
}

}  // namespace geo
