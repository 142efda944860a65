#pragma once
// Shared by the privacy attacker suite (test_privacy_attacks.cpp, test_privacy_probes.cpp):
// the sample of targets attacked, and small readers of answers.
#include <charconv>
#include <set>
#include <string>
#include <vector>

#include "tests/http/privacy_attack_support.hpp"

namespace attack {

// Members and properties that only a household or its exact position determine.
inline const std::vector<std::string> detail_members = {
    "household_size", "declared_rt", "rt_code", "rt", "registered_at", "import_outcome"};

// Coverage figures, as areas, rankings, OGC features and tiles carry them.
inline const std::vector<std::string> figure_members = {
    "targets",         "pledged",  "delivered",     "pledged_ratio",
    "delivered_ratio", "unserved", "unmet_priority"};

inline std::string number(double v) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr;
  return std::string(buffer, end);
}

inline std::string box_param(const geo::bbox& b) {
  return number(b.min_x) + "," + number(b.min_y) + "," + number(b.max_x) + "," + number(b.max_y);
}

inline std::string who(const std::string& role) {
  return role.empty() ? "anonymous" : role;
}

// --- the sample ----------------------------------------------------------------------------

// How many targets of an outcome the sample takes: those whose spot lies in another RW than the
// target, in another RT of the same RW, and in the target's own RT.
struct quota {
  const char* outcome;
  int other_rw, other_rt, same_rt;
};

inline std::vector<sample_target> choose_sample() {
  std::vector<sample_target> out;
  const area_shape* pic = areas().find(env().pic_area());
  EXPECT_NE(pic, nullptr) << env().pic_area();
  if (!pic) return out;
  // The examples, whatever their cells.
  for (const char* id : {"T0000031", "T0179077"}) {
    const std::optional<sample_target> t = stored_target(id);
    EXPECT_TRUE(t.has_value()) << id << " has no unambiguous spot chain";
    if (t) out.push_back(*t);
  }
  for (quota q : {quota{"clean", 4, 4, 2}, quota{"flagged", 3, 3, 2}, quota{"corrected", 2, 2, 2},
                  quota{"normalized", 2, 2, 2}, quota{"unlocated", 0, 0, 6}}) {
    geo::sqlite_statement count =
        database().prepare("SELECT count(*) FROM targets WHERE import_outcome = ?1");
    count.bind(1, std::string_view(q.outcome));
    const std::int64_t total = count.step() ? count.column_int(0) : 0;
    EXPECT_GT(total, 0) << "no target has outcome " << q.outcome;
    // Candidates in a fixed order that is not the files' (which follow the areas), so that
    // the sample spreads over the city; at most 3,000 of them.
    geo::sqlite_statement s =
        database().prepare(std::string(target_columns) +
                           "WHERE t.import_outcome = ?1 AND t.kelurahan_code IS NOT ?2 "
                           "ORDER BY (t.pk * 2654435761) % 4294967296, t.id LIMIT 3000");
    s.bind(1, std::string_view(q.outcome)).bind(2, std::string_view(env().pic_area()));
    while (s.step() && (q.other_rw > 0 || q.other_rt > 0 || q.same_rt > 0)) {
      sample_target t = read_target(s);
      if (!t.open || t.id == "T0000031" || t.id == "T0179077") continue;
      if (t.located() && geo::intersects(pic->shape, t.cell())) continue;
      const std::optional<chain> spot = spot_chain_of(t, t.exact_chain.at(geo::admin_level::rw));
      if (!spot || (t.located() && spot->at(geo::admin_level::rt).empty())) continue;
      t.spot_chain = *spot;
      int* slot = t.straddles(geo::admin_level::rw)   ? &q.other_rw
                  : t.straddles(geo::admin_level::rt) ? &q.other_rt
                                                      : &q.same_rt;
      if (*slot <= 0) continue;
      --*slot;
      out.push_back(std::move(t));
    }
  }
  return out;
}

inline const std::vector<sample_target>& sample() {
  static const std::vector<sample_target> chosen = choose_sample();
  return chosen;
}

// The entry of `id` in a list of targets, or null.
inline json entry_of(const json& list, const std::string& id) {
  for (const json& t : list)
    if (t.value("id", "") == id) return t;
  return nullptr;
}

// The areas to ask for a target's membership: those of its spot chain and of its exact chain,
// the kota only where the two differ (a kota's list is some 50,000 targets long, and its
// kecamatan, asked, lies in it).
inline std::vector<std::string> areas_to_ask(const sample_target& t) {
  std::set<std::string> out;
  for (const chain* c : {&t.spot_chain, &t.exact_chain})
    for (const std::string& code : c->codes())
      out.insert(code);
  if (t.spot_chain.at(geo::admin_level::kota) == t.exact_chain.at(geo::admin_level::kota))
    out.erase(t.spot_chain.at(geo::admin_level::kota));
  return {out.begin(), out.end()};
}

}  // namespace attack
