#include "geo/import/pledge_import.hpp"

#include <algorithm>
#include <unordered_map>

#include "geo/import/csv_reader.hpp"
#include "geo/import/csv_rows.hpp"
#include "geo/import/text_file.hpp"
#include "geo/number_parse.hpp"
#include "geo/utc_time.hpp"

namespace geo {
namespace {

template <std::size_t N>
bool is_one_of(const std::string& word, const std::string_view (&words)[N]) {
  return std::find(std::begin(words), std::end(words), word) != std::end(words);
}

class pledge_row_checker {
 public:
  pledge_row_checker(const csv_columns& columns,
                     const std::unordered_set<std::string>& collaborators,
                     const target_registry& targets)
      : m_columns(columns), m_collaborators(collaborators), m_targets(targets) {}

  // Fills `p` from the row and records every fault in `verdict`, the rejected row's too (the
  // first rejection noted stays its reason); returns false when the row is rejected.
  bool check(const csv_record& r, pledge& p, row_verdict& verdict) {
    const auto field = [&](std::string_view name) -> std::string_view {
      return trim(r.fields[m_columns[name]]);
    };
    const auto reject = [&](std::string_view reason, std::string message) {
      verdict.note(outcome::rejected, reason, std::move(message));
    };
    p.row = r.row;
    p.id = field("id");
    p.collaborator_id = field("collaborator_id");
    p.target_id = field("target_id");
    p.program = program_name(field("program"));
    p.form = field("form");
    p.status = field("status");
    p.pledged_at = field("pledged_at");
    if (p.id.empty())
      reject("no_id", "id is empty");
    else if (auto [it, fresh] = m_first_row.emplace(p.id, r.row); !fresh)
      reject("duplicate", "duplicate of row " + std::to_string(it->second));
    if (!m_collaborators.contains(p.collaborator_id))
      reject("unknown_collaborator", "unknown collaborator '" + p.collaborator_id + "'");
    check_target(p, verdict);
    if (!is_one_of(p.status, pledge_statuses))
      reject("unknown_status",
             "unknown status '" + p.status + "' (expected committed, delivered or cancelled)");
    if (!is_one_of(p.form, pledge_forms))
      reject("unknown_form", "unknown form '" + p.form + "' (expected uang or barang)");
    else
      read_amounts(field("amount_idr"), field("quantity"), p, verdict);
    if (!is_iso_date(p.pledged_at))
      reject("pledged_at", "pledged_at '" + p.pledged_at + "' is not a date YYYY-MM-DD");
    if (is_active_status(p.status)) check_double_help(p, verdict);
    return verdict.result() != outcome::rejected;
  }

 private:
  // The target exists, was accepted, and has the pledge's program.
  void check_target(const pledge& p, row_verdict& verdict) const {
    const auto target = m_targets.program_of.find(p.target_id);
    if (target == m_targets.program_of.end()) {
      const auto rejected = m_targets.rejection_of.find(p.target_id);
      if (rejected != m_targets.rejection_of.end())
        return verdict.note(outcome::rejected, "rejected_target",
                            "target " + p.target_id + " was rejected (" + rejected->second + ")");
      return verdict.note(outcome::rejected, "unknown_target",
                          "unknown target '" + p.target_id + "'");
    }
    if (p.program != target->second)
      verdict.note(outcome::rejected, "program_mismatch",
                   "program '" + p.program + "' is not the program '" + target->second +
                       "' of target " + p.target_id);
  }

  // One active pledge per target and program: the first accepted one holds it, and a rejected
  // pledge never does.
  void check_double_help(const pledge& p, row_verdict& verdict) {
    const std::string key = p.target_id + '\x1f' + p.program;
    if (const auto holder = m_active.find(key); holder != m_active.end())
      return verdict.note(outcome::rejected, "double_help",
                          "double help: target " + p.target_id + " (" + p.program +
                              ") is already held by pledge " + holder->second.first + " (row " +
                              std::to_string(holder->second.second) + ")");
    if (verdict.result() != outcome::rejected) m_active.emplace(key, std::make_pair(p.id, p.row));
  }

  static void read_amounts(std::string_view amount, std::string_view quantity, pledge& p,
                           row_verdict& verdict) {
    const bool money = p.form == "uang";
    const std::string_view text = money ? amount : quantity;
    const auto value = parse_integer(text);
    if (!value || *value <= 0) {
      verdict.note(
          outcome::rejected, money ? "amount" : "quantity",
          money ? "a pledge of money (uang) needs amount_idr > 0, got '" + std::string(text) + "'"
                : "a pledge of goods (barang) needs quantity > 0, got '" + std::string(text) + "'");
      return;
    }
    (money ? p.amount_idr : p.quantity) = *value;
  }

  const csv_columns& m_columns;
  const std::unordered_set<std::string>& m_collaborators;
  const target_registry& m_targets;
  std::unordered_map<std::string, std::size_t> m_first_row;
  std::unordered_map<std::string, std::pair<std::string, std::size_t>> m_active;
};

}  // namespace

std::vector<pledge> import_pledges(const std::string& path,
                                   const std::unordered_set<std::string>& collaborators,
                                   const target_registry& targets, layer_report& report,
                                   progress& progress, const stop_token& stop) {
  const std::string text = read_text_file(path);
  csv_reader reader(text, path);
  const csv_columns columns(reader, {"id", "collaborator_id", "target_id", "program", "form",
                                     "amount_idr", "quantity", "status", "pledged_at"});
  pledge_row_checker checker(columns, collaborators, targets);
  std::vector<pledge> out;
  for_each_csv_row(reader, "pledges", progress, stop, [&](const csv_record& record) {
    pledge p;
    row_verdict verdict;
    const bool kept =
        has_header_width(reader, record, verdict) && checker.check(record, p, verdict);
    report.add(record.row, p.id, verdict, std::string(record.raw));
    if (kept) out.push_back(std::move(p));
  });
  return out;
}

}  // namespace geo
