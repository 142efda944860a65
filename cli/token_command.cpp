#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/usage_error.hpp"
#include "geo/access_token.hpp"
#include "geo/engine/sign_in.hpp"
#include "geo/error.hpp"
#include "geo/store/open_store.hpp"
#include "geo/utc_time.hpp"
#ifdef SASARAN_HAVE_QRENCODE
#include "cli/qr_code.hpp"
#endif

namespace cli {
namespace {

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words)
    out += (out.empty() ? "" : ", ") + w;
  return out;
}

// What a token or link may reach, in words: "areas 3171, 3172", "collaborator C1",
// "everything".
std::string scope_text(geo::role who, const std::vector<std::string>& areas,
                       const std::string& collaborator_id) {
  if (!areas.empty()) return (areas.size() == 1 ? "area " : "areas ") + joined(areas);
  if (!collaborator_id.empty()) return "collaborator " + collaborator_id;
  return who == geo::role::admin ? "everything" : "public and planning data";
}

std::string scope_of(const geo::access_token& t) {
  return scope_text(t.who, t.areas, t.collaborator_id);
}

std::string scope_of(const geo::sign_in_link& l) {
  return scope_text(l.who, l.areas, l.collaborator_id);
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
  const std::string what = o.action == "link" ? "link" : "token";
  const auto who = geo::parse_role(o.role);
  if (!who || *who == geo::role::anonymous)
    throw usage_error("--role '" + o.role +
                      "' is not one of collaborator, aggregator, planner, pic, admin");
  const bool by_area = *who == geo::role::pic;
  const bool by_collaborator = scoped_by_collaborator(*who);
  if (by_area && o.areas.empty()) throw usage_error("a pic " + what + " needs at least one --area");
  if (!by_area && !o.areas.empty())
    throw usage_error("--area is for pic " + what + "s only, not " + o.role);
  if (by_collaborator && o.collaborator.empty())
    throw usage_error("a " + o.role + " " + what + " needs --collaborator");
  if (!by_collaborator && !o.collaborator.empty())
    throw usage_error("--collaborator is for collaborator and aggregator " + what + "s only, not " +
                      o.role);
  return *who;
}

// "72h", "3d", "90m", "45s": a positive whole number and a unit.
std::chrono::seconds parse_duration(const std::string& text) {
  long long n = 0;
  const char* end = text.data() + text.size();
  const auto [rest, ec] = std::from_chars(text.data(), end, n);
  if (ec != std::errc() || n <= 0 || end - rest != 1)
    throw usage_error("--expires '" + text +
                      "' is not a duration: a positive whole number and s, m, h or d (72h)");
  switch (*rest) {
    case 's':
      return std::chrono::seconds(n);
    case 'm':
      return std::chrono::minutes(n);
    case 'h':
      return std::chrono::hours(n);
    case 'd':
      return std::chrono::hours(24 * n);
    default:
      throw usage_error("--expires '" + text +
                        "' is not a duration: a positive whole number and s, m, h or d (72h)");
  }
}

// The page's address, ending in '/', that the code is appended to after '#masuk='.
std::string checked_base_url(std::string url) {
  if ((url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) ||
      url.find_first_of("#? \t\n") != std::string::npos || url.size() <= 8)
    throw usage_error("--base-url '" + url +
                      "' is not an http:// or https:// address without '?' or '#'");
  if (url.back() != '/') url += '/';
  return url;
}

