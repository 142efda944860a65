#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace geo {

/// Text folded for search: ASCII letters lowercased, Latin-1 accented letters (UTF-8) reduced
/// to their base letter, every other character a word break; words joined by single spaces.
/// "Kebon  Kelapa" and "KÉBON-kelapa" both fold to "kebon kelapa".
std::string fold_for_search(std::string_view text);

/// The words of folded text.
std::vector<std::string_view> folded_words(std::string_view folded);

}  // namespace geo
