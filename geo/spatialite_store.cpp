#include "geo/spatialite_store.hpp"

#include <algorithm>
#include <functional>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "geo/error.hpp"
#include "geo/row_hash.hpp"
#include "geo/spatialite_schema.hpp"
#include "geo/sqlite_db.hpp"
#include "geo/sqlite_statement.hpp"

namespace geo {
namespace {

struct stored_row {
  std::int64_t rowid;
  std::int64_t hash;
  std::string layer;
  bool seen = false;
};
using stored_rows = std::unordered_map<std::string, stored_row>;

stored_rows load_rows(sqlite_db& db, const std::string& sql) {
  stored_rows rows;
  sqlite_statement select = db.prepare(sql);
  while (select.step())
    rows.emplace(select.column_text(0),
                 stored_row{select.column_int(1), select.column_int(2), select.column_text(3)});
  return rows;
}

std::int64_t to_int(std::size_t n) {
  return static_cast<std::int64_t>(n);
}

// The shared shape of every sync: match by key, delete what is gone, then write what is new
// or changed (deleting first frees unique keys, such as a target held by a removed pledge).
// `write(record, hash)` upserts one record.
template <typename Record, typename KeyOf, typename HashOf, typename Write, typename Erase>
change_counts sync_rows(const std::vector<Record>& records, stored_rows& stored, KeyOf key_of,
                        HashOf hash_of, Write write, Erase erase) {
  change_counts changes;
  std::vector<std::int64_t> hashes;
  hashes.reserve(records.size());
  for (const Record& record : records) {
    hashes.push_back(hash_of(record));
    if (auto it = stored.find(key_of(record)); it != stored.end()) it->second.seen = true;
  }
  for (const auto& [key, row] : stored)
    if (!row.seen) {
      erase(row.rowid);
      ++changes.deleted;
    }
  // In key order, new rows append to the key index instead of landing all over it.
  std::vector<std::size_t> order(records.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return key_of(records[a]) < key_of(records[b]); });
  for (const std::size_t i : order) {
    const auto it = stored.find(key_of(records[i]));
    if (it != stored.end() && it->second.hash == hashes[i]) {
      ++changes.unchanged;
      continue;
    }
    write(records[i], hashes[i]);
    ++(it == stored.end() ? changes.inserted : changes.updated);
  }
  return changes;
}

std::int64_t hash_of(const area& a) {
  return row_hash()
      .add(to_string(a.level))
      .add(a.name)
      .add(a.parent_code)
      .add(std::span<const unsigned char>(a.wkb))
      .add(a.area_m2)
      .add(to_int(a.row))
      .value();
}

std::int64_t hash_of(const target& t) {
  return row_hash()
      .add(t.program)
      .add(t.need)
      .add(std::int64_t{t.household_size})
      .add(std::int64_t{t.priority})
      .add(t.lon)
      .add(t.lat)
      .add(to_string(t.import_outcome))
      .add(t.declared_rt)
      .add(t.rt_code)
      .add(t.rw_code)
      .add(t.kelurahan_code)
      .add(t.kecamatan_code)
      .add(t.kota_code)
      .add(t.registered_at)
      .add(to_int(t.row))
      .value();
}

std::int64_t hash_of(const collaborator& c) {
  return row_hash().add(c.name).add(c.kind).add(c.lon).add(c.lat).add(to_int(c.row)).value();
}

std::int64_t hash_of(const pledge& p) {
  return row_hash()
      .add(p.collaborator_id)
      .add(p.target_id)
      .add(p.program)
      .add(p.form)
      .add(p.amount_idr)
      .add(p.quantity)
      .add(p.status)
      .add(p.pledged_at)
      .add(to_int(p.row))
      .value();
}

std::optional<std::string> null_if_empty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

// Pledges a re-import leaves alone: made through the API, or changed by the server (cancelled,
// delivered) since their import.
struct server_pledge {
  std::string origin;
  std::string status;
  std::string target_id;
  std::string collaborator_id;
  std::string program;
  std::int64_t hash;
};

std::unordered_map<std::string, server_pledge> load_server_pledges(sqlite_db& db) {
  std::unordered_map<std::string, server_pledge> out;
  sqlite_statement select = db.prepare(R"sql(
    SELECT id, origin, status, target_id, collaborator_id, program, row_hash FROM pledges
    WHERE origin = 'api' OR updated_at IS NOT NULL)sql");
  while (select.step())
    out.emplace(select.column_text(0),
                server_pledge{select.column_text(1), select.column_text(2), select.column_text(3),
                              select.column_text(4), select.column_text(5), select.column_int(6)});
  return out;
}

std::string kept_by_server(const std::string& id, const server_pledge& p) {
  return "pledge " + id +
         (p.origin == "api" ? " was made through the API"
                            : " was changed through the API (now " + p.status + ")");
}

// A re-import may not remove a target or collaborator that a pledge of the server refers to:
// the pledge would be left pointing at nothing.
template <typename Record, typename Referenced>
void refuse_removing_referenced(sqlite_db& db, const std::vector<Record>& records,
                                const stored_rows& stored, std::string_view what,
                                Referenced referenced) {
  const auto server = load_server_pledges(db);
  if (server.empty()) return;
  std::unordered_set<std::string_view> kept;
  for (const Record& r : records)
    kept.insert(r.id);
  for (const auto& [id, p] : server) {
    const std::string& ref = referenced(p);
    if (stored.contains(ref) && !kept.contains(ref))
      throw store_error(std::string(what) + " " + ref + " is not in the file, but " +
                        kept_by_server(id, p) + " and refers to it");
  }
}

}  // namespace

