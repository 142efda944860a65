#include "server/token_authenticator.hpp"

#include "geo/access_token.hpp"
#include "geo/store/open_store.hpp"
#include "geo/utc_time.hpp"
#include "server/http.hpp"

namespace server {
namespace {

// RFC 9110 11.4: the scheme is case-insensitive and one or more spaces end it.
std::optional<std::string_view> bearer_secret(std::string_view header) {
  constexpr std::string_view scheme = "bearer";
  if (header.size() <= scheme.size() || header[scheme.size()] != ' ') return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if ((header[i] | 0x20) != scheme[i]) return std::nullopt;
  header.remove_prefix(scheme.size());
  while (!header.empty() && header.front() == ' ')
    header.remove_prefix(1);
  if (header.empty() || header.find(' ') != std::string_view::npos) return std::nullopt;
  return header;
}

}  // namespace

token_authenticator::token_authenticator(const std::string& db, std::chrono::seconds remember_for)
    : m_store(geo::open_store(db, geo::store_use::serve)), m_remember_for(remember_for) {}

token_authenticator::~token_authenticator() = default;

principal token_authenticator::operator()(const std::optional<std::string>& authorization) {
  if (!authorization) return {};
  const std::optional<std::string_view> secret = bearer_secret(*authorization);
  if (!secret)
    throw http_error(401, "Authorization: expected 'Bearer <token>'", "Authorization")
        .typed("token-not-accepted");
  const std::string hash = geo::hash_secret(*secret);
  const auto now = std::chrono::steady_clock::now();
  const std::lock_guard lock(m_mutex);
  if (const auto it = m_seen.find(hash); it != m_seen.end() && it->second.until > now) {
    // Most tokens never expire: the clock is read (and formatted) only for those that do.
    if (it->second.expires_at.empty() || it->second.expires_at > geo::utc_time_now())
      return it->second.who;
    m_seen.erase(it);
  }
  const std::string utc = geo::utc_time_now();
  const std::optional<geo::access_token> token = m_store->find_token(hash);
  if (!token || token->revoked)
    throw http_error(401, "Authorization: the token is not known or was revoked", "Authorization")
        .typed("token-not-accepted");
  if (geo::has_expired(*token, utc))
    throw http_error(401, "Authorization: the session expired at " + token->expires_at,
                     "Authorization")
        .typed("token-not-accepted");
  principal who;
  who.who = token->who;
  who.token_id = token->id;
  who.areas = token->areas;
  who.collaborator_id = token->collaborator_id;
  who.session = token->kind == "session";
  who.name = token->name;
  who.expires_at = token->expires_at;
  if (m_seen.size() > 10000) m_seen.clear();
  m_seen[hash] = {who, now + m_remember_for, token->expires_at};
  return who;
}

void token_authenticator::forget(const std::string& id) {
  const std::lock_guard lock(m_mutex);
  std::erase_if(m_seen, [&](const auto& seen) { return seen.second.who.token_id == id; });
}

}  // namespace server
