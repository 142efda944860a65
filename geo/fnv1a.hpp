#pragma once
#include <cstdint>
#include <span>
#include <string_view>

namespace geo {

/// FNV-1a, 64 bits (Fowler, Noll, Vo; draft-eastlake-fnv): fast and stable across runs and
/// machines, for change detection and validators, never for secrets. The one copy in Sasaran:
/// row hashes of imports and the ETags of responses both use it.
inline constexpr std::uint64_t fnv1a_offset_basis = 14695981039346656037ULL;  // 0xcbf29ce484222325
inline constexpr std::uint64_t fnv1a_prime = 1099511628211ULL;                // 0x100000001b3

/// `state` advanced over `bytes`; from fnv1a_offset_basis it is the hash of `bytes`, and
/// hashing a text in pieces, each from the state the last returned, gives the hash of the whole.
constexpr std::uint64_t fnv1a(std::span<const unsigned char> bytes,
                              std::uint64_t state = fnv1a_offset_basis) {
  for (const unsigned char b : bytes) {
    state ^= b;
    state *= fnv1a_prime;
  }
  return state;
}

constexpr std::uint64_t fnv1a(std::string_view text, std::uint64_t state = fnv1a_offset_basis) {
  for (const char c : text) {
    state ^= static_cast<unsigned char>(c);
    state *= fnv1a_prime;
  }
  return state;
}

}  // namespace geo
