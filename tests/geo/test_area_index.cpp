#include "geo/engine/area_index.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
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

// Eleven boxes over 0..10 x 0..10 (a grid of 7 x 7 cells): a row of three unit squares each
// touching the next at an edge (0, 1, 2), one touching square 2 only at its corner (3), one box
// over the whole extent (4), a thin one across it (5), and five far apart.
std::vector<geo::area_index::entry> eleven_boxes() {
  return {square("00", 0, 0, 1, 1),   square("01", 1, 0, 2, 1),
          square("02", 2, 0, 3, 1),   square("03", 3, 1, 4, 2),
          square("04", 0, 0, 10, 10), square("05", 0.5, 4.9, 9.5, 5.1),
          square("06", 8, 8, 9, 9),   square("07", 6, 1, 7, 2),
          square("08", 1, 7, 2, 8),   square("09", 4.2, 6.2, 4.4, 6.4),
          square("10", 9, 0, 10, 1)};
}

using positions = std::vector<std::uint32_t>;

TEST(AreaIndex, FindsTheBoxesMeetingABoxEachOnceAscending) {
  const geo::area_index index(eleven_boxes());
  EXPECT_EQ(index.meeting({0.2, 0.2, 0.4, 0.4}), (positions{0, 4}));
  // Boxes touching the query only at an edge or a corner meet it (closed boxes).
  EXPECT_EQ(index.meeting({1, 0.2, 1, 0.4}), (positions{0, 1, 4}));  // the edge 0 and 1 share
  EXPECT_EQ(index.meeting({3, 1, 3, 1}), (positions{2, 3, 4}));      // the corner 2 and 3 share
  EXPECT_EQ(index.meeting({3.5, -1, 3.5, 0}), (positions{4}));       // below 3, on 4's edge
  // Box 4 is in every cell, box 5 in a row of them: each is found once.
  EXPECT_EQ(index.meeting({0, 4, 10, 6}), (positions{4, 5}));
  EXPECT_EQ(index.meeting({0, 4, 10, 6.2}), (positions{4, 5, 9}));  // 9's lower edge
  EXPECT_EQ(index.meeting({-1, -1, 11, 11}), (positions{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(index.meeting({7.5, 7.5, 7.6, 7.6}), (positions{4}));
}

TEST(AreaIndex, FindsNoBoxesMeetingABoxOutsideOrInvertedOrWhenEmpty) {
  const geo::area_index index(eleven_boxes());
  EXPECT_EQ(index.meeting({11, 11, 12, 12}), positions{});
  EXPECT_EQ(index.meeting({10.000001, 0, 11, 10}), positions{});
  EXPECT_EQ(index.meeting({5, 5, 4, 4}), positions{});  // min above max
  EXPECT_EQ(index.meeting(geo::bbox{}), positions{});
  EXPECT_EQ(geo::area_index().meeting({0, 0, 1, 1}), positions{});
}

TEST(AreaIndex, FindsTheSameBoxesAsTestingEveryOne) {
  std::mt19937 random(7);
  std::uniform_real_distribution<double> where(106.6, 107.0), size(0.0, 0.05);
  std::vector<geo::area_index::entry> entries;
  for (int i = 0; i < 2000; ++i) {
    const double x = where(random), y = where(random) - 113.0;
    entries.push_back(square(std::to_string(i), x, y, x + size(random), y + size(random)));
  }
  entries.push_back(square("point", 106.7, -6.3, 106.7, -6.3));
  std::vector<geo::bbox> boxes;
  for (const auto& e : entries)
    boxes.push_back(e.box);
  const geo::area_index index(std::move(entries));
  for (int q = 0; q < 300; ++q) {
    const double x = where(random) - 0.05, y = where(random) - 113.05, w = size(random) * 4;
    const geo::bbox query{x, y, x + w, y + w * (q % 3)};
    positions expected;
    for (std::uint32_t i = 0; i < boxes.size(); ++i)
      if (boxes[i].intersects(query)) expected.push_back(i);
    EXPECT_EQ(index.meeting(query), expected) << "query " << q;
  }
  EXPECT_EQ(index.meeting({106.7, -6.3, 106.7, -6.3}).back(), 2000u);
}

}  // namespace
