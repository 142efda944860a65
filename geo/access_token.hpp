#pragma once
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace geo {

/// Roles a bearer token grants (DESIGN.md, privacy and roles). Requests without a token are
/// anonymous; a pic sees exact positions inside the areas of their token only.
enum class role { anonymous, collaborator, aggregator, planner, pic, admin };

/// "anonymous", "collaborator", "aggregator", "planner", "pic", "admin".
std::string_view role_name(role r);
/// The role of a name role_name gives; nothing for anything else.
std::optional<role> parse_role(std::string_view name);

/// A bearer token as stored: its secret only as a hash, so a copy of the database grants no
/// access.
struct access_token {
  std::string id;           // public, "tok_" + 8 hex digits; logs and the audit name it
  std::string secret_hash;  // hash_secret of the secret
  role who = role::anonymous;
  std::vector<std::string> areas;  // area codes a pic handles
  std::string collaborator_id;     // the collaborator a collaborator or aggregator acts for
  std::string created_at;          // UTC YYYY-MM-DDTHH:MM:SSZ
  bool revoked = false;
  std::string note;
  /// "api": made with `sasaran token create` for the API and GIS clients, no end; "session":
  /// what a sign-in link became (geo/sign_in_link.hpp), for one person on one device.
  std::string kind = "api";
  std::string name = {};        // the person a session is for; empty for api tokens
  std::string expires_at = {};  // UTC YYYY-MM-DDTHH:MM:SSZ, after which it is refused; empty: never
};

/// Whether `token` has an end that is not after `now` (both UTC YYYY-MM-DDTHH:MM:SSZ, which
/// compare as text).
inline bool has_expired(const access_token& token, std::string_view now) {
  return !token.expires_at.empty() && token.expires_at <= now;
}

/// A token just made, with the secret its holder presents; the secret is stored nowhere.
struct issued_token {
  access_token record;
  std::string secret;
};

/// Makes a token: the secret is "sst_" + 64 hex digits from 32 bytes of getrandom(), the id
/// "tok_" + 8 hex digits from 4 more; created_at is now. Throws library_error when the system
/// gives no randomness.
issued_token issue_token(role who, std::vector<std::string> areas, std::string collaborator_id,
                         std::string note);

/// Fills `out` from getrandom(2), the kernel's CSPRNG; library_error when it gives nothing.
void fill_random(std::span<unsigned char> out);

/// The SHA-256 of `secret` (FIPS 180-4) as 64 lowercase hex digits.
std::string hash_secret(std::string_view secret);

}  // namespace geo
