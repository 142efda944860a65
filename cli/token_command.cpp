#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/usage_error.hpp"
#include "geo/access_token.hpp"
#include "geo/error.hpp"
#include "geo/spatialite_store.hpp"
#include "geo/sqlite_db.hpp"
#include "geo/sqlite_statement.hpp"

namespace cli {
namespace {

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words)
    out += (out.empty() ? "" : ", ") + w;
  return out;
}

// What a token may reach, in words: "areas 3171, 3172", "collaborator C1", "everything".
std::string scope_of(const geo::access_token& t) {
  if (!t.areas.empty()) return (t.areas.size() == 1 ? "area " : "areas ") + joined(t.areas);
  if (!t.collaborator_id.empty()) return "collaborator " + t.collaborator_id;
  return t.who == geo::role::admin ? "everything" : "public and planning data";
}

std::vector<std::string> unique(const std::vector<std::string>& codes) {
  std::vector<std::string> out;
  for (const std::string& c : codes)
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  return out;
}

bool scoped_by_collaborator(geo::role who) {
  return who == geo::role::collaborator || who == geo::role::aggregator;
}

// The role and the scope flags that go with it; usage_error for a mismatch.
geo::role check_flags(const token_options& o) {
  const auto who = geo::parse_role(o.role);
  if (!who || *who == geo::role::anonymous)
    throw usage_error("--role '" + o.role +
                      "' is not one of collaborator, aggregator, planner, pic, admin");
  const bool by_area = *who == geo::role::pic;
  const bool by_collaborator = scoped_by_collaborator(*who);
  if (by_area && o.areas.empty()) throw usage_error("a pic token needs at least one --area");
  if (!by_area && !o.areas.empty())
    throw usage_error("--area is for pic tokens only, not " + o.role);
  if (by_collaborator && o.collaborator.empty())
    throw usage_error("a " + o.role + " token needs --collaborator");
  if (!by_collaborator && !o.collaborator.empty())
    throw usage_error("--collaborator is for collaborator and aggregator tokens only, not " +
                      o.role);
  return *who;
}

// The areas and the collaborator a token names exist in the store; input_error if not.
void check_scope(geo::spatialite_store& store, geo::role who, const token_options& o) {
  geo::sqlite_statement area = store.db().prepare("SELECT 1 FROM areas WHERE code = ?");
  for (const std::string& code : o.areas) {
    const bool found = area.bind(1, code).step();
    area.reset();
    if (!found) throw geo::input_error("area " + code + " is not in '" + o.db + "'");
  }
  if (scoped_by_collaborator(who)) {
    geo::sqlite_statement kind = store.db().prepare("SELECT kind FROM collaborators WHERE id = ?");
    if (!kind.bind(1, o.collaborator).step())
      throw geo::input_error("collaborator " + o.collaborator + " is not in '" + o.db + "'");
    if (who == geo::role::aggregator && kind.column_text(0) != "agregator")
      throw geo::input_error("collaborator " + o.collaborator + " is a " + kind.column_text(0) +
                             ", not an agregator");
  }
}

geo::audit_entry audit(std::string action, const std::string& subject,
                       const nlohmann::ordered_json& detail) {
  geo::audit_entry e;
  e.actor = "cli";
  e.role = "admin";
  e.action = std::move(action);
  e.subject = subject;
  e.detail = detail.dump();
  return e;
}

int create(geo::spatialite_store& store, geo::role who, const token_options& o) {
  geo::store_transaction transaction(store);
  check_scope(store, who, o);
  const geo::issued_token issued = geo::issue_token(who, unique(o.areas), o.collaborator, o.note);
  const geo::access_token& t = issued.record;
  store.insert_token(t);
  store.append_audit(audit("token.create", t.id,
                           {{"role", o.role},
                            {"areas", t.areas},
                            {"collaborator_id", t.collaborator_id},
                            {"note", t.note}}));
  transaction.commit();
  // The secret alone on the first line, so that TOKEN=$(sasaran token create ...) takes it.
  std::printf("%s\n", issued.secret.c_str());
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    std::fprintf(stderr,
                 "sasaran token create: created %s but could not write its secret; revoke it "
                 "and create another\n",
                 t.id.c_str());
    return exit_failure;
  }
  std::fprintf(stderr,
               "sasaran token: created %s (%s, %s); the secret above is shown this once and "
               "stored only as a hash\n",
               t.id.c_str(), o.role.c_str(), scope_of(t).c_str());
  return exit_ok;
}

int list(geo::spatialite_store& store, const token_options& o) {
  const std::vector<geo::access_token> tokens = store.load_tokens();
  if (o.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const geo::access_token& t : tokens)
      out.push_back({{"id", t.id},
                     {"role", geo::role_name(t.who)},
                     {"areas", t.areas},
                     {"collaborator_id", t.collaborator_id},
                     {"created_at", t.created_at},
                     {"revoked", t.revoked},
                     {"note", t.note}});
    std::puts(out.dump(2).c_str());
    return exit_ok;
  }
  std::printf("%-12s %-12s %-20s %-7s %-30s %s\n", "id", "role", "created_at", "state", "scope",
              "note");
  for (const geo::access_token& t : tokens)
    std::printf("%-12s %-12s %-20s %-7s %-30s %s\n", t.id.c_str(),
                std::string(geo::role_name(t.who)).c_str(), t.created_at.c_str(),
                t.revoked ? "revoked" : "active", scope_of(t).c_str(), t.note.c_str());
  return exit_ok;
}

int revoke(geo::spatialite_store& store, const token_options& o) {
  geo::store_transaction transaction(store);
  bool was_revoked = false;
  for (const geo::access_token& t : store.load_tokens())
    if (t.id == o.id) was_revoked = t.revoked;
  store.revoke_token(o.id);  // not_found_error for an unknown id
  if (!was_revoked)
    store.append_audit(audit("token.revoke", o.id, nlohmann::ordered_json::object()));
  transaction.commit();
  std::fprintf(stderr, "sasaran token: %s %s\n", o.id.c_str(),
               was_revoked ? "was already revoked" : "is revoked");
  return exit_ok;
}

}  // namespace

int run_token(const token_options& o) {
  const std::string command = "sasaran token " + o.action;
  try {
    const geo::role who = o.action == "create" ? check_flags(o) : geo::role::anonymous;
    // A token names areas and collaborators of an imported store: never make an empty one.
    if (!std::filesystem::exists(o.db)) {
      std::fprintf(stderr, "%s: there is no database '%s' (make one with sasaran import)\n",
                   command.c_str(), o.db.c_str());
      return exit_failure;
    }
    geo::spatialite_store store(o.db);
    if (o.action == "create") return create(store, who, o);
    if (o.action == "list") return list(store, o);
    return revoke(store, o);
  } catch (const usage_error& e) {
    std::fprintf(stderr, "%s: %s\n", command.c_str(), e.what());
    return exit_usage;
  } catch (const geo::error& e) {
    std::fprintf(stderr, "%s: %s%s\n", command.c_str(), e.what(),
                 o.action == "list" ? "" : "; nothing was changed");
    return exit_failure;
  }
}

}  // namespace cli