spatialite_store::spatialite_store(const std::string& path, journal mode)
    : m_db(std::make_unique<sqlite_db>(path)) {
  // A Jakarta import touches ~100 MB of pages in one transaction; with SQLite's default
  // 2 MB cache it spills and rereads them.
  m_db->exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
      "PRAGMA cache_size=-262144;");
  // A database made by an earlier version is brought up to date at once, in one transaction;
  // an empty one gets its schema with the first transaction.
  if (const int version = schema_version_of(*m_db);
      version != 0 && version != spatialite_schema_version) {
    store_transaction upgrade(*this);
    upgrade.commit();
  }
  if (mode == journal::bulk) {
    // Leaving WAL needs the file to ourselves; when another connection holds it, stay in WAL.
    sqlite3_busy_timeout(m_db->get(), 0);
    sqlite_statement set = m_db->prepare("PRAGMA journal_mode=DELETE");
    try {
      m_back_to_wal = set.step() && set.column_text(0) == "delete";
    } catch (const store_error&) {
      m_back_to_wal = false;
    }
    sqlite3_busy_timeout(m_db->get(), 5000);
  }
}

spatialite_store::~spatialite_store() {
  if (m_back_to_wal)
    sqlite3_exec(m_db->get(), "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
}

void spatialite_store::begin() {
  // Held until commit or rollback: one transaction at a time, and no other thread's reads
  // or writes on this connection inside it.
  m_mutex.lock();
  try {
    m_db->exec("BEGIN IMMEDIATE");
  } catch (...) {
    m_mutex.unlock();
    throw;
  }
  m_in_transaction = true;
  try {
    upgrade_schema(*m_db, schema_version_of(*m_db));
  } catch (...) {
    rollback();
    throw;
  }
}

void spatialite_store::commit() {
  const std::lock_guard lock(m_mutex);
  if (!m_in_transaction)
    throw store_error("commit without a transaction in '" + m_db->path() + "'");
  m_db->exec("COMMIT");
  m_in_transaction = false;
  m_mutex.unlock();  // the lock begin() took
}

void spatialite_store::rollback() noexcept {
  const std::lock_guard lock(m_mutex);
  if (!m_in_transaction) return;
  sqlite3_exec(m_db->get(), "ROLLBACK", nullptr, nullptr, nullptr);
  m_in_transaction = false;
  m_mutex.unlock();  // the lock begin() took
}

change_counts spatialite_store::sync_areas(std::string_view layer, const std::vector<area>& areas) {
  const std::lock_guard lock(m_mutex);
  stored_rows stored = load_rows(*m_db, "SELECT code, id, row_hash, layer FROM areas");
  for (const area& a : areas) {
    auto it = stored.find(a.code);
    if (it != stored.end() && it->second.layer != layer)
      throw store_error("area " + a.code + " (layer " + std::string(layer) + ", feature " +
                        std::to_string(a.row) + ") is already given by layer " + it->second.layer);
  }
  std::erase_if(stored, [&](const auto& entry) { return entry.second.layer != layer; });
  sqlite_statement upsert = m_db->prepare(R"sql(
    INSERT INTO areas(level, code, name, parent_code, area_m2, min_lon, min_lat, max_lon, max_lat,
                      layer, source_row, row_hash, geom)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, GeomFromWKB(?13, 4326))
    ON CONFLICT(code) DO UPDATE SET level = excluded.level, name = excluded.name,
      parent_code = excluded.parent_code, area_m2 = excluded.area_m2, min_lon = excluded.min_lon,
      min_lat = excluded.min_lat, max_lon = excluded.max_lon, max_lat = excluded.max_lat,
      source_row = excluded.source_row, row_hash = excluded.row_hash, geom = excluded.geom
    RETURNING id)sql");
  sqlite_statement index =
      m_db->prepare("INSERT OR REPLACE INTO areas_rtree VALUES (?, ?, ?, ?, ?)");
  sqlite_statement erase = m_db->prepare("DELETE FROM areas WHERE id = ?");
  sqlite_statement unindex = m_db->prepare("DELETE FROM areas_rtree WHERE id = ?");
  return sync_rows(
      areas, stored, [](const area& a) -> const std::string& { return a.code; },
      [](const area& a) { return hash_of(a); },
      [&](const area& a, std::int64_t hash) {
        upsert.bind(1, to_string(a.level)).bind(2, a.code).bind(3, a.name);
        upsert.bind(4, null_if_empty(a.parent_code)).bind(5, a.area_m2);
        upsert.bind(6, a.box.min_x).bind(7, a.box.min_y).bind(8, a.box.max_x).bind(9, a.box.max_y);
        upsert.bind(10, layer).bind(11, to_int(a.row)).bind(12, hash);
        upsert.bind_view(13, std::span<const unsigned char>(a.wkb));
        if (!upsert.step()) m_db->fail("storing area " + a.code);
        const std::int64_t id = upsert.column_int(0);
        upsert.reset();
        index.bind(1, id).bind(2, a.box.min_x).bind(3, a.box.max_x).bind(4, a.box.min_y);
        index.bind(5, a.box.max_y).run();
      },
      [&](std::int64_t id) {
        erase.bind(1, id).run();
        unindex.bind(1, id).run();
      });
}

