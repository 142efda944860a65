// What the command line and the server read through geo::store besides the records they load:
// the kept issues of imports (sasaran report), the scope of a token (sasaran token), and the
// server's upkeep (checkpoint). The embedded store's answers, value by value.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "geo/error.hpp"
#include "geo/store/open_store.hpp"
#include "geo/store/spatialite_store.hpp"
#include "geo/store/sqlite_db.hpp"
#include "geo/store/sqlite_statement.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using test_support::temp_dir;

// WKB (little-endian) of a MultiPolygon holding the square [x0, x0 + 1] x [y0, y0 + 1].
std::vector<unsigned char> square_wkb(double x0, double y0) {
  std::vector<unsigned char> out;
  const auto put_u32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
      out.push_back(static_cast<unsigned char>(v >> (8 * i)));
  };
  const auto put_double = [&](double d) {
    unsigned char bytes[8];
    std::memcpy(bytes, &d, 8);
    out.insert(out.end(), bytes, bytes + 8);
  };
  out.push_back(1);
  put_u32(6);  // MultiPolygon
  put_u32(1);
  out.push_back(1);
  put_u32(3);  // Polygon
  put_u32(1);  // one ring
  put_u32(5);
  for (const auto& [x, y] :
       {std::pair{x0, y0}, {x0 + 1, y0}, {x0 + 1, y0 + 1}, {x0, y0 + 1}, {x0, y0}}) {
    put_double(x);
    put_double(y);
  }
  return out;
}

geo::area rt(std::string code, double x0) {
  geo::area a;
  a.level = geo::admin_level::rt;
  a.code = std::move(code);
  a.name = "RT 001";
  a.parent_code = "3171010001001";
  a.wkb = square_wkb(x0, 0);
  a.area_m2 = 12345.5;
  a.box = {x0, 0, x0 + 1, 1};
  a.layer = "rt";
  a.row = 1;
  return a;
}

geo::collaborator collaborator(std::string id, std::string kind) {
  geo::collaborator c;
  c.id = std::move(id);
  c.name = "Yayasan Peduli";
  c.kind = std::move(kind);
  c.lon = 106.8;
  c.lat = -6.2;
  c.row = 3;
  return c;
}

geo::import_issue issue(std::size_t row, std::string key, geo::outcome result, std::string reason) {
  return {row,
          std::move(key),
          result,
          std::move(reason),
          "message of row " + std::to_string(row),
          "raw " + std::to_string(row)};
}

class SpatialiteStoreReports : public ::testing::Test {
 protected:
  SpatialiteStoreReports() : m_path(m_dir / "sasaran.db"), m_store(m_path) {}

  // Issues of two layers: targets (rejected twice for one reason, once for another, flagged
  // once), collaborators (one normalized).
  void store_issues() {
    geo::store_transaction t(m_store);
    m_store.replace_issues("targets", {issue(9, "T09", geo::outcome::rejected, "duplicate"),
                                       issue(4, "T04", geo::outcome::flagged, "other_rt"),
                                       issue(7, "", geo::outcome::rejected, "no_id"),
                                       issue(2, "T02", geo::outcome::rejected, "duplicate")});
    m_store.replace_issues("collaborators",
                           {issue(5, "C05", geo::outcome::normalized, "kind_case")});
    t.commit();
  }

  std::string rows_of(const std::vector<geo::layer_issue>& issues) {
    std::string out;
    for (const auto& [layer, i] : issues)
      out += layer + " " + std::to_string(i.row) + " " + i.key + " " +
             std::string(geo::to_string(i.result)) + " " + i.reason + " / " + i.message + " / " +
             i.raw + "\n";
    return out;
  }

  temp_dir m_dir;
  std::string m_path;
  geo::spatialite_store m_store;
};

TEST_F(SpatialiteStoreReports, CountsIssuesByLayerOutcomeAndReason) {
  store_issues();
  const std::vector<geo::issue_count> counts = m_store.count_issues({});
  ASSERT_EQ(counts.size(), 4u);
  std::string text;
  for (const geo::issue_count& c : counts)
    text += c.layer + " " + std::string(geo::to_string(c.result)) + " " + c.reason + " " +
            std::to_string(c.rows) + "\n";
  EXPECT_EQ(text,
            "collaborators normalized kind_case 1\n"
            "targets flagged other_rt 1\n"
            "targets rejected duplicate 2\n"
            "targets rejected no_id 1\n");
}

