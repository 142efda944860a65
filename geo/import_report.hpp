#pragma once
#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace geo {

/// What happened to one input row, least to most severe. A row with several faults gets the
/// most severe; its message lists them all.
enum class outcome { clean, normalized, repaired, corrected, flagged, unlocated, rejected };
inline constexpr std::size_t outcome_count = 7;

std::string_view to_string(outcome o);
/// The outcome named `name` ("rejected"); nullopt for any other text.
std::optional<outcome> parse_outcome(std::string_view name);

/// The verdict on one row while it is being checked.
class row_verdict {
 public:
  /// Records a fault; the row's outcome becomes `o` if that is more severe than so far.
  void note(outcome o, std::string_view reason, std::string message);
  outcome result() const { return m_outcome; }
  /// Short machine-readable reason of the deciding fault ("duplicate", "outside"...).
  const std::string& reason() const { return m_reason; }
  /// All messages joined by "; ".
  std::string message() const;

 private:
  outcome m_outcome = outcome::clean;
  std::string m_reason;
  std::vector<std::string> m_messages;
};

/// A row that was not clean, kept so that people can act on it (and queryable afterwards).
struct import_issue {
  std::size_t row = 0;  // CSV row (header = 1) or feature number (first = 1)
  std::string key;      // id or code, when the row had one
  outcome result = outcome::clean;
  std::string reason;
  std::string message;
  std::string raw;  // the CSV line, or the feature's attributes
};

/// How the stored data changed for one layer.
struct change_counts {
  std::size_t inserted = 0;
  std::size_t updated = 0;
  std::size_t deleted = 0;  // gone from the file and referred to by nothing: removed for good
  std::size_t unchanged = 0;
  std::size_t retired = 0;   // gone from the file but referred to (pledges, tokens): kept, hidden
  std::size_t restored = 0;  // retired before, back in the file
  // Targets: of the rows without a point in the file, those that keep the location recorded
  // in the field (counted unchanged, or updated when something else changed); and targets
  // whose field location the file replaced (with its own point, or by declaring another RT).
  std::size_t field_locations_kept = 0;
  std::size_t field_locations_replaced = 0;
};

/// The account of one layer: every row read ends in exactly one outcome.
struct layer_report {
  std::string layer;
  std::string source;
  std::size_t read = 0;
  std::array<std::size_t, outcome_count> outcomes{};
  /// Counts per outcome and reason, e.g. {"rejected", "duplicate"} -> 60.
  std::map<std::pair<std::string, std::string>, std::size_t> reasons;
  change_counts changes;
  std::vector<import_issue> issues;
  /// Rows placed in an area only by the edge tolerance (targets within 1e-6 degrees of their
  /// declared RT, or in no area but that near one; docs/import.md).
  std::size_t within_tolerance = 0;

  /// Counts one row; non-clean rows are kept as issues.
  void add(std::size_t row, std::string key, const row_verdict& verdict, std::string raw);
  std::size_t count(outcome o) const { return outcomes[static_cast<std::size_t>(o)]; }
  std::size_t imported() const { return read - count(outcome::rejected); }
};

struct import_report {
  std::vector<layer_report> layers;
  double seconds = 0;

  const layer_report* find(std::string_view layer) const;
  std::size_t rejected() const;
  /// The JSON form written by --report (stable keys, see docs/import.md).
  std::string to_json() const;
  /// The table printed at the end of an import.
  std::string to_text() const;
};

}  // namespace geo
