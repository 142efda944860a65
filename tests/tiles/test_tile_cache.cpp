#include "tiles/tile_cache.hpp"

#include <gtest/gtest.h>

#include <optional>

#include "geo/engine/engine.hpp"
#include "geo/import/dataset_description.hpp"
#include "geo/import/importer.hpp"
#include "geo/store/spatialite_store.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

// Over the tiny dataset (see tests/geo/test_engine.cpp): T03 lies in RW 3171010001002.
class TileCache : public ::testing::Test {
 protected:
  TileCache() : m_store(m_dir / "sasaran.db") {
    geo::silent_progress progress;
    geo::importer importer(m_store, progress);
    importer.import_dataset(geo::load_dataset_description(
        std::string(SASARAN_TEST_DATA) + "/dataset-tiny.json", SASARAN_TEST_DATA));
    m_engine.emplace(m_store);
  }

  std::shared_ptr<const tiles::tile_cache::tile> showing(const std::string& code,
                                                         std::string bytes) {
    auto t = std::make_shared<tiles::tile_cache::tile>();
    const geo::area* a = m_engine->find_area(code);
    t->shown.emplace_back(a, m_engine->revision_of(*a));
    t->bytes = std::move(bytes);
    return t;
  }

  test_support::temp_dir m_dir;
  geo::spatialite_store m_store;
  std::optional<geo::engine> m_engine;
};

TEST_F(TileCache, ServesAKeptTileUntilAnAreaItShowsChanges) {
  tiles::tile_cache cache(1 << 20);
  cache.put("rw/14/1/1", showing("3171010001002", "rw2"));
  cache.put("rw/14/1/2", showing("3171010001001", "rw1"));
  ASSERT_TRUE(cache.find("rw/14/1/1", *m_engine));
  m_engine->set_status(*m_engine->find_target("T03"), geo::target_status::pledged);
  EXPECT_FALSE(cache.find("rw/14/1/1", *m_engine));  // its RW changed: stale, dropped
  EXPECT_TRUE(cache.find("rw/14/1/2", *m_engine));   // the other RW did not
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(cache.misses(), 1u);
}

TEST_F(TileCache, DropsTheLeastRecentlyUsedTilesBeyondItsSize) {
  tiles::tile_cache cache(1000);
  cache.put("a", showing("3171010001001", std::string(300, 'a')));
  cache.put("b", showing("3171010001001", std::string(300, 'b')));
  ASSERT_TRUE(cache.find("a", *m_engine));  // a is now the most recently used
  cache.put("c", showing("3171010001001", std::string(300, 'c')));
  EXPECT_TRUE(cache.find("a", *m_engine));
  EXPECT_FALSE(cache.find("b", *m_engine));
  EXPECT_TRUE(cache.find("c", *m_engine));
  EXPECT_LE(cache.bytes(), 1000u);
  tiles::tile_cache off(0);
  off.put("a", showing("3171010001001", "x"));
  EXPECT_FALSE(off.find("a", *m_engine));
}

}  // namespace
