#include "geo/import_report.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace geo {

std::string_view to_string(outcome o) {
  switch (o) {
    case outcome::clean:
      return "clean";
    case outcome::normalized:
      return "normalized";
    case outcome::repaired:
      return "repaired";
    case outcome::corrected:
      return "corrected";
    case outcome::flagged:
      return "flagged";
    case outcome::unlocated:
      return "unlocated";
    case outcome::rejected:
      return "rejected";
  }
  return "?";
}

std::optional<outcome> parse_outcome(std::string_view name) {
  for (std::size_t i = 0; i < outcome_count; ++i)
    if (to_string(static_cast<outcome>(i)) == name) return static_cast<outcome>(i);
  return std::nullopt;
}

void row_verdict::note(outcome o, std::string_view reason, std::string message) {
  if (o > m_outcome) {
    m_outcome = o;
    m_reason = reason;
  }
  m_messages.push_back(std::move(message));
}

std::string row_verdict::message() const {
  std::string out;
  for (const std::string& m : m_messages) {
    if (!out.empty()) out += "; ";
    out += m;
  }
  return out;
}

void layer_report::add(std::size_t row, std::string key, const row_verdict& verdict,
                       std::string raw) {
  ++read;
  const outcome o = verdict.result();
  ++outcomes[static_cast<std::size_t>(o)];
  if (o == outcome::clean) return;
  ++reasons[{std::string(to_string(o)), verdict.reason()}];
  issues.push_back({row, std::move(key), o, verdict.reason(), verdict.message(), std::move(raw)});
}

const layer_report* import_report::find(std::string_view layer) const {
  for (const layer_report& l : layers)
    if (l.layer == layer) return &l;
  return nullptr;
}

std::size_t import_report::rejected() const {
  std::size_t n = 0;
  for (const layer_report& l : layers)
    n += l.count(outcome::rejected);
  return n;
}

std::string import_report::to_json() const {
  nlohmann::ordered_json out;
  out["seconds"] = seconds;
  out["layers"] = nlohmann::ordered_json::array();
  for (const layer_report& l : layers) {
    nlohmann::ordered_json j;
    j["layer"] = l.layer;
    j["source"] = l.source;
    j["read"] = l.read;
    j["imported"] = l.imported();
    for (std::size_t i = 0; i < outcome_count; ++i)
      j[std::string(to_string(static_cast<outcome>(i)))] = l.outcomes[i];
    nlohmann::ordered_json by_reason = nlohmann::ordered_json::object();
    for (const auto& [key, n] : l.reasons)
      by_reason[key.first][key.second] = n;
    j["by_reason"] = by_reason;
    j["within_tolerance"] = l.within_tolerance;
    j["changes"] = {{"inserted", l.changes.inserted}, {"updated", l.changes.updated},
                    {"deleted", l.changes.deleted},   {"unchanged", l.changes.unchanged},
                    {"retired", l.changes.retired},   {"restored", l.changes.restored}};
    if (l.layer == "targets") {
      j["changes"]["field_locations_kept"] = l.changes.field_locations_kept;
      j["changes"]["field_locations_replaced"] = l.changes.field_locations_replaced;
    }
    out["layers"].push_back(std::move(j));
  }
  return out.dump(2) + "\n";
}

std::string import_report::to_text() const {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-22s %8s %8s %8s %8s %8s %8s %8s %8s %8s\n", "layer", "read",
                "clean", "normal.", "repaired", "correct.", "flagged", "unlocat.", "rejected",
                "changed");
  out += line;
  for (const layer_report& l : layers) {
    const std::size_t changed = l.changes.inserted + l.changes.updated + l.changes.deleted +
                                l.changes.retired + l.changes.restored;
    std::snprintf(line, sizeof line, "%-22s %8zu %8zu %8zu %8zu %8zu %8zu %8zu %8zu %8zu\n",
                  l.layer.c_str(), l.read, l.count(outcome::clean), l.count(outcome::normalized),
                  l.count(outcome::repaired), l.count(outcome::corrected),
                  l.count(outcome::flagged), l.count(outcome::unlocated),
                  l.count(outcome::rejected), changed);
    out += line;
  }
  for (const layer_report& l : layers)
    for (const auto& [key, n] : l.reasons) {
      std::snprintf(line, sizeof line, "  %-20s %-10s %-28s %8zu\n", l.layer.c_str(),
                    key.first.c_str(), key.second.c_str(), n);
      out += line;
    }
  for (const layer_report& l : layers)
    if (l.within_tolerance > 0) {
      std::snprintf(line, sizeof line, "  %-20s %-39s %8zu\n", l.layer.c_str(),
                    "placed within the edge tolerance", l.within_tolerance);
      out += line;
    }
  for (const layer_report& l : layers)
    for (const auto& [what, n] :
         {std::pair{"kept the location recorded in the field", l.changes.field_locations_kept},
          std::pair{"field location replaced by the file", l.changes.field_locations_replaced}})
      if (n > 0) {
        std::snprintf(line, sizeof line, "  %-20s %-39s %8zu\n", l.layer.c_str(), what, n);
        out += line;
      }
  std::snprintf(line, sizeof line, "done in %.2f s\n", seconds);
  out += line;
  return out;
}

}  // namespace geo
