#include "geo/store/open_store.hpp"

#include <gtest/gtest.h>

#include <string>

#include "geo/error.hpp"
#include "geo/store/spatialite_store.hpp"
#include "geo/store/sqlite_db.hpp"
#include "geo/store/sqlite_statement.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using test_support::temp_dir;

std::string pragma(geo::store& s, const std::string& name) {
  geo::sqlite_statement select =
      dynamic_cast<geo::spatialite_store&>(s).db().prepare("PRAGMA " + name);
  return select.step() ? select.column_text(0) : "";
}

TEST(OpenStore, TellsPostgresUrlsFromPaths) {
  EXPECT_TRUE(geo::is_postgres_url("postgresql://postgres@127.0.0.1:5432/sasaran"));
  EXPECT_TRUE(geo::is_postgres_url("postgres://db.example.id/sasaran"));
  EXPECT_FALSE(geo::is_postgres_url("data/sasaran.sqlite"));
  EXPECT_FALSE(geo::is_postgres_url("/srv/postgresql/sasaran.sqlite"));
  EXPECT_FALSE(geo::is_postgres_url("postgresql:/sasaran"));
  EXPECT_FALSE(geo::is_postgres_url(""));
}

TEST(OpenStore, APostgresUrlOpensPostgresAndAnUnreachableOneFailsWithoutShowingThePassword) {
  // Port 1 on loopback: nothing listens there, so libpq is refused at once.
  try {
    geo::open_store("postgresql://sasaran:secret@127.0.0.1:1/sasaran", geo::store_use::admin);
    FAIL() << "no error";
  } catch (const geo::store_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("127.0.0.1"), std::string::npos) << message;
    EXPECT_EQ(message.find("secret"), std::string::npos) << message;
  }
}

TEST(OpenStore, AServersStoreLeavesCheckpointsToItsUpkeepAndWaitsForWriters) {
  const temp_dir dir;
  const auto s = geo::open_store(dir / "sasaran.db", geo::store_use::serve);
  EXPECT_EQ(pragma(*s, "journal_mode"), "wal");
  EXPECT_EQ(pragma(*s, "wal_autocheckpoint"), "0");
  EXPECT_EQ(pragma(*s, "busy_timeout"), "120000");
}

TEST(OpenStore, AnImportWritesInBulkWaitsForWritersAndLeavesTheFileInWal) {
  const temp_dir dir;
  const std::string path = dir / "sasaran.db";
  {
    const auto s = geo::open_store(path, geo::store_use::import);
    EXPECT_EQ(pragma(*s, "journal_mode"), "delete");
    EXPECT_EQ(pragma(*s, "wal_autocheckpoint"), "1000");
    EXPECT_EQ(pragma(*s, "busy_timeout"), "120000");
  }
  geo::sqlite_db after(path);
  geo::sqlite_statement mode = after.prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.step());
  EXPECT_EQ(mode.column_text(0), "wal");
}

TEST(OpenStore, AnImportBesideAServerStaysInWal) {
  const temp_dir dir;
  const std::string path = dir / "sasaran.db";
  const auto served = geo::open_store(path, geo::store_use::serve);
  const auto imported = geo::open_store(path, geo::store_use::import);
  EXPECT_EQ(pragma(*imported, "journal_mode"), "wal");
}

TEST(OpenStore, AnAdminCommandOpensTheStoreAsItIs) {
  const temp_dir dir;
  const auto s = geo::open_store(dir / "sasaran.db", geo::store_use::admin);
  EXPECT_EQ(pragma(*s, "journal_mode"), "wal");
  EXPECT_EQ(pragma(*s, "wal_autocheckpoint"), "1000");
  EXPECT_EQ(pragma(*s, "busy_timeout"), "5000");
}

}  // namespace

TEST(OpenStore, ShowsAPostgresUrlWithoutItsPasswordAndAPathAsItIs) {
  EXPECT_EQ(geo::shown_store_name("postgresql://sasaran:s3cr%40t@db1.internal:5432/sasaran"),
            "postgresql://sasaran@db1.internal:5432/sasaran");
  EXPECT_EQ(geo::shown_store_name("postgres://u:p@h1,h2/db?target_session_attrs=read-write"),
            "postgres://u@h1,h2/db?target_session_attrs=read-write");
  EXPECT_EQ(geo::shown_store_name("postgresql://sasaran@db1.internal/sasaran"),
            "postgresql://sasaran@db1.internal/sasaran");
  EXPECT_EQ(geo::shown_store_name("postgresql:///sasaran?host=/run/postgresql"),
            "postgresql:///sasaran?host=/run/postgresql");
  EXPECT_EQ(geo::shown_store_name("data/a:b@c.sqlite"), "data/a:b@c.sqlite");
}
