// Dataset descriptions (datasets/*.json) read by geo/dataset_description from any bytes:
// the JSON itself, area layers, levels, code rules (fields, prefixes, padding, literal text),
// derived levels and file paths. Only geo::input_error may leave it; a description it accepts
// is one the importer (geo/importer) runs as written: every layer has a file, a code rule and
// (below kota) a parent rule; derived levels climb one level at a time from the layer's (the
// importer stops at the first that does not); every layer the import writes, derived ones
// included, has a name of its own (the store replaces a layer's areas by name); and its rules
// compose codes from any attributes.
#include <algorithm>
#include <set>

#include "geo/error.hpp"
#include "geo/import/dataset_description.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using fuzz_support::require;

// Applies a rule as the import does, to attribute values made from the field names.
void apply(const geo::code_rule& rule) {
  const auto value = [](const std::string& field) { return field.size() % 3 ? field : ""; };
  rule.apply(value);
  rule.apply_complete(value);
  for (const geo::code_part& part : rule.parts())
    require(part.pad <= 64, "a code part padded to more than 64");
}

void check(const geo::dataset_description& d) {
  const auto given = [&](geo::admin_level level) {
    return std::any_of(d.areas.begin(), d.areas.end(),
                       [&](const geo::area_layer_spec& s) { return s.level == level; });
  };
  std::set<std::string> layer_names;
  const auto name_layer = [&](const std::string& name) {
    require(!name.empty(), "a layer without a name");
    require(layer_names.insert(name).second, "two layers named '" + name + "'");
  };
  for (const geo::area_layer_spec& spec : d.areas) {
    require(!spec.path.empty(), "a layer without a file");
    name_layer(spec.layer);
    require(!spec.code.empty(), "a layer without a code rule");
    require(spec.level == geo::admin_level::kota || !spec.parent.empty(),
            "a layer below kota without a parent rule");
    apply(spec.code);
    apply(spec.name);
    apply(spec.parent);
    geo::admin_level below = spec.level;
    for (const geo::derived_level_spec& derived : spec.derive) {
      require(geo::parent_level(below) == derived.level,
              std::string("derived level ") + std::string(geo::to_string(derived.level)) +
                  " is not the one above " + std::string(geo::to_string(below)));
      below = derived.level;
      if (!given(derived.level)) name_layer(std::string(geo::to_string(derived.level)));
      apply(derived.name);
      apply(derived.parent);
    }
  }
  for (const auto* file : {&d.targets, &d.collaborators, &d.pledges})
    require(!*file || !(*file)->empty(), "an empty CSV path");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz_support::memory_file file;
  const std::string& path = file.write(fuzz_support::text_of(data, size));
  try {
    check(geo::load_dataset_description(path, "/datasets"));
  } catch (const geo::input_error&) {
  }
  return 0;
}
