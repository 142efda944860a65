#include "geo/engine/area_index.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

geo::area_index::entry square(std::string code, double x0, double y0, double x1, double y1) {
  return {std::move(code), {{{{x0, y0, x1, y0, x1, y1, x0, y1, x0, y0}}}}, {x0, y0, x1, y1}};
}

// Two RTs side by side sharing the edge x = 106.81.
std::vector<geo::area_index::entry> west_then_east() {
  return {square("3171010001001001", 106.80, -6.20, 106.81, -6.19),
          square("3171010001002001", 106.81, -6.20, 106.82, -6.19)};
}

std::string code_found(const geo::area_index& index, double x, double y) {
  const geo::area_index::entry* e = index.find(x, y);
  return e ? e->code : "none";
}

TEST(AreaIndex, FindsTheAreaCoveringAPoint) {
  const geo::area_index index(west_then_east());
  EXPECT_EQ(code_found(index, 106.805, -6.195), "3171010001001001");
  EXPECT_EQ(code_found(index, 106.815, -6.195), "3171010001002001");
}

TEST(AreaIndex, FindsNothingOutsideEveryArea) {
  const geo::area_index index(west_then_east());
  EXPECT_EQ(code_found(index, 106.815, -6.185), "none");  // inside the extent, in no area
  EXPECT_EQ(code_found(index, 107.0, -6.195), "none");    // outside the extent
}

TEST(AreaIndex, FindsNothingWhenEmpty) {
  const geo::area_index index;
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(code_found(index, 106.805, -6.195), "none");
}

TEST(AreaIndex, GivesPointOnSharedEdgeToTheFirstAreaInGivenOrder) {
  std::vector<geo::area_index::entry> entries = west_then_east();
  const geo::area_index west_first(entries);
  std::swap(entries[0], entries[1]);
  const geo::area_index east_first(entries);
  EXPECT_EQ(code_found(west_first, 106.81, -6.195), "3171010001001001");
  EXPECT_EQ(code_found(east_first, 106.81, -6.195), "3171010001002001");
}

TEST(AreaIndex, FindsEveryCellOfAGridOfHundredAreas) {
  std::vector<geo::area_index::entry> entries;
  for (int i = 0; i < 10; ++i)
    for (int j = 0; j < 10; ++j)
      entries.push_back(square(std::to_string(i * 10 + j), 106.8 + 0.01 * i, -6.3 + 0.01 * j,
                               106.8 + 0.01 * (i + 1), -6.3 + 0.01 * (j + 1)));
  const geo::area_index index(std::move(entries));
  int right = 0;
  for (int i = 0; i < 10; ++i)
    for (int j = 0; j < 10; ++j)
      right += code_found(index, 106.8 + 0.01 * i + 0.005, -6.3 + 0.01 * j + 0.005) ==
               std::to_string(i * 10 + j);
  EXPECT_EQ(right, 100);
}

TEST(AreaIndex, LooksUpByCode) {
  const geo::area_index index(west_then_east());
  ASSERT_NE(index.by_code("3171010001002001"), nullptr);
  EXPECT_EQ(index.by_code("3171010001002001")->box, (geo::bbox{106.81, -6.20, 106.82, -6.19}));
  EXPECT_EQ(index.by_code("3171010001009009"), nullptr);
}

TEST(AreaIndex, CoversOnlyForTheNamedArea) {
  const geo::area_index index(west_then_east());
  EXPECT_TRUE(index.covers("3171010001001001", 106.805, -6.195));
  EXPECT_FALSE(index.covers("3171010001002001", 106.805, -6.195));
  EXPECT_FALSE(index.covers("3171010001009009", 106.805, -6.195));
}

TEST(AreaIndex, CoversPointJustOutsideOnlyWithinTolerance) {
  const geo::area_index index(west_then_east());
  const double y = -6.20 - 1e-15;  // just south of both RTs
  EXPECT_FALSE(index.covers("3171010001001001", 106.805, y));
  EXPECT_TRUE(index.covers("3171010001001001", 106.805, y, 2e-14));
  EXPECT_FALSE(index.covers("3171010001001001", 106.805, -6.20 - 1e-12, 2e-14));
}

}  // namespace
