#pragma once
#include <functional>
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

/// Answers a write once per key: the kept answer when there is one, else `write` (which keeps
/// its answer with remember()). When `write` fails and by then the key has an answer, that
/// answer: another server took the same key at the same moment and committed first (its write
/// made ours conflict, or its kept answer made ours a duplicate), so both answer its one write.
response write_once(geo::store& store, const request& r, const std::function<response()>& write);

}  // namespace server