change_counts spatialite_store::sync_targets(const std::vector<target>& targets) {
  const std::lock_guard lock(m_mutex);
  stored_rows stored = load_rows(*m_db, "SELECT id, pk, row_hash, '' FROM targets");
  refuse_removing_referenced(
      *m_db, targets, stored, "target",
      [](const server_pledge& p) -> const std::string& { return p.target_id; });
  sqlite_statement upsert = m_db->prepare(R"sql(
    INSERT INTO targets(id, program, need, household_size, priority, lon, lat, import_outcome,
                        declared_rt, rt_code, rw_code, kelurahan_code, kecamatan_code, kota_code,
                        registered_at, source_row, row_hash, geom)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
            MakePoint(?6, ?7, 4326))
    ON CONFLICT(id) DO UPDATE SET program = excluded.program, need = excluded.need,
      household_size = excluded.household_size, priority = excluded.priority, lon = excluded.lon,
      lat = excluded.lat, import_outcome = excluded.import_outcome,
      declared_rt = excluded.declared_rt, rt_code = excluded.rt_code, rw_code = excluded.rw_code,
      kelurahan_code = excluded.kelurahan_code, kecamatan_code = excluded.kecamatan_code,
      kota_code = excluded.kota_code, registered_at = excluded.registered_at,
      source_row = excluded.source_row, row_hash = excluded.row_hash, geom = excluded.geom)sql");
  sqlite_statement erase = m_db->prepare("DELETE FROM targets WHERE pk = ?");
  return sync_rows(
      targets, stored, [](const target& t) -> const std::string& { return t.id; },
      [](const target& t) { return hash_of(t); },
      [&](const target& t, std::int64_t hash) {
        // Views of `t`'s strings: it outlives the run() below.
        const auto text_or_null = [&](int i, const std::string& v) {
          v.empty() ? upsert.bind_null(i) : upsert.bind_view(i, v);
        };
        upsert.bind_view(1, t.id).bind_view(2, t.program).bind_view(3, t.need);
        upsert.bind(4, t.household_size).bind(5, t.priority).bind(6, t.lon).bind(7, t.lat);
        upsert.bind(8, to_string(t.import_outcome)).bind_view(9, t.declared_rt);
        text_or_null(10, t.rt_code);
        text_or_null(11, t.rw_code);
        text_or_null(12, t.kelurahan_code);
        text_or_null(13, t.kecamatan_code);
        text_or_null(14, t.kota_code);
        text_or_null(15, t.registered_at);
        upsert.bind(16, to_int(t.row)).bind(17, hash);
        upsert.run();
      },
      [&](std::int64_t pk) { erase.bind(1, pk).run(); });
}

