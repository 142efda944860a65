#pragma once
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "server/principal.hpp"

namespace geo {
class store;
}

namespace server {

/// Bearer tokens to callers. Tokens live hashed in the store; a token seen in the last few
/// seconds is answered from memory, so a revocation with `sasaran token revoke` takes effect
/// within `remember_for` without a restart.
class token_authenticator {
 public:
  /// Opens its own connection to the store `db` names (geo::open_store).
  explicit token_authenticator(const std::string& db,
                               std::chrono::seconds remember_for = std::chrono::seconds(10));
  ~token_authenticator();

  /// Anonymous without a header; throws http_error 401 for a malformed token, and 401 typed
  /// token-not-accepted for an unknown, revoked or expired one.
  principal operator()(const std::optional<std::string>& authorization);

  /// Forgets what it remembers of token `id`, so that a session ended through the API is
  /// refused from the next request on.
  void forget(const std::string& id);

 private:
  struct remembered {
    principal who;
    std::chrono::steady_clock::time_point until;
    std::string expires_at;  // a session's end, UTC; empty: none
  };
  std::mutex m_mutex;
  std::unique_ptr<geo::store> m_store;
  std::chrono::seconds m_remember_for;
  std::unordered_map<std::string, remembered> m_seen;  // by secret hash
};

}  // namespace server
