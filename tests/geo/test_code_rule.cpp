#include "geo/import/code_rule.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "geo/error.hpp"

namespace {

using attributes = std::map<std::string, std::string>;

geo::code_part field(std::string name, std::size_t pad = 0, std::string strip_prefix = {}) {
  geo::code_part part;
  part.field = std::move(name);
  part.pad = pad;
  part.strip_prefix = std::move(strip_prefix);
  return part;
}

geo::code_part text(std::string literal) {
  geo::code_part part;
  part.text = std::move(literal);
  return part;
}

geo::code_rule rule_of(std::vector<geo::code_part> parts) {
  return geo::code_rule(std::move(parts));
}

std::string apply(const geo::code_rule& rule, const attributes& values) {
  return rule.apply([&](const std::string& field) {
    const auto it = values.find(field);
    return it == values.end() ? std::string() : it->second;
  });
}

std::string error_parsing(std::string_view spec) {
  try {
    geo::code_rule::parse(spec);
  } catch (const geo::input_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(CodeRule, StripsPrefix) {
  const geo::code_rule rule = rule_of({field("village_code", 0, "id")});
  EXPECT_EQ(apply(rule, {{"village_code", "id3172060007"}}), "3172060007");
}

TEST(CodeRule, KeepsValueWithoutThePrefix) {
  const geo::code_rule rule = rule_of({field("village_code", 0, "id")});
  EXPECT_EQ(apply(rule, {{"village_code", "3172060007id"}}), "3172060007id");
}

TEST(CodeRule, PadsWithZerosToWidth) {
  const geo::code_rule rule = rule_of({field("RW", 3)});
  EXPECT_EQ(apply(rule, {{"RW", "7"}}), "007");
  EXPECT_EQ(apply(rule, {{"RW", "1234"}}), "1234");
}

TEST(CodeRule, ConcatenatesFieldsInOrder) {
  const geo::code_rule rule = rule_of({field("KODE_KEL"), field("RW", 3)});
  EXPECT_EQ(apply(rule, {{"KODE_KEL", "3171010001"}, {"RW", "12"}}), "3171010001012");
}

TEST(CodeRule, InsertsLiteralText) {
  const geo::code_rule rule = rule_of({text("RW "), field("RW", 3), text(" "), field("NAMA_KEL")});
  EXPECT_EQ(apply(rule, {{"RW", "5"}, {"NAMA_KEL", "Gambir"}}), "RW 005 Gambir");
}

TEST(CodeRule, SkipsEmptyFieldAmongFilledOnes) {
  const geo::code_rule rule = rule_of({field("KODE_KEL"), field("RW", 3)});
  EXPECT_EQ(apply(rule, {{"KODE_KEL", "3171010001"}}), "3171010001");
}

TEST(CodeRule, CompleteCodeIsEmptyWhenAnyFieldIsEmpty) {
  const geo::code_rule rule = rule_of({field("KODE_KEL"), field("RW", 3)});
  const auto lookup = [](const attributes& values) {
    return [values](const std::string& f) {
      const auto it = values.find(f);
      return it == values.end() ? std::string() : it->second;
    };
  };
  EXPECT_EQ(rule.apply_complete(lookup({{"KODE_KEL", "3171010001"}})), "");
  EXPECT_EQ(rule.apply_complete(lookup({{"KODE_KEL", "3171010001"}, {"RW", "7"}})),
            "3171010001007");
}

TEST(CodeRule, IsEmptyWhenEveryFieldIsEmpty) {
  const geo::code_rule rule = rule_of({text("RW "), field("RW", 3)});
  EXPECT_EQ(apply(rule, {}), "");
}

TEST(CodeRule, ListsTheFieldsItReads) {
  const geo::code_rule rule = rule_of({text("RT "), field("RT"), field("RW")});
  EXPECT_EQ(rule.fields(), (std::vector<std::string>{"RT", "RW"}));
}

TEST(CodeRuleParse, ReadsFieldsWithWidths) {
  const geo::code_rule rule = geo::code_rule::parse("KODE_KEL+RW:3");
  ASSERT_EQ(rule.parts().size(), 2u);
  EXPECT_EQ(rule.parts()[0].field, "KODE_KEL");
  EXPECT_EQ(rule.parts()[0].pad, 0u);
  EXPECT_EQ(rule.parts()[1].field, "RW");
  EXPECT_EQ(rule.parts()[1].pad, 3u);
  EXPECT_EQ(apply(rule, {{"KODE_KEL", "3171010001"}, {"RW", "7"}}), "3171010001007");
}

TEST(CodeRuleParse, AppliesStripPrefixToEveryField) {
  const geo::code_rule rule = geo::code_rule::parse("district_code+village_code", "id");
  EXPECT_EQ(apply(rule, {{"district_code", "id3171010"}, {"village_code", "id0001"}}),
            "31710100001");
}

TEST(CodeRuleParse, RefusesEmptyRule) {
  EXPECT_EQ(error_parsing(""), "code rule is empty");
}

TEST(CodeRuleParse, RefusesEmptyFieldName) {
  EXPECT_EQ(error_parsing("KODE_KEL++RW"), "code rule has an empty field name");
  EXPECT_EQ(error_parsing("+RW"), "code rule has an empty field name");
  EXPECT_EQ(error_parsing(":3"), "code rule has an empty field name");
}

TEST(CodeRuleParse, RefusesWidthThatIsNotAPositiveNumber) {
  EXPECT_EQ(error_parsing("KODE_KEL+RW:x"), "code rule 'RW:x': width 'x' is not a positive number");
  EXPECT_EQ(error_parsing("RW:0"), "code rule 'RW:0': width '0' is not a positive number");
  EXPECT_EQ(error_parsing("RW:"), "code rule 'RW:': width '' is not a positive number");
  EXPECT_EQ(error_parsing("RW:3x"), "code rule 'RW:3x': width '3x' is not a positive number");
}

TEST(CodeRuleParse, RefusesTrailingPlus) {
  EXPECT_EQ(error_parsing("KODE_KEL+"), "code rule has an empty field name");
}

}  // namespace
