#include "geo/text_fold.hpp"

namespace geo {
namespace {

using namespace std::string_view_literals;

// Base letters of U+00C0..U+00FF, lowercase; '\0' where the code point is not a letter.
constexpr std::string_view latin1_base =
    "aaaaaaaceeeeiiii"      // C0-CF
    "dnooooo\0ouuuuyts"     // D0-DF (D7 multiplication sign, DE thorn, DF sharp s)
    "aaaaaaaceeeeiiii"      // E0-EF
    "dnooooo\0ouuuuyty"sv;  // F0-FF (F7 division sign)

char folded_letter(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
  if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return static_cast<char>(c);
  return '\0';
}

}  // namespace

std::string fold_for_search(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  const auto put = [&](char c) {
    if (c == '\0') {
      pending_space = !out.empty();
      return;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    // U+00C0..U+00FF are encoded as C3 80..C3 BF.
    if (c == 0xC3 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0xBF) {
        put(latin1_base[next - 0x80]);
        ++i;
        continue;
      }
    }
    put(folded_letter(c));
  }
  return out;
}

std::vector<std::string_view> folded_words(std::string_view folded) {
  std::vector<std::string_view> words;
  while (!folded.empty()) {
    const std::size_t space = folded.find(' ');
    words.push_back(folded.substr(0, space));
    if (space == std::string_view::npos) break;
    folded.remove_prefix(space + 1);
  }
  return words;
}

}  // namespace geo