TEST_F(SpatialiteStoreReports, CountsOnlyTheLayerAndOutcomeAsked) {
  store_issues();
  const std::vector<geo::issue_count> counts =
      m_store.count_issues({"targets", geo::outcome::rejected});
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[0].reason, "duplicate");
  EXPECT_EQ(counts[0].rows, 2u);
  EXPECT_EQ(counts[1].reason, "no_id");
  EXPECT_EQ(counts[1].rows, 1u);
  EXPECT_TRUE(m_store.count_issues({"pledges", std::nullopt}).empty());
}

TEST_F(SpatialiteStoreReports, LoadsIssuesOfEveryLayerByLayerThenRow) {
  store_issues();
  EXPECT_EQ(rows_of(m_store.load_issues(geo::issue_filter{}, 100, 0)),
            "collaborators 5 C05 normalized kind_case / message of row 5 / raw 5\n"
            "targets 2 T02 rejected duplicate / message of row 2 / raw 2\n"
            "targets 4 T04 flagged other_rt / message of row 4 / raw 4\n"
            "targets 7  rejected no_id / message of row 7 / raw 7\n"
            "targets 9 T09 rejected duplicate / message of row 9 / raw 9\n");
}

TEST_F(SpatialiteStoreReports, LoadsIssuesAPageAtATimeWithTheFilter) {
  store_issues();
  const geo::issue_filter rejected_targets{"targets", geo::outcome::rejected};
  EXPECT_EQ(rows_of(m_store.load_issues(rejected_targets, 2, 0)),
            "targets 2 T02 rejected duplicate / message of row 2 / raw 2\n"
            "targets 7  rejected no_id / message of row 7 / raw 7\n");
  EXPECT_EQ(rows_of(m_store.load_issues(rejected_targets, 2, 2)),
            "targets 9 T09 rejected duplicate / message of row 9 / raw 9\n");
  EXPECT_TRUE(m_store.load_issues(rejected_targets, 2, 4).empty());
  EXPECT_TRUE(m_store.load_issues(rejected_targets, 0, 0).empty());
  EXPECT_EQ(m_store.load_issues(geo::issue_filter{}, static_cast<std::size_t>(-1), 1).size(), 4u);
}

TEST_F(SpatialiteStoreReports, ADatabaseWithoutSchemaHasNoIssuesAreasNorCollaborators) {
  EXPECT_TRUE(m_store.count_issues({}).empty());
  EXPECT_TRUE(m_store.load_issues(geo::issue_filter{}, 10, 0).empty());
  EXPECT_FALSE(m_store.has_area("3171010001001001"));
  EXPECT_FALSE(m_store.find_collaborator("C1").has_value());
}

TEST_F(SpatialiteStoreReports, KnowsAreasInServiceAndRetired) {
  geo::sync_policy policy;
  policy.allow_removals = true;
  m_store.set_sync_policy(policy);
  {
    geo::store_transaction t(m_store);
    m_store.sync_areas("rt", {rt("3171010001001001", 0), rt("3171010001001002", 1)});
    geo::access_token pic;  // keeps ...002 retired rather than removed
    pic.id = "tok_1";
    pic.secret_hash = "h";
    pic.who = geo::role::pic;
    pic.areas = {"3171010001001002"};
    pic.created_at = "2026-01-01T00:00:00Z";
    m_store.insert_token(pic);
    t.commit();
  }
  {
    geo::store_transaction t(m_store);
    m_store.sync_areas("rt", {rt("3171010001001001", 0)});
    t.commit();
  }
  EXPECT_TRUE(m_store.has_area("3171010001001001"));
  EXPECT_TRUE(m_store.has_area("3171010001001002"));  // retired
  EXPECT_FALSE(m_store.has_area("3171010001001003"));
  EXPECT_FALSE(m_store.has_area(""));
}

