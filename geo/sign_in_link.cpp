#include "geo/sign_in_link.hpp"

#include <array>

#include "geo/utc_time.hpp"

namespace geo {
namespace {

constexpr std::size_t code_bytes = 32;
constexpr std::size_t code_length = (code_bytes * 4 + 2) / 3;  // 43

constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string hex_of(std::span<const unsigned char> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0xf]);
  }
  return out;
}

}  // namespace

std::string base64url(std::span<const unsigned char> bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned v = (unsigned{bytes[i]} << 16) | (unsigned{bytes[i + 1]} << 8) | bytes[i + 2];
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    out.push_back(alphabet[(v >> 6) & 63]);
    out.push_back(alphabet[v & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    const unsigned v = (unsigned{bytes[i]} << 16) | (rest == 2 ? unsigned{bytes[i + 1]} << 8 : 0u);
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    if (rest == 2) out.push_back(alphabet[(v >> 6) & 63]);
  }
  return out;
}

bool looks_like_link_code(std::string_view code) {
  if (code.size() != code_length) return false;
  for (const char c : code)
    if (alphabet.find(c) == std::string_view::npos) return false;
  return true;
}

issued_link issue_link(role who, std::vector<std::string> areas, std::string collaborator_id,
                       std::string name, std::chrono::seconds valid_for,
                       std::chrono::seconds session_lasts) {
  std::array<unsigned char, code_bytes> code{};
  std::array<unsigned char, 4> id{};
  fill_random(code);
  fill_random(id);
  issued_link l;
  l.code = base64url(code);
  l.record.id = "lnk_" + hex_of(id);
  l.record.code_hash = hash_secret(l.code);
  l.record.name = std::move(name);
  l.record.who = who;
  l.record.areas = std::move(areas);
  l.record.collaborator_id = std::move(collaborator_id);
  l.record.session_seconds = session_lasts.count();
  const auto now = std::chrono::system_clock::now();
  l.record.created_at = utc_time(now);
  l.record.expires_at = utc_time(now + valid_for);
  return l;
}

}  // namespace geo
