#include "geo/fnv1a.hpp"

#include <gtest/gtest.h>

#include <optional>

#include "geo/row_hash.hpp"

namespace {

TEST(Fnv1a, GivesThePublishedSixtyFourBitValues) {
  EXPECT_EQ(geo::fnv1a(std::string_view("")), 0xcbf29ce484222325ULL);  // the offset basis
  EXPECT_EQ(geo::fnv1a(std::string_view("a")), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(geo::fnv1a(std::string_view("foobar")), 0x85944171f73967e8ULL);
  EXPECT_EQ(geo::fnv1a(std::string_view("chongo was here!\n")), 0x46810940eff5f915ULL);
}

TEST(Fnv1a, ReadsBytesAndTextAlike) {
  static constexpr unsigned char bytes[] = {'f', 'o', 'o', 'b', 'a', 'r', 0xff};
  EXPECT_EQ(geo::fnv1a(bytes), geo::fnv1a(std::string_view("foobar\xff")));
}

TEST(Fnv1a, HashesInPiecesAsInOne) {
  EXPECT_EQ(geo::fnv1a(std::string_view("bar"), geo::fnv1a(std::string_view("foo"))),
            0x85944171f73967e8ULL);
}

TEST(Fnv1a, IsComputedAtCompileTime) {
  static_assert(geo::fnv1a(std::string_view("a")) == 0xaf63dc4c8601ec8cULL);
}

// Row hashes are stored by imports: a different value for the same row would make the next
// import see every row as changed. Values from an independent FNV-1a (Python), each field
// followed by 0x1f, numbers as their little-endian bytes.
TEST(RowHash, KeepsTheValuesStoredByEarlierImports) {
  EXPECT_EQ(geo::row_hash().add(std::string_view("ab")).add(std::string_view("c")).value(),
            770426902215066785);
  EXPECT_EQ(geo::row_hash().add(std::string_view("a")).add(std::string_view("bc")).value(),
            -3805060957572819029);
  EXPECT_EQ(geo::row_hash()
                .add(std::string_view("T01"))
                .add(std::int64_t{42})
                .add(1.5)
                .add(std::optional<std::int64_t>())
                .value(),
            558809423361765657);
}

}  // namespace