// The areas and the collaborator a token names exist in the store; input_error if not.
void check_scope(geo::store& store, geo::role who, const token_options& o) {
  for (const std::string& code : o.areas)
    if (!store.has_area(code))
      throw geo::input_error("area " + code + " is not in '" + geo::shown_store_name(o.db) + "'");
  if (scoped_by_collaborator(who)) {
    const std::optional<geo::collaborator> c = store.find_collaborator(o.collaborator);
    if (!c)
      throw geo::input_error("collaborator " + o.collaborator + " is not in '" +
                             geo::shown_store_name(o.db) + "'");
    if (who == geo::role::aggregator && c->kind != "agregator")
      throw geo::input_error("collaborator " + o.collaborator + " is a " + c->kind +
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

int create(geo::store& store, geo::role who, const token_options& o) {
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

// The flags of `token link` beyond role and scope; usage_error for a wrong one.
void check_link_flags(const token_options& o) {
  parse_duration(o.expires);
  if (o.session_days < 1 || o.session_days > 365)
    throw usage_error("--session-days " + std::to_string(o.session_days) +
                      " is not between 1 and 365");
  if (o.name.empty()) throw usage_error("--name must name the person the link is for");
  if (o.qr && o.no_qr) throw usage_error("--qr and --no-qr exclude each other");
  checked_base_url(o.base_url);
#ifndef SASARAN_HAVE_QRENCODE
  if (o.qr || !o.qr_png.empty())
    throw usage_error("this sasaran was built without libqrencode: no --qr nor --qr-png");
#endif
}

int link(geo::store& store, geo::role who, const token_options& o) {
  const std::chrono::seconds valid_for = parse_duration(o.expires);
  const std::string base = checked_base_url(o.base_url);
  {
    geo::store_transaction transaction(store);
    check_scope(store, who, o);
  }
  const geo::issued_link issued =
      geo::issue_link(who, unique(o.areas), o.collaborator, o.name, valid_for,
                      std::chrono::hours(24 * o.session_days));
  geo::record_link(store, issued, {"cli", "admin", ""});
  const geo::sign_in_link& l = issued.record;
  const std::string url = base + "#masuk=" + issued.code;
  // The link alone on the first line, so that LINK=$(sasaran token link ... | head -1) takes it.
  std::printf("%s\n", url.c_str());
#ifdef SASARAN_HAVE_QRENCODE
  if (o.qr || (!o.no_qr && isatty(STDOUT_FILENO)))
    std::fputs(qr_code(url).terminal_text().c_str(), stdout);
  if (!o.qr_png.empty()) {
    std::ofstream png(o.qr_png, std::ios::binary | std::ios::trunc);
    png << qr_code(url).png();
    if (!png.flush())
      std::fprintf(stderr, "sasaran token link: could not write '%s'; the link above works\n",
                   o.qr_png.c_str());
  }
#endif
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    std::fprintf(stderr, "sasaran token link: made %s but could not write it; issue another\n",
                 l.id.c_str());
    return exit_failure;
  }
  std::fprintf(stderr,
               "sasaran token: sign-in link %s for %s (%s, %s), usable once until %s; the session "
               "it opens lasts %d days. Send it privately: whoever opens it first signs in\n",
               l.id.c_str(), l.name.c_str(), o.role.c_str(), scope_of(l).c_str(),
               l.expires_at.c_str(), o.session_days);
  return exit_ok;
}

std::string state_of(const geo::access_token& t, const std::string& now) {
  if (t.revoked) return t.kind == "session" ? "ended" : "revoked";
  return geo::has_expired(t, now) ? "expired" : "active";
}

std::string state_of(const geo::sign_in_link& l, const std::string& now) {
  if (!l.used_at.empty()) return "used";
  return l.expires_at <= now ? "expired" : "unused";
}

int list(geo::store& store, const token_options& o) {
  const std::vector<geo::access_token> tokens = store.load_tokens();
  const std::vector<geo::sign_in_link> links = store.load_links();
  const std::string now = geo::utc_time_now();
  if (o.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const geo::access_token& t : tokens)
      out.push_back(
          {{"id", t.id},
           {"role", geo::role_name(t.who)},
           {"areas", t.areas},
           {"collaborator_id", t.collaborator_id},
           {"created_at", t.created_at},
           {"revoked", t.revoked},
           {"note", t.note},
           {"kind", t.kind},
           {"name", t.name},
           {"expires_at", t.expires_at.empty() ? nullptr : nlohmann::ordered_json(t.expires_at)},
           {"state", state_of(t, now)}});
    for (const geo::sign_in_link& l : links)
      out.push_back(
          {{"id", l.id},
           {"role", geo::role_name(l.who)},
           {"areas", l.areas},
           {"collaborator_id", l.collaborator_id},
           {"created_at", l.created_at},
           {"kind", "link"},
           {"name", l.name},
           {"expires_at", l.expires_at},
           {"state", state_of(l, now)},
           {"used_at", l.used_at.empty() ? nullptr : nlohmann::ordered_json(l.used_at)},
           {"session_id", l.session_id.empty() ? nullptr : nlohmann::ordered_json(l.session_id)}});
    std::puts(out.dump(2).c_str());
    return exit_ok;
  }
  std::printf("%-12s %-12s %-20s %-7s %-30s %s\n", "id", "role", "created_at", "state", "scope",
              "note");
  for (const geo::access_token& t : tokens) {
    const std::string note =
        t.kind == "session" ? "session of " + t.name + " until " + t.expires_at : t.note;
    std::printf("%-12s %-12s %-20s %-7s %-30s %s\n", t.id.c_str(),
                std::string(geo::role_name(t.who)).c_str(), t.created_at.c_str(),
                state_of(t, now).c_str(), scope_of(t).c_str(), note.c_str());
  }
  if (links.empty()) return exit_ok;
  std::printf("\n%-12s %-12s %-20s %-7s %-30s %s\n", "link", "role", "created_at", "state", "scope",
              "for");
  for (const geo::sign_in_link& l : links) {
    const std::string what = l.name + (l.used_at.empty() ? ", usable until " + l.expires_at
                                                         : ", became " + l.session_id);
    std::printf("%-12s %-12s %-20s %-7s %-30s %s\n", l.id.c_str(),
                std::string(geo::role_name(l.who)).c_str(), l.created_at.c_str(),
                state_of(l, now).c_str(), scope_of(l).c_str(), what.c_str());
  }
  return exit_ok;
}

int revoke(geo::store& store, const token_options& o) {
  bool session = false;
  for (const geo::access_token& t : store.load_tokens())
    if (t.id == o.id) session = t.kind == "session";
  const bool revoked =  // not_found_error for an unknown id
      geo::end_token(store, o.id, session ? "session.end" : "token.revoke", {"cli", "admin", ""});
  std::fprintf(stderr, "sasaran token: %s %s\n", o.id.c_str(),
               !revoked  ? "was already revoked"
               : session ? "is revoked (session ended)"
                         : "is revoked");
  return exit_ok;
}

}  // namespace

int run_token(const token_options& o) {
  const std::string command = "sasaran token " + o.action;
  try {
    const geo::role who =
        o.action == "create" || o.action == "link" ? check_flags(o) : geo::role::anonymous;
    if (o.action == "link") check_link_flags(o);
    // A token names areas and collaborators of an imported store: never make an empty one.
    if (!geo::is_postgres_url(o.db) && !std::filesystem::exists(o.db)) {
      std::fprintf(stderr, "%s: there is no database '%s' (make one with sasaran import)\n",
                   command.c_str(), geo::shown_store_name(o.db).c_str());
      return exit_failure;
    }
    const std::unique_ptr<geo::store> store = geo::open_store(o.db, geo::store_use::admin);
    if (o.action == "create") return create(*store, who, o);
    if (o.action == "link") return link(*store, who, o);
    if (o.action == "list") return list(*store, o);
    return revoke(*store, o);
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
