#include "geo/engine/ledger.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>

#include "geo/error.hpp"
#include "geo/number_parse.hpp"
#include "geo/utc_time.hpp"

namespace geo {
namespace {

std::string key_of(const std::string& target_id, const std::string& program) {
  return target_id + '\x1f' + program;
}

// The number of an id `letter` + digits ("P000045" -> 45); nothing for other ids ("P01a").
std::optional<std::uint64_t> id_number(const std::string& id, char letter) {
  if (id.size() < 2 || id.size() > 19 || id[0] != letter) return std::nullopt;
  std::uint64_t n = 0;
  for (std::size_t i = 1; i < id.size(); ++i) {
    if (id[i] < '0' || id[i] > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(id[i] - '0');
  }
  return n;
}

std::string make_id(char letter, std::uint64_t number) {
  char text[32];
  std::snprintf(text, sizeof text, "%c%06llu", letter, static_cast<unsigned long long>(number));
  return text;
}

nlohmann::ordered_json amounts(const std::optional<std::int64_t>& amount_idr,
                               const std::optional<std::int64_t>& quantity) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["amount_idr"] = amount_idr ? nlohmann::ordered_json(*amount_idr) : nullptr;
  j["quantity"] = quantity ? nlohmann::ordered_json(*quantity) : nullptr;
  return j;
}

void check_pledge_amounts(const pledge_request& r) {
  if (r.form == "uang") {
    if (!r.amount_idr || *r.amount_idr <= 0)
      throw field_error("amount_idr",
                        "a pledge of money (uang) needs amount_idr > 0" +
                            (r.amount_idr ? ", got " + std::to_string(*r.amount_idr) : ""));
    if (r.quantity)
      throw field_error("quantity", "a pledge of money (uang) takes amount_idr, not quantity");
  } else if (r.form == "barang") {
    if (!r.quantity || *r.quantity <= 0)
      throw field_error("quantity", "a pledge of goods (barang) needs quantity > 0" +
                                        (r.quantity ? ", got " + std::to_string(*r.quantity) : ""));
    if (r.amount_idr)
      throw field_error("amount_idr", "a pledge of goods (barang) takes quantity, not amount_idr");
  } else {
    throw field_error("form", r.form.empty() ? "form is required: uang or barang"
                                             : "form '" + r.form + "' is not uang or barang");
  }
}

void check_delivered_amount(const char* field, const std::optional<std::int64_t>& value) {
  if (value && *value < 0)
    throw field_error(field,
                      std::string(field) + " must be 0 or more, got " + std::to_string(*value));
}

target_status status_for(const std::string& pledge_status) {
  if (pledge_status == "delivered") return target_status::delivered;
  return is_active_status(pledge_status) ? target_status::pledged : target_status::open;
}

}  // namespace

ledger::ledger(store& s, engine& e) : m_store(s), m_engine(e) {
  for (collaborator& c : s.load_collaborators()) {
    std::string id = c.id;
    m_collaborators.emplace(std::move(id), std::move(c));
  }
  for (const pledge& p : s.load_pledges())
    remember(p);
  for (target& t : s.load_retired_targets()) {
    std::string id = t.id;
    m_retired_targets.emplace(std::move(id), std::move(t));
  }
  for (realization& r : s.load_realizations()) {
    if (const auto n = id_number(r.id, 'R')) m_last_realization = std::max(m_last_realization, *n);
    std::string pledge_id = r.pledge_id;
    m_realizations[pledge_id].push_back(std::move(r));
  }
}

std::vector<pledge> ledger::flagged_in(const std::string& code) const {
  const std::shared_lock lock(m_lock);
  std::vector<pledge> out;
  for (const auto& [id, p] : m_pledges) {
    if (p.flag.empty() || !is_active_status(p.status)) continue;
    const auto t = m_retired_targets.find(p.target_id);
    if (t == m_retired_targets.end()) continue;
    for (const interned_text* c :
         {&t->second.rt_code, &t->second.rw_code, &t->second.kelurahan_code,
          &t->second.kecamatan_code, &t->second.kota_code})
      if (*c == code) {
        out.push_back(p);
        break;
      }
  }
  std::sort(out.begin(), out.end(), [](const pledge& a, const pledge& b) { return a.id < b.id; });
  return out;
}

void ledger::catch_up() {
  const std::unique_lock lock(m_lock);
  for (const pledge& p : m_store.load_pledges())
    take_in_locked(p);
  std::set<std::string> known;
  for (const auto& [pledge_id, list] : m_realizations)
    for (const realization& r : list)
      known.insert(r.id);
  for (realization& r : m_store.load_realizations()) {
    if (known.contains(r.id)) continue;
    if (const auto n = id_number(r.id, 'R')) m_last_realization = std::max(m_last_realization, *n);
    std::string pledge_id = r.pledge_id;
    m_realizations[pledge_id].push_back(std::move(r));
  }
}

pledge ledger::as_stored(const pledge& remembered,
                         const std::function<void(const pledge&)>& check) {
  std::optional<pledge> stored = m_store.find_pledge(remembered.id);
  if (!stored) throw not_found_error("pledge " + remembered.id + " does not exist");
  if (stored->status == remembered.status && stored->flag == remembered.flag) return remembered;
  take_in_locked(*stored);
  check(*stored);
  return std::move(*stored);
}

bool ledger::take_in(const pledge& stored) {
  const std::unique_lock lock(m_lock);
  return take_in_locked(stored);
}

bool ledger::take_in_locked(const pledge& p) {
  const auto it = m_pledges.find(p.id);
  if (it != m_pledges.end() && it->second.status == p.status && it->second.flag == p.flag)
    return false;
  std::set<std::string> touched;  // target and program keys whose holder may have changed
  if (it != m_pledges.end()) touched.insert(key_of(it->second.target_id, it->second.program));
  touched.insert(key_of(p.target_id, p.program));
  remember(p);
  set_statuses(touched);
  return true;
}

bool ledger::take_in_stored_pledge(const std::string& id) {
  const std::unique_lock lock(m_lock);
  const std::optional<pledge> stored = m_store.find_pledge(id);
  return stored && take_in_locked(*stored);
}

bool ledger::take_in_stored_realization(const std::string& id) {
  const std::unique_lock lock(m_lock);
  const std::optional<realization> stored = m_store.find_realization(id);
  return stored && take_in_locked(*stored);
}

bool ledger::take_in(const realization& stored) {
  const std::unique_lock lock(m_lock);
  return take_in_locked(stored);
}

bool ledger::take_in_locked(const realization& stored) {
  std::vector<realization>& list = m_realizations[stored.pledge_id];
  for (const realization& r : list)
    if (r.id == stored.id) return false;
  if (const auto n = id_number(stored.id, 'R'))
    m_last_realization = std::max(m_last_realization, *n);
  list.push_back(stored);
  std::sort(list.begin(), list.end(),
            [](const realization& a, const realization& b) { return a.id < b.id; });
  return true;
}

void ledger::set_statuses(const std::set<std::string>& keys) {
  for (const std::string& key : keys) {
    const std::string target_id = key.substr(0, key.find('\x1f'));
    const target* t = m_engine.find_target(target_id);
    if (!t) continue;
    const auto active = m_active.find(key);
    m_engine.set_status(*t, active == m_active.end()
                                ? target_status::open
                                : status_for(m_pledges.at(active->second).status));
  }
}

void ledger::remember(const pledge& p) {
  if (const auto n = id_number(p.id, 'P')) m_last_pledge = std::max(m_last_pledge, *n);
  m_by_collaborator[p.collaborator_id].insert(p.id);
  const std::string key = key_of(p.target_id, p.program);
  if (is_active_status(p.status))
    m_active[key] = p.id;
  else if (const auto it = m_active.find(key); it != m_active.end() && it->second == p.id)
    m_active.erase(it);
  m_pledges[p.id] = p;
}

const pledge& ledger::existing(const std::string& id) const {
  const auto it = m_pledges.find(id);
  if (it == m_pledges.end()) throw not_found_error("pledge " + id + " does not exist");
  return it->second;
}

pledge ledger::create(const pledge_request& r, const write_origin& origin,
                      const pledge_hook& in_transaction) {
  const std::unique_lock lock(m_lock);
  if (r.collaborator_id.empty()) throw field_error("collaborator", "collaborator is required");
  if (!m_collaborators.contains(r.collaborator_id))
    throw field_error("collaborator", "collaborator " + r.collaborator_id + " does not exist");
  if (r.target_id.empty()) throw field_error("target", "target is required");
  const target* t = m_engine.find_target(r.target_id);
  if (!t) throw field_error("target", "target " + r.target_id + " does not exist");
  if (r.program && program_name(*r.program) != t->program)
    throw field_error("program",
                      "target " + t->id + " is a " + t->program + " target, not " + *r.program);
  check_pledge_amounts(r);
  if (const auto it = m_active.find(key_of(t->id, t->program)); it != m_active.end())
    // Memory may not know yet that another server cancelled the holder: the store says.
    if (const std::optional<pledge> stored = m_store.find_pledge(it->second);
        stored && !is_active_status(stored->status))
      take_in_locked(*stored);
  if (const auto it = m_active.find(key_of(t->id, t->program)); it != m_active.end()) {
    const pledge& holder = m_pledges.at(it->second);
    throw conflict_error(conflict_kind::target_taken,
                         "target " + t->id + " already has pledge " + holder.id + " (" +
                             holder.status + ") for program " + t->program,
                         holder.id);
  }

  pledge p;
  p.collaborator_id = r.collaborator_id;
  p.target_id = t->id;
  p.program = t->program;
  p.form = r.form;
  p.amount_idr = r.amount_idr;
  p.quantity = r.quantity;
  p.status = "committed";
  p.pledged_at = utc_time_now();

  nlohmann::ordered_json detail = {{"collaborator_id", p.collaborator_id},
                                   {"target_id", p.target_id},
                                   {"program", p.program},
                                   {"form", p.form}};
  detail.update(amounts(p.amount_idr, p.quantity));
  detail["status"] = p.status;
  detail["pledged_at"] = p.pledged_at;
  store_transaction transaction(m_store);
  // Numbered in the transaction: another server writing to the same store takes its numbers
  // from the same serial, and a conflict there (insert_pledge) names its pledge.
  p.id = make_id('P', m_store.next_number("pledge", m_last_pledge + 1));
  m_store.insert_pledge(p);
  m_store.append_audit(audit_of(origin, "pledge.create", p.id, detail));
  if (in_transaction) in_transaction(m_store, p);
  transaction.commit();

  remember(p);
  m_engine.set_status(*t, target_status::pledged);
  return p;
}

pledge ledger::cancel(const std::string& pledge_id, const write_origin& origin,
                      const pledge_hook& in_transaction) {
  const std::unique_lock lock(m_lock);
  pledge p = existing(pledge_id);
  const auto check = [](const pledge& now) {
    if (now.status == "cancelled")
      throw conflict_error(conflict_kind::pledge_cancelled,
                           "pledge " + now.id + " is already cancelled");
    if (now.status != "committed")
      throw conflict_error(
          conflict_kind::pledge_delivered,
          "pledge " + now.id + " is " + now.status + " and can no longer be cancelled");
  };
  check(p);

  store_transaction transaction(m_store);
  p = as_stored(p, check);
  const std::string was = p.status;
  p.status = "cancelled";
  m_store.set_pledge_status(p.id, p.status);
  m_store.append_audit(audit_of(
      origin, "pledge.cancel", p.id,
      {{"target_id", p.target_id}, {"program", p.program}, {"from", was}, {"status", p.status}}));
  if (in_transaction) in_transaction(m_store, p);
  transaction.commit();

  remember(p);
  if (const target* t = m_engine.find_target(p.target_id))
    m_engine.set_status(*t, status_for(p.status));
  return p;
}

std::pair<pledge, realization> ledger::realize(const std::string& pledge_id,
                                               const realization_request& r,
                                               const write_origin& origin,
                                               const realization_hook& in_transaction) {
  const std::unique_lock lock(m_lock);
  pledge p = existing(pledge_id);
  if (trim(r.delivered_by).empty())
    throw field_error("delivered_by", "delivered_by is required: who handed the help over");
  if (r.delivered_at && !is_iso_date(*r.delivered_at) && !is_rfc3339_date_time(*r.delivered_at))
    throw field_error("delivered_at", "delivered_at '" + *r.delivered_at +
                                          "' is not a date YYYY-MM-DD nor a date-time "
                                          "YYYY-MM-DDTHH:MM:SSZ (or with an offset, +07:00)");
  check_delivered_amount("amount_idr", r.amount_idr);
  check_delivered_amount("quantity", r.quantity);
  const auto check = [this](const pledge& now) {
    if (now.status == "delivered") {
      const auto it = m_realizations.find(now.id);
      throw conflict_error(conflict_kind::pledge_delivered,
                           "pledge " + now.id + " was already delivered" +
                               (it != m_realizations.end() && !it->second.empty()
                                    ? " (realization " + it->second.back().id + ")"
                                    : std::string()));
    }
    if (now.status != "committed")
      throw conflict_error(conflict_kind::pledge_cancelled,
                           "pledge " + now.id + " is " + now.status + " and cannot be delivered");
  };
  check(p);

  realization d;
  d.pledge_id = p.id;
  d.delivered_by = std::string(trim(r.delivered_by));
  d.recorded_at = utc_time_now();
  d.delivered_at = r.delivered_at.value_or(d.recorded_at);
  d.note = r.note;
  d.amount_idr = r.amount_idr;
  d.quantity = r.quantity;

  store_transaction transaction(m_store);
  p = as_stored(p, check);
  p.status = "delivered";
  const std::uint64_t number = m_store.next_number("realization", m_last_realization + 1);
  d.id = make_id('R', number);
  nlohmann::ordered_json detail = {
      {"realization_id", d.id},         {"target_id", p.target_id},       {"program", p.program},
      {"delivered_by", d.delivered_by}, {"delivered_at", d.delivered_at}, {"note", d.note}};
  detail.update(amounts(d.amount_idr, d.quantity));
  m_store.set_pledge_status(p.id, p.status);
  m_store.insert_realization(d);
  m_store.append_audit(audit_of(origin, "pledge.realize", p.id, detail));
  if (in_transaction) in_transaction(m_store, p, d);
  transaction.commit();

  remember(p);
  m_last_realization = std::max(m_last_realization, number);
  m_realizations[p.id].push_back(d);
  if (const target* t = m_engine.find_target(p.target_id))
    m_engine.set_status(*t, target_status::delivered);
  return {std::move(p), std::move(d)};
}

void ledger::record_location(const target& located, std::optional<double> accuracy_m,
                             const write_origin& origin, const location_hook& in_transaction) {
  const auto check = [](const char* field, const std::optional<double>& v, double limit) {
    if (!v || !std::isfinite(*v) || *v < -limit || *v > limit)
      throw field_error(field, std::string(field) + " must be a number from " +
                                   std::to_string(static_cast<int>(-limit)) + " to " +
                                   std::to_string(static_cast<int>(limit)));
  };
  check("lon", located.lon, 180);
  check("lat", located.lat, 90);
  if (accuracy_m && (!std::isfinite(*accuracy_m) || *accuracy_m < 0))
    throw field_error("accuracy_m", "accuracy_m must be a number of metres, 0 or more");
  nlohmann::ordered_json detail = {{"lon", *located.lon},
                                   {"lat", *located.lat},
                                   {"accuracy_m", accuracy_m ? nlohmann::ordered_json(*accuracy_m)
                                                             : nlohmann::ordered_json(nullptr)},
                                   {"declared_rt", located.declared_rt},
                                   {"rt_code", located.rt_code},
                                   {"rw_code", located.rw_code}};
  const std::unique_lock lock(m_lock);
  store_transaction transaction(m_store);
  m_store.locate_target(located, origin.actor);
  m_store.append_audit(audit_of(origin, "target.locate", located.id, detail));
  if (in_transaction) in_transaction(m_store, located);
  transaction.commit();
}

std::optional<pledge> ledger::find(const std::string& id) const {
  const std::shared_lock lock(m_lock);
  const auto it = m_pledges.find(id);
  return it == m_pledges.end() ? std::nullopt : std::optional<pledge>(it->second);
}

std::vector<pledge> ledger::of_collaborator(const std::string& collaborator_id) const {
  const std::shared_lock lock(m_lock);
  std::vector<pledge> out;
  if (const auto it = m_by_collaborator.find(collaborator_id); it != m_by_collaborator.end())
    for (const std::string& id : it->second)
      out.push_back(m_pledges.at(id));
  return out;
}

std::optional<collaborator> ledger::find_collaborator(const std::string& id) const {
  const std::shared_lock lock(m_lock);
  const auto it = m_collaborators.find(id);
  return it == m_collaborators.end() ? std::nullopt : std::optional<collaborator>(it->second);
}

std::vector<realization> ledger::realizations_of(const std::string& pledge_id) const {
  const std::shared_lock lock(m_lock);
  const auto it = m_realizations.find(pledge_id);
  return it == m_realizations.end() ? std::vector<realization>() : it->second;
}

std::optional<pledge> ledger::active_for(const std::string& target_id,
                                         const std::string& program) const {
  const std::shared_lock lock(m_lock);
  const auto it = m_active.find(key_of(target_id, program));
  return it == m_active.end() ? std::nullopt : std::optional<pledge>(m_pledges.at(it->second));
}

std::size_t ledger::pledge_count() const {
  const std::shared_lock lock(m_lock);
  return m_pledges.size();
}

}  // namespace geo
