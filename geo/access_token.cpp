#include "geo/access_token.hpp"

#include <openssl/evp.h>
#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <span>

#include "geo/error.hpp"
#include "geo/utc_time.hpp"

namespace geo {
namespace {

constexpr std::array<std::string_view, 6> role_names = {"anonymous", "collaborator", "aggregator",
                                                        "planner",   "pic",          "admin"};

std::string to_hex(std::span<const unsigned char> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const unsigned char b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0xf]);
  }
  return out;
}

template <std::size_t N>
std::array<unsigned char, N> random_bytes() {
  std::array<unsigned char, N> out{};
  fill_random(out);
  return out;
}

}  // namespace

// getrandom(2) without flags blocks only until the kernel's pool is first seeded; requests up
// to 256 bytes are not cut short once it is, but a signal may still interrupt them.
void fill_random(std::span<unsigned char> out) {
  std::size_t filled = 0;
  while (filled < out.size()) {
    const ssize_t n = getrandom(out.data() + filled, out.size() - filled, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw library_error(std::string("getrandom failed: ") + std::strerror(errno));
    }
    filled += static_cast<std::size_t>(n);
  }
}

std::string_view role_name(role r) {
  return role_names[static_cast<std::size_t>(r)];
}

std::optional<role> parse_role(std::string_view name) {
  for (std::size_t i = 0; i < role_names.size(); ++i)
    if (role_names[i] == name) return static_cast<role>(i);
  return std::nullopt;
}

issued_token issue_token(role who, std::vector<std::string> areas, std::string collaborator_id,
                         std::string note) {
  issued_token t;
  const auto secret = random_bytes<32>();
  const auto id = random_bytes<4>();
  t.secret = "sst_" + to_hex(secret);
  t.record.id = "tok_" + to_hex(id);
  t.record.secret_hash = hash_secret(t.secret);
  t.record.who = who;
  t.record.areas = std::move(areas);
  t.record.collaborator_id = std::move(collaborator_id);
  t.record.created_at = utc_time_now();
  t.record.note = std::move(note);
  return t;
}

std::string hash_secret(std::string_view secret) {
  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                        &EVP_MD_CTX_free);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(context.get(), secret.data(), secret.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), digest.data(), &size) != 1)
    throw library_error("OpenSSL could not compute a SHA-256 digest");
  return to_hex(std::span<const unsigned char>(digest.data(), size));
}

}  // namespace geo
