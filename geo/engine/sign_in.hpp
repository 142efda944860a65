#pragma once
#include <string>
#include <string_view>
#include <variant>

#include "geo/access_token.hpp"
#include "geo/sign_in_link.hpp"
#include "geo/store.hpp"

namespace geo {

/// Stores a link just issued and audits it (link.issue), in one transaction. The audit names
/// the link's id, person, role and scope; never its code.
void record_link(store& s, const issued_link& link, const write_origin& origin);

/// Why a link was not exchanged. The caller tells the holder the same thing for each (ask for
/// a new link); the reason is for logs and tests.
enum class link_refusal { unknown, used, expired };
std::string_view to_string(link_refusal r);

/// Exchanges the code of a sign-in link for a session token, in ONE transaction: the link must
/// exist, be unused and unexpired; it is marked used, the session token (kind "session", the
/// link's person, role and scope, lasting the link's session_seconds) is stored, and the
/// exchange audited (session.start). Of two exchanges of one code, on one connection or two,
/// exactly one gets the session; the other is refused as used. The code is hashed at once and
/// appears nowhere.
std::variant<issued_token, link_refusal> exchange_link(store& s, std::string_view code,
                                                       const std::string& request_id);

/// Revokes session or token `id` and audits it (`action`, e.g. session.end) when it was not
/// revoked yet; not_found_error for an unknown id. True when this call revoked it.
bool end_token(store& s, const std::string& id, std::string_view action,
               const write_origin& origin);

}  // namespace geo
