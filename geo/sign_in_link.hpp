#pragma once
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "geo/access_token.hpp"

namespace geo {

/// A one-time sign-in link as stored (docs/sign-in.md): an operator issues it for one person
/// and role; opened on a device, it is exchanged once, before it expires, for a session token
/// of the same role and scope. Only the hash of its code is kept, so a copy of the database
/// holds no usable link.
struct sign_in_link {
  std::string id;         // public, "lnk_" + 8 hex digits; the audit and `token list` name it
  std::string code_hash;  // hash_secret of the code
  std::string name;       // the person it is for, e.g. "Ibu Sari"
  role who = role::anonymous;
  std::vector<std::string> areas;    // as for tokens: a pic's area codes
  std::string collaborator_id;       // as for tokens: a collaborator's or aggregator's id
  std::int64_t session_seconds = 0;  // how long the session it becomes lasts
  std::string created_at;            // UTC YYYY-MM-DDTHH:MM:SSZ
  std::string expires_at;            // after which it is refused
  std::string used_at;               // empty until exchanged
  std::string session_id;            // the token it became; empty until exchanged
};

/// A link just made, with its code; the code is stored nowhere.
struct issued_link {
  sign_in_link record;
  std::string code;
};

/// Makes a link: the code is 32 bytes of getrandom() in base64url without padding (RFC 4648
/// §5; 43 characters, safe in a URL fragment), the id "lnk_" + 8 hex digits; created_at is now,
/// expires_at `valid_for` later. library_error when the system gives no randomness.
issued_link issue_link(role who, std::vector<std::string> areas, std::string collaborator_id,
                       std::string name, std::chrono::seconds valid_for,
                       std::chrono::seconds session_lasts);

/// Whether `code` has the shape issue_link gives (43 base64url characters); anything else is
/// refused before it is hashed or looked up.
bool looks_like_link_code(std::string_view code);

/// RFC 4648 §5 base64url of `bytes`, without padding.
std::string base64url(std::span<const unsigned char> bytes);

}  // namespace geo