change_counts spatialite_store::sync_collaborators(const std::vector<collaborator>& collaborators) {
  const std::lock_guard lock(m_mutex);
  stored_rows stored = load_rows(*m_db, "SELECT id, rowid, row_hash, '' FROM collaborators");
  refuse_removing_referenced(
      *m_db, collaborators, stored, "collaborator",
      [](const server_pledge& p) -> const std::string& { return p.collaborator_id; });
  sqlite_statement upsert = m_db->prepare(R"sql(
    INSERT INTO collaborators(id, name, kind, lon, lat, source_row, row_hash)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
    ON CONFLICT(id) DO UPDATE SET name = excluded.name, kind = excluded.kind, lon = excluded.lon,
      lat = excluded.lat, source_row = excluded.source_row, row_hash = excluded.row_hash)sql");
  sqlite_statement erase = m_db->prepare("DELETE FROM collaborators WHERE rowid = ?");
  return sync_rows(
      collaborators, stored, [](const collaborator& c) -> const std::string& { return c.id; },
      [](const collaborator& c) { return hash_of(c); },
      [&](const collaborator& c, std::int64_t hash) {
        upsert.bind(1, c.id).bind(2, c.name).bind(3, c.kind).bind(4, c.lon).bind(5, c.lat);
        upsert.bind(6, to_int(c.row)).bind(7, hash).run();
      },
      [&](std::int64_t rowid) { erase.bind(1, rowid).run(); });
}

