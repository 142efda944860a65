#include "geo/import/dataset_description.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "geo/error.hpp"
#include "geo/import/text_file.hpp"

namespace geo {
namespace {

using json = nlohmann::json;

const json& empty_object() {
  static const json empty = json::object();
  return empty;
}

class description_reader {
 public:
  description_reader(std::string path, std::string root)
      : m_path(std::move(path)), m_root(std::move(root)) {}

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw input_error(m_path + ": " + where + ": " + what);
  }

  std::string resolve(const json& value, const std::string& where) const {
    if (!value.is_string() || value.get<std::string>().empty())
      fail(where, "expected a file path relative to the datasets folder");
    const std::string file = value.get<std::string>();
    return file.starts_with('/') ? file : m_root + "/" + file;
  }

  // A rule is a list of parts: "FIELD", {"field": F, "strip_prefix": P, "pad": N} or
  // {"text": T}; a single part may stand alone.
  code_rule rule(const json& value, const std::string& where) const {
    if (value.is_null()) return {};
    const json list = value.is_array() ? value : json::array({value});
    std::vector<code_part> parts;
    for (const json& item : list) {
      code_part part;
      if (item.is_string()) {
        part.field = item.get<std::string>();
      } else if (item.is_object() && item.contains("text")) {
        part.text = item.at("text").get<std::string>();
      } else if (item.is_object() && item.contains("field")) {
        part.field = item.at("field").get<std::string>();
        part.strip_prefix = item.value("strip_prefix", "");
        const json pad = item.value("pad", json(0));
        if (!pad.is_number_integer() || pad.get<long long>() < 0 || pad.get<long long>() > 64)
          fail(where, "pad must be a whole number from 0 to 64, got " + pad.dump());
        part.pad = pad.get<std::size_t>();
      } else {
        fail(where, "expected \"FIELD\", {\"field\": ...} or {\"text\": ...}, got " + item.dump());
      }
      parts.push_back(std::move(part));
    }
    return code_rule(std::move(parts));
  }

  admin_level level(const json& value, const std::string& where) const {
    const auto parsed =
        value.is_string() ? parse_admin_level(value.get<std::string>()) : std::nullopt;
    if (!parsed) fail(where, "level must be one of kota, kecamatan, kelurahan, rw, rt");
    return *parsed;
  }

  area_layer_spec area_layer(const json& j, std::size_t index) const {
    const std::string where = "areas[" + std::to_string(index) + "]";
    if (!j.is_object()) fail(where, "expected an object");
    area_layer_spec spec;
    spec.level = level(j.value("level", json()), where);
    spec.layer = j.value("layer", std::string(to_string(spec.level)));
    if (spec.layer.empty()) fail(where + ".layer", "expected a name, got \"\"");
    spec.path = resolve(j.value("file", json()), where + ".file");
    const json source_layer = j.value("source_layer", json(""));
    if (!source_layer.is_string())
      fail(where + ".source_layer", "expected the name of a layer of the file");
    spec.source_layer = source_layer.get<std::string>();
    spec.code = rule(j.value("code", json()), where + ".code");
    if (spec.code.empty()) fail(where + ".code", "a code rule is required");
    spec.name = rule(j.value("name", json()), where + ".name");
    spec.parent = rule(j.value("parent", json()), where + ".parent");
    if (spec.parent.empty() && spec.level != admin_level::kota)
      fail(where + ".parent", "a parent code rule is required below kota");
    const json& derive = j.contains("derive") ? j.at("derive") : empty_object();
    if (!derive.is_object()) fail(where + ".derive", "expected an object of levels");
    for (const auto& [word, d] : derive.items()) {
      derived_level_spec derived;
      derived.level = level(word, where + ".derive");
      derived.name = rule(d.value("name", json()), where + ".derive." + word + ".name");
      derived.parent = rule(d.value("parent", json()), where + ".derive." + word + ".parent");
      spec.derive.push_back(std::move(derived));
    }
    // Dissolving goes upwards: kecamatan before kota.
    std::sort(spec.derive.begin(), spec.derive.end(),
              [](const auto& a, const auto& b) { return a.level > b.level; });
    // The importer dissolves each derived level from the one just below it and stops at the
    // first that is not, so a gap (kota from kelurahan alone) would leave levels out silently.
    admin_level below = spec.level;
    for (const derived_level_spec& derived : spec.derive) {
      const std::optional<admin_level> above = parent_level(below);
      if (above != derived.level)
        fail(where + ".derive",
             "cannot derive " + std::string(to_string(derived.level)) + " from " +
                 std::string(to_string(below)) + "; " +
                 (above ? "the level above " + std::string(to_string(below)) + " is " +
                              std::string(to_string(*above))
                        : "no level lies above " + std::string(to_string(below))));
      below = derived.level;
    }
    return spec;
  }

  // The store keeps one set of areas per layer name and replaces it when that name is written
  // again, so two layers of one name (given, or derived and named after their level) would
  // leave only the last one's areas.
  void check_layer_names(const std::vector<area_layer_spec>& areas) const {
    const auto given = [&](admin_level level) {
      return std::any_of(areas.begin(), areas.end(),
                         [&](const auto& a) { return a.level == level; });
    };
    std::vector<std::pair<std::string, std::string>> named;  // name, what has it
    const auto add = [&](const std::string& name, const std::string& what) {
      for (const auto& [other_name, other] : named)
        if (other_name == name)
          fail(what, "layer name '" + name + "' is already the name of " + other +
                         "; each layer needs a name of its own");
      named.emplace_back(name, what);
    };
    for (std::size_t i = 0; i < areas.size(); ++i)
      add(areas[i].layer, "areas[" + std::to_string(i) + "].layer");
    for (std::size_t i = 0; i < areas.size(); ++i)
      for (const derived_level_spec& derived : areas[i].derive)
        if (!given(derived.level))
          add(std::string(to_string(derived.level)),
              "areas[" + std::to_string(i) + "].derive." + std::string(to_string(derived.level)));
  }

  dataset_description read(const json& j) const {
    dataset_description d;
    d.name = j.value("name", "");
    const json areas = j.value("areas", json::array());
    for (std::size_t i = 0; i < areas.size(); ++i)
      d.areas.push_back(area_layer(areas[i], i));
    check_layer_names(d.areas);
    if (j.contains("targets")) d.targets = resolve(j["targets"], "targets");
    if (j.contains("collaborators")) d.collaborators = resolve(j["collaborators"], "collaborators");
    if (j.contains("pledges")) d.pledges = resolve(j["pledges"], "pledges");
    return d;
  }

 private:
  std::string m_path;
  std::string m_root;
};

}  // namespace

dataset_description load_dataset_description(const std::string& path,
                                             const std::string& datasets_root) {
  const std::string text = read_text_file(path);
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    throw input_error(path + ": not valid JSON: " + e.what());
  }
  description_reader reader(path, datasets_root);
  try {
    return reader.read(j);
  } catch (const json::exception& e) {
    throw input_error(path + ": " + e.what());
  }
}

}  // namespace geo
