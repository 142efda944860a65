#include "tiles/tile_geometry.hpp"

#include <gtest/gtest.h>

namespace {

using tiles::tile_ring;

tile_ring cleaned(tile_ring ring) {
  tiles::drop_repeated_points(ring);
  return ring;
}

TEST(DropRepeatedPoints, DropsRepeatsAndTheClosingPoint) {
  EXPECT_EQ(cleaned({{0, 0}, {0, 0}, {10, 0}, {10, 10}, {10, 10}, {0, 0}}),
            (tile_ring{{0, 0}, {10, 0}, {10, 10}}));
}

TEST(DropRepeatedPoints, DropsASpikeOfOneUnit) {
  // (3358,3984) -> (3358,3985) -> (3358,3984), as rounding made it in kelurahan 3171090004.
  EXPECT_EQ(cleaned({{0, 0}, {3358, 3984}, {3358, 3985}, {3358, 3984}, {0, 4000}}),
            (tile_ring{{0, 0}, {3358, 3984}, {0, 4000}}));
}

TEST(DropRepeatedPoints, DropsAnEdgeDoubledBackAlongTheBufferBorder) {
  // Along x = -64: down to -64, then back up to 158, as clipping left it in RW 3175010001001.
  EXPECT_EQ(cleaned({{100, 915}, {-64, 915}, {-64, -64}, {-64, 158}, {100, 158}}),
            (tile_ring{{100, 915}, {-64, 915}, {-64, 158}, {100, 158}}));
}

TEST(DropRepeatedPoints, CollapsesNestedSpikesAndOnesAcrossTheSeam) {
  EXPECT_EQ(cleaned({{0, 0}, {5, 0}, {9, 0}, {7, 0}, {5, 0}, {10, 0}, {10, 10}}),
            (tile_ring{{0, 0}, {5, 0}, {10, 0}, {10, 10}}));
  // The ring closes back onto a spike: the last point goes out and the first comes back.
  EXPECT_EQ(cleaned({{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, -5}}),
            (tile_ring{{0, 0}, {10, 0}, {10, 10}, {0, 10}}));
}

TEST(DropRepeatedPoints, KeepsPointsOnAStraightEdgeGoingOn) {
  EXPECT_EQ(cleaned({{0, 0}, {5, 0}, {10, 0}, {10, 10}}),
            (tile_ring{{0, 0}, {5, 0}, {10, 0}, {10, 10}}));
}

}  // namespace