change_counts spatialite_store::sync_pledges(const std::vector<pledge>& pledges) {
  const std::lock_guard lock(m_mutex);
  // The file's pledges as stored; those of the server are not the file's to change.
  stored_rows stored = load_rows(*m_db, R"sql(
    SELECT id, rowid, row_hash, '' FROM pledges
    WHERE origin = 'import' AND updated_at IS NULL)sql");
  const auto server = load_server_pledges(*m_db);
  std::unordered_map<std::string, const std::string*> held;  // target, program -> pledge id
  for (const auto& [id, p] : server)
    if (is_active_status(p.status)) held.emplace(p.target_id + '\x1f' + p.program, &id);

  std::vector<std::reference_wrapper<const pledge>> from_file;
  std::size_t left_alone = 0;
  for (const pledge& p : pledges) {
    const std::string row = " (row " + std::to_string(p.row) + ")";
    if (const auto it = server.find(p.id); it != server.end()) {
      // The row it was imported from, unchanged, is no news; anything else would undo a
      // write of the server.
      if (it->second.origin == "api" || it->second.hash != hash_of(p))
        throw store_error("pledge " + p.id + row + " is not imported: " +
                          kept_by_server(p.id, it->second) + ", and a re-import leaves it alone");
      ++left_alone;
      continue;
    }
    if (is_active_status(p.status))
      if (const auto it = held.find(p.target_id + '\x1f' + p.program); it != held.end())
        throw store_error("pledge " + p.id + row + " would be a second active pledge on target " +
                          p.target_id + " for " + p.program + ": " +
                          kept_by_server(*it->second, server.at(*it->second)) + " and holds it");
    from_file.emplace_back(p);
  }

  sqlite_statement upsert = m_db->prepare(R"sql(
    INSERT INTO pledges(id, collaborator_id, target_id, program, form, amount_idr, quantity,
                        status, pledged_at, source_row, row_hash)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
    ON CONFLICT(id) DO UPDATE SET collaborator_id = excluded.collaborator_id,
      target_id = excluded.target_id, program = excluded.program, form = excluded.form,
      amount_idr = excluded.amount_idr, quantity = excluded.quantity, status = excluded.status,
      pledged_at = excluded.pledged_at, source_row = excluded.source_row,
      row_hash = excluded.row_hash)sql");
  sqlite_statement erase = m_db->prepare("DELETE FROM pledges WHERE rowid = ?");
  // The unique index of active pledges is checked per statement: every stored pledge that
  // changes lets go of its target first, so that whichever pledge holds it afterwards can
  // take it, in any order. Its upsert below writes its real status.
  sqlite_statement release = m_db->prepare(
      "UPDATE pledges SET status = 'cancelled' WHERE rowid = ? AND status <> 'cancelled'");
  for (const pledge& p : from_file) {
    const auto it = stored.find(p.id);
    if (it != stored.end() && it->second.hash != hash_of(p))
      release.bind(1, it->second.rowid).run();
  }
  change_counts changes = sync_rows(
      from_file, stored, [](const pledge& p) -> const std::string& { return p.id; },
      [](const pledge& p) { return hash_of(p); },
      [&](const pledge& p, std::int64_t hash) {
        upsert.bind_view(1, p.id).bind_view(2, p.collaborator_id).bind_view(3, p.target_id);
        upsert.bind_view(4, p.program).bind_view(5, p.form).bind(6, p.amount_idr);
        upsert.bind(7, p.quantity).bind_view(8, p.status).bind_view(9, p.pledged_at);
        upsert.bind(10, to_int(p.row)).bind(11, hash).run();
      },
      [&](std::int64_t rowid) { erase.bind(1, rowid).run(); });
  changes.unchanged += left_alone;
  return changes;
}

void spatialite_store::replace_issues(std::string_view layer,
                                      const std::vector<import_issue>& issues) {
  const std::lock_guard lock(m_mutex);
  m_db->prepare("DELETE FROM import_issues WHERE layer = ?").bind(1, layer).run();
  sqlite_statement insert =
      m_db->prepare("INSERT INTO import_issues VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  for (const import_issue& issue : issues) {
    insert.bind(1, layer).bind(2, to_int(issue.row)).bind(3, null_if_empty(issue.key));
    insert.bind(4, to_string(issue.result)).bind(5, issue.reason).bind(6, issue.message);
    insert.bind(7, issue.raw).run();
  }
}

void spatialite_store::record_import(std::string_view what, const import_report& report) {
  const std::lock_guard lock(m_mutex);
  m_db->prepare("INSERT INTO import_runs(what, report) VALUES (?, ?)")
      .bind(1, what)
      .bind(2, report.to_json())
      .run();
}

