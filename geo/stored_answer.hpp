#pragma once
#include <string>

namespace geo {

/// The answer given to a write with an Idempotency-Key, kept so that a retry of the same
/// request gets the same answer instead of writing twice. Saved in the write's transaction.
struct stored_answer {
  std::string scope;        // token id: keys are per client
  std::string key;          // the Idempotency-Key header
  std::string fingerprint;  // hash of method + path + body, computed by the caller
  int status = 0;           // HTTP status
  std::string content_type;
  std::string body;
  std::string created_at;  // UTC YYYY-MM-DDTHH:MM:SSZ; set by the store when empty
};

}  // namespace geo
