#include "server/idempotency.hpp"

#include "geo/access_token.hpp"
#include "geo/error.hpp"
#include "geo/store.hpp"
#include "geo/stored_answer.hpp"

namespace server {
namespace {

std::optional<std::string> key_of(const request& r) {
  std::optional<std::string> key = r.header("idempotency-key");
  if (!key) return std::nullopt;
  if (key->empty() || key->size() > 255)
    throw http_error(400, "Idempotency-Key: expected 1 to 255 characters", "Idempotency-Key");
  return key;
}

std::string fingerprint(const request& r) {
  return geo::hash_secret(r.method + " " + r.path + "\n" + r.body);
}

}  // namespace

std::optional<response> replay(geo::store& store, const request& r) {
  const std::optional<std::string> key = key_of(r);
  if (!key) return std::nullopt;
  const std::optional<geo::stored_answer> kept = store.find_answer(r.caller.token_id, *key);
  if (!kept) return std::nullopt;
  if (kept->fingerprint != fingerprint(r))
    throw http_error(422,
                     "Idempotency-Key '" + *key +
                         "' was already used for a different request; use a new key for a new "
                         "request",
                     "Idempotency-Key");
  response out{kept->status, kept->content_type, kept->body, {{"Idempotent-Replayed", "true"}}};
  return out;
}

void remember(geo::store& store, const request& r, const response& answer) {
  const std::optional<std::string> key = key_of(r);
  if (!key) return;
  geo::stored_answer kept;
  kept.scope = r.caller.token_id;
  kept.key = *key;
  kept.fingerprint = fingerprint(r);
  kept.status = answer.status;
  kept.content_type = answer.content_type;
  kept.body = answer.body;
  store.save_answer(kept);
}

response write_once(geo::store& store, const request& r, const std::function<response()>& write) {
  if (std::optional<response> kept = replay(store, r)) return *kept;
  try {
    return write();
  } catch (const geo::error&) {
    if (!key_of(r)) throw;
    // A 422 when the winner's request was another one; a 503 when the store is gone.
    if (std::optional<response> kept = replay(store, r)) return *kept;
    throw;
  }
}

}  // namespace server
