#include "tiles/box_grid.hpp"

#include <gtest/gtest.h>

#include <random>

namespace {

TEST(BoxGrid, FindsTheSameBoxesAsTestingEveryOneOnceEach) {
  std::mt19937 random(7);
  std::uniform_real_distribution<double> where(106.6, 107.0), size(0.0, 0.05);
  std::vector<geo::bbox> boxes;
  for (int i = 0; i < 2000; ++i) {
    const double x = where(random), y = where(random) - 113.0;
    boxes.push_back({x, y, x + size(random), y + size(random)});
  }
  boxes.push_back({106.7, -6.3, 106.7, -6.3});  // a point
  const tiles::box_grid grid(boxes);
  for (int q = 0; q < 300; ++q) {
    const double x = where(random) - 0.05, y = where(random) - 113.05, w = size(random) * 4;
    const geo::bbox query{x, y, x + w, y + w * (q % 3)};
    std::vector<std::uint32_t> expected;
    for (std::uint32_t i = 0; i < boxes.size(); ++i)
      if (boxes[i].intersects(query)) expected.push_back(i);
    EXPECT_EQ(grid.meeting(query), expected) << "query " << q;
  }
  EXPECT_EQ(grid.meeting({0, 0, 1, 1}), std::vector<std::uint32_t>{});
  EXPECT_EQ(grid.meeting({106.7, -6.3, 106.7, -6.3}).back(), 2000u);
}

TEST(BoxGrid, OfNoBoxesFindsNothing) {
  const tiles::box_grid grid(std::vector<geo::bbox>{});
  EXPECT_TRUE(grid.meeting({0, 0, 1, 1}).empty());
}

}  // namespace
