#pragma once
#include <optional>
#include <string>
#include <vector>

#include "geo/import/area_import.hpp"

namespace geo {

/// What one dataset holds and how to read it (datasets/*.json): area layers with their code
/// rules, and the CSV files of targets, collaborators and pledges. Paths are resolved against
/// the datasets root (SASARAN_DATASETS).
struct dataset_description {
  std::string name;
  std::vector<area_layer_spec> areas;
  std::optional<std::string> targets;
  std::optional<std::string> collaborators;
  std::optional<std::string> pledges;
};

/// Reads a description; throws input_error naming the file and the faulty member.
dataset_description load_dataset_description(const std::string& path,
                                             const std::string& datasets_root);

}  // namespace geo