TEST_F(SpatialiteStoreReports, FindsACollaboratorAsStored) {
  {
    geo::store_transaction t(m_store);
    geo::collaborator without_point = collaborator("C2", "perorangan");
    without_point.lon.reset();
    without_point.lat.reset();
    m_store.sync_collaborators({collaborator("C1", "agregator"), without_point});
    t.commit();
  }
  const std::optional<geo::collaborator> c1 = m_store.find_collaborator("C1");
  ASSERT_TRUE(c1.has_value());
  EXPECT_EQ(c1->id, "C1");
  EXPECT_EQ(c1->name, "Yayasan Peduli");
  EXPECT_EQ(c1->kind, "agregator");
  EXPECT_EQ(c1->lon, 106.8);
  EXPECT_EQ(c1->lat, -6.2);
  EXPECT_EQ(c1->row, 3u);
  const std::optional<geo::collaborator> c2 = m_store.find_collaborator("C2");
  ASSERT_TRUE(c2.has_value());
  EXPECT_EQ(c2->kind, "perorangan");
  EXPECT_FALSE(c2->lon.has_value());
  EXPECT_FALSE(c2->lat.has_value());
  EXPECT_FALSE(m_store.find_collaborator("C3").has_value());
  EXPECT_FALSE(m_store.find_collaborator("c1").has_value());
}

TEST_F(SpatialiteStoreReports, FindsARetiredCollaborator) {
  geo::sync_policy policy;
  policy.allow_removals = true;
  m_store.set_sync_policy(policy);
  {
    geo::store_transaction t(m_store);
    m_store.sync_collaborators({collaborator("C1", "perusahaan")});
    geo::access_token own;  // a token of C1 keeps it retired rather than removed
    own.id = "tok_2";
    own.secret_hash = "h2";
    own.who = geo::role::collaborator;
    own.collaborator_id = "C1";
    own.created_at = "2026-01-01T00:00:00Z";
    m_store.insert_token(own);
    t.commit();
  }
  {
    geo::store_transaction t(m_store);
    m_store.sync_collaborators({});
    t.commit();
  }
  ASSERT_TRUE(m_store.load_collaborators().empty());
  const std::optional<geo::collaborator> c1 = m_store.find_collaborator("C1");
  ASSERT_TRUE(c1.has_value());
  EXPECT_EQ(c1->kind, "perusahaan");
}

// A server's store commits without checkpointing (store_use::serve); checkpoint() copies the
// write-ahead log into the database file.
TEST_F(SpatialiteStoreReports, CheckpointCopiesTheLogIntoTheDatabaseFile) {
  const std::string path = m_dir / "served.db";
  const std::unique_ptr<geo::store> served = geo::open_store(path, geo::store_use::serve);
  geo::sqlite_db& db = dynamic_cast<geo::spatialite_store&>(*served).db();
  {
    geo::store_transaction t(*served);
    std::vector<geo::import_issue> many;
    for (std::size_t row = 1; row <= 2000; ++row)
      many.push_back(issue(row, "T" + std::to_string(row), geo::outcome::flagged, "other_rt"));
    served->replace_issues("targets", many);
    t.commit();
  }
  const auto pragma = [&](const char* name) {
    geo::sqlite_statement s = db.prepare(std::string("PRAGMA ") + name);
    return s.step() ? s.column_int(0) : -1;
  };
  const auto size = static_cast<std::int64_t>(pragma("page_count") * pragma("page_size"));
  EXPECT_LT(static_cast<std::int64_t>(std::filesystem::file_size(path)), size);
  served->checkpoint();
  EXPECT_EQ(static_cast<std::int64_t>(std::filesystem::file_size(path)), size);
}

TEST_F(SpatialiteStoreReports, CheckpointBesideAReaderIsNoError) {
  store_issues();
  geo::spatialite_store reader(m_path);
  geo::store_snapshot reading(reader);
  EXPECT_EQ(reader.count_issues({}).size(), 4u);
  {
    geo::store_transaction t(m_store);
    m_store.replace_issues("pledges", {issue(3, "P03", geo::outcome::rejected, "unknown_target")});
    t.commit();
  }
  EXPECT_NO_THROW(m_store.checkpoint());
  EXPECT_EQ(reader.count_issues({}).size(), 4u);  // its snapshot still
  reading.end();
  EXPECT_EQ(reader.count_issues({}).size(), 5u);
}

}  // namespace
