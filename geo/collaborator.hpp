#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace geo {

/// Kinds of collaborators; an agregator is a licensed fund-raising body.
inline constexpr std::string_view collaborator_kinds[] = {"perorangan", "perusahaan", "komunitas",
                                                          "instansi", "agregator"};

struct collaborator {
  std::string id;
  std::string name;
  std::string kind;
  std::optional<double> lon;
  std::optional<double> lat;
  std::size_t row = 0;
};

}  // namespace geo
