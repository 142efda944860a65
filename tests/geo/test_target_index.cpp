#include "geo/engine/target_index.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "geo/engine/geodesic.hpp"

namespace {

using geo::target_index;

// Every accepted point measured with the geodesic, sorted by distance then item: the answer
// the index must give.
std::vector<target_index::hit> brute_force(const std::vector<target_index::entry>& points,
                                           double lon, double lat, std::size_t k,
                                           double max_distance_m,
                                           const target_index::filter& accept) {
  std::vector<target_index::hit> all;
  for (const auto& p : points) {
    if (accept && !accept(p.item)) continue;
    const double d = geo::geodesic_distance_m(lon, lat, p.lon, p.lat);
    if (d <= max_distance_m) all.push_back({d, p.item});
  }
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return a.distance_m != b.distance_m ? a.distance_m < b.distance_m : a.item < b.item;
  });
  if (all.size() > k) all.resize(k);
  return all;
}

// Random points over Jakarta's extent, denser in a central square as real targets are.
std::vector<target_index::entry> jakarta_like(std::size_t n, unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_real_distribution<double> lon(106.68, 106.98), lat(-6.38, -6.08);
  std::uniform_real_distribution<double> clon(106.80, 106.86), clat(-6.22, -6.16);
  std::vector<target_index::entry> out;
  for (std::uint32_t i = 0; i < n; ++i)
    out.push_back(i % 3 == 0 ? target_index::entry{clon(random), clat(random), i}
                             : target_index::entry{lon(random), lat(random), i});
  return out;
}

TEST(TargetIndex, FindsTheSameNearestAsABruteForceGeodesicSearch) {
  const auto points = jakarta_like(10000, 1);
  const target_index index(points);
  std::mt19937 random(2);
  std::uniform_real_distribution<double> lon(106.6, 107.0), lat(-6.45, -6.0);
  for (int q = 0; q < 100; ++q) {
    const double x = lon(random), y = lat(random);
    const auto expected = brute_force(points, x, y, 100, 1e300, {});
    for (std::size_t k : {1u, 10u, 100u})
      ASSERT_EQ(index.nearest(x, y, k),
                std::vector<target_index::hit>(expected.begin(),
                                               expected.begin() + static_cast<std::ptrdiff_t>(k)))
          << "query " << q << " at " << x << ", " << y << " k " << k;
  }
}

TEST(TargetIndex, AppliesTheFilterAndTheMaximumDistance) {
  const auto points = jakarta_like(5000, 3);
  const target_index index(points);
  const target_index::filter odd = [](std::uint32_t item) { return item % 2 == 1; };
  for (double max_m : {50.0, 500.0, 3000.0}) {
    const auto hits = index.nearest(106.83, -6.2, 50, max_m, odd);
    EXPECT_EQ(hits, brute_force(points, 106.83, -6.2, 50, max_m, odd)) << max_m;
    for (const auto& h : hits) {
      EXPECT_EQ(h.item % 2, 1u);
      EXPECT_LE(h.distance_m, max_m);
    }
  }
}

TEST(TargetIndex, ReturnsFewerWhenFewerQualify) {
  const target_index index({{106.8, -6.2, 7}, {106.81, -6.2, 3}});
  const auto hits = index.nearest(106.8, -6.2, 10);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].item, 7u);
  EXPECT_EQ(hits[0].distance_m, 0.0);
  EXPECT_EQ(hits[1].item, 3u);
  EXPECT_NEAR(hits[1].distance_m, 1106.5, 1.0);  // 0.01 degree of longitude at 6.2 S
}

TEST(TargetIndex, OrdersEqualDistancesByItem) {
  const target_index index({{106.8, -6.2, 9}, {106.8, -6.2, 4}, {106.8, -6.2, 6}});
  const auto hits = index.nearest(106.8, -6.2, 2);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].item, 4u);
  EXPECT_EQ(hits[1].item, 6u);
}

TEST(TargetIndex, AnswersAQueryFarOutsideItsPoints) {
  const auto points = jakarta_like(2000, 4);
  const target_index index(points);
  EXPECT_EQ(index.nearest(107.6191, -6.9175, 5),
            brute_force(points, 107.6191, -6.9175, 5, 1e300, {}));
  EXPECT_TRUE(index.nearest(107.6191, -6.9175, 5, 1000.0).empty());
}

TEST(TargetIndex, AnswersNothingWhenEmptyOrKIsZero) {
  EXPECT_TRUE(target_index().nearest(106.8, -6.2, 10).empty());
  EXPECT_TRUE(target_index({{106.8, -6.2, 1}}).nearest(106.8, -6.2, 0).empty());
}

}  // namespace

namespace {

// An index grown by insert answers as one built with every point at once: inside its grid,
// where the point joins its cell, and beyond it, where the grid is built again.
TEST(TargetIndex, InsertedPointsAnswerAsPointsBuiltIn) {
  auto points = jakarta_like(5000, 3);
  target_index grown(std::vector<target_index::entry>(points.begin(), points.begin() + 4000));
  for (std::size_t i = 4000; i < points.size(); ++i)
    grown.insert(points[i]);
  // Two beyond every other point: the grid is built again around them.
  for (const target_index::entry& e :
       {target_index::entry{107.2, -6.0, 5000}, target_index::entry{106.5, -6.5, 5001}}) {
    points.push_back(e);
    grown.insert(e);
  }
  const target_index built(points);
  ASSERT_EQ(grown.size(), built.size());
  std::mt19937 random(4);
  std::uniform_real_distribution<double> lon(106.4, 107.3), lat(-6.6, -5.9);
  for (int q = 0; q < 100; ++q) {
    const double x = lon(random), y = lat(random);
    EXPECT_EQ(grown.nearest(x, y, 20), built.nearest(x, y, 20)) << x << ", " << y;
    const geo::bbox box{x - 0.02, y - 0.02, x + 0.02, y + 0.02};
    auto a = grown.within(box), b = built.within(box);
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    EXPECT_EQ(a, b) << x << ", " << y;
  }
}

}  // namespace