std::vector<area> spatialite_store::load_areas(admin_level level) {
  const std::lock_guard lock(m_mutex);
  std::vector<area> out;
  if (schema_version_of(*m_db) == 0) return out;
  sqlite_statement select = m_db->prepare(R"sql(
    SELECT code, name, coalesce(parent_code, ''), AsBinary(geom), area_m2, min_lon, min_lat,
           max_lon, max_lat, layer, source_row
    FROM areas WHERE level = ? ORDER BY code)sql");
  select.bind(1, to_string(level));
  while (select.step()) {
    area a;
    a.level = level;
    a.code = select.column_text(0);
    a.name = select.column_text(1);
    a.parent_code = select.column_text(2);
    const auto wkb = select.column_blob(3);
    a.wkb.assign(wkb.begin(), wkb.end());
    a.area_m2 = select.column_double(4);
    a.box = {select.column_double(5), select.column_double(6), select.column_double(7),
             select.column_double(8)};
    a.layer = select.column_text(9);
    a.row = static_cast<std::size_t>(select.column_int(10));
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<target> spatialite_store::load_targets() {
  const std::lock_guard lock(m_mutex);
  std::vector<target> out;
  if (schema_version_of(*m_db) == 0) return out;
  sqlite_statement select = m_db->prepare(R"sql(
    SELECT id, program, need, household_size, priority, lon, lat, declared_rt,
           coalesce(rt_code, ''), coalesce(rw_code, ''), coalesce(kelurahan_code, ''),
           coalesce(kecamatan_code, ''), coalesce(kota_code, ''), coalesce(registered_at, ''),
           source_row
    FROM targets ORDER BY source_row)sql");
  while (select.step()) {
    target t;
    t.id = select.column_text(0);
    t.program = select.column_text(1);
    t.need = select.column_text(2);
    t.household_size = static_cast<int>(select.column_int(3));
    t.priority = static_cast<int>(select.column_int(4));
    if (!select.is_null(5)) t.lon = select.column_double(5);
    if (!select.is_null(6)) t.lat = select.column_double(6);
    t.declared_rt = select.column_text(7);
    t.rt_code = select.column_text(8);
    t.rw_code = select.column_text(9);
    t.kelurahan_code = select.column_text(10);
    t.kecamatan_code = select.column_text(11);
    t.kota_code = select.column_text(12);
    t.registered_at = select.column_text(13);
    t.row = static_cast<std::size_t>(select.column_int(14));
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<collaborator> spatialite_store::load_collaborators() {
  const std::lock_guard lock(m_mutex);
  std::vector<collaborator> out;
  if (schema_version_of(*m_db) == 0) return out;
  sqlite_statement select =
      m_db->prepare("SELECT id, name, kind, lon, lat, source_row FROM collaborators ORDER BY id");
  while (select.step()) {
    collaborator c;
    c.id = select.column_text(0);
    c.name = select.column_text(1);
    c.kind = select.column_text(2);
    if (!select.is_null(3)) c.lon = select.column_double(3);
    if (!select.is_null(4)) c.lat = select.column_double(4);
    c.row = static_cast<std::size_t>(select.column_int(5));
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<pledge> spatialite_store::load_pledges() {
  const std::lock_guard lock(m_mutex);
  std::vector<pledge> out;
  if (schema_version_of(*m_db) == 0) return out;
  sqlite_statement select = m_db->prepare(R"sql(
    SELECT id, collaborator_id, target_id, program, form, amount_idr, quantity, status,
           pledged_at, source_row
    FROM pledges ORDER BY id)sql");
  while (select.step()) {
    pledge p;
    p.id = select.column_text(0);
    p.collaborator_id = select.column_text(1);
    p.target_id = select.column_text(2);
    p.program = select.column_text(3);
    p.form = select.column_text(4);
    if (!select.is_null(5)) p.amount_idr = select.column_int(5);
    if (!select.is_null(6)) p.quantity = select.column_int(6);
    p.status = select.column_text(7);
    p.pledged_at = select.column_text(8);
    p.row = static_cast<std::size_t>(select.column_int(9));
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<import_issue> spatialite_store::load_issues(std::string_view layer,
                                                        std::optional<outcome> only) {
  const std::lock_guard lock(m_mutex);
  std::vector<import_issue> out;
  if (schema_version_of(*m_db) == 0) return out;
  sqlite_statement select = m_db->prepare(R"sql(
    SELECT row, coalesce(key, ''), outcome, reason, message, raw FROM import_issues
    WHERE layer = ?1 AND (?2 IS NULL OR outcome = ?2) ORDER BY row)sql");
  select.bind(1, layer);
  if (only)
    select.bind(2, to_string(*only));
  else
    select.bind_null(2);
  while (select.step()) {
    import_issue issue;
    issue.row = static_cast<std::size_t>(select.column_int(0));
    issue.key = select.column_text(1);
    const std::string o = select.column_text(2);
    for (std::size_t i = 0; i < outcome_count; ++i)
      if (to_string(static_cast<outcome>(i)) == o) issue.result = static_cast<outcome>(i);
    issue.reason = select.column_text(3);
    issue.message = select.column_text(4);
    issue.raw = select.column_text(5);
    out.push_back(std::move(issue));
  }
  return out;
}

}  // namespace geo
