#pragma once
#include <optional>

#include "server/http.hpp"

namespace geo {
class store;
}

namespace server {

/// Idempotent writes (the Idempotency-Key header, as in the IETF draft): the first answer to a
/// key is kept with the write, in the same transaction, and a retry with the same key and the
/// same request gets that answer again and writes nothing. Keys are per token. Call both under
/// the server's write lock.

/// The kept answer to this request's key, marked as replayed; nothing without a key or when
/// the key is new. A key reused for a different request is a 422.
std::optional<response> replay(geo::store& store, const request& r);

/// Keeps `answer` for the request's key (if it has one); call inside the write's transaction.
void remember(geo::store& store, const request& r, const response& answer);

}  // namespace server
