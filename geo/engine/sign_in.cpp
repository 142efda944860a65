#include "geo/engine/sign_in.hpp"

#include <chrono>
#include <nlohmann/json.hpp>

#include "geo/utc_time.hpp"

namespace geo {
std::string_view to_string(link_refusal r) {
  switch (r) {
    case link_refusal::unknown:
      return "unknown";
    case link_refusal::used:
      return "used";
    case link_refusal::expired:
      return "expired";
  }
  return "unknown";
}

void record_link(store& s, const issued_link& link, const write_origin& origin) {
  const sign_in_link& l = link.record;
  store_transaction transaction(s);
  s.insert_link(l);
  s.append_audit(audit_of(origin, "link.issue", l.id,
                          {{"name", l.name},
                           {"role", role_name(l.who)},
                           {"areas", l.areas},
                           {"collaborator_id", l.collaborator_id},
                           {"expires_at", l.expires_at},
                           {"session_seconds", l.session_seconds}}));
  transaction.commit();
}

std::variant<issued_token, link_refusal> exchange_link(store& s, std::string_view code,
                                                       const std::string& request_id) {
  if (!looks_like_link_code(code)) return link_refusal::unknown;
  const std::string hash = hash_secret(code);
  // BEGIN IMMEDIATE: a second connection's exchange waits for this one's commit and then
  // reads the link as used; use_link's condition covers the same connection's threads.
  store_transaction transaction(s);
  const std::optional<sign_in_link> link = s.find_link(hash);
  if (!link) return link_refusal::unknown;
  if (!link->used_at.empty()) return link_refusal::used;
  const auto now = std::chrono::system_clock::now();
  if (link->expires_at <= utc_time(now)) return link_refusal::expired;

  issued_token session =
      issue_token(link->who, link->areas, link->collaborator_id, "from sign-in link " + link->id);
  session.record.kind = "session";
  session.record.name = link->name;
  session.record.created_at = utc_time(now);
  session.record.expires_at = utc_time(now + std::chrono::seconds(link->session_seconds));
  // The token first: the link refers to it. Leaving without commit rolls both back.
  s.insert_token(session.record);
  if (!s.use_link(link->id, session.record.created_at, session.record.id))
    return link_refusal::used;
  s.append_audit(audit_of({session.record.id, std::string(role_name(link->who)), request_id},
                          "session.start", link->id,
                          {{"session", session.record.id},
                           {"name", link->name},
                           {"expires_at", session.record.expires_at}}));
  transaction.commit();
  return session;
}

bool end_token(store& s, const std::string& id, std::string_view action,
               const write_origin& origin) {
  store_transaction transaction(s);
  bool was_revoked = false;
  for (const access_token& t : s.load_tokens())
    if (t.id == id) was_revoked = t.revoked;
  s.revoke_token(id);  // not_found_error for an unknown id
  if (was_revoked) return false;
  s.append_audit(audit_of(origin, std::string(action), id, nlohmann::ordered_json::object()));
  transaction.commit();
  return true;
}

}  // namespace geo
