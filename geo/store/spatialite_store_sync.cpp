// How an import makes the embedded store equal to a file: rows matched by key and compared by
// hash; rows the file no longer has are removed when nothing refers to them and retired when
// something does; a file that would remove too much of a layer is refused.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "geo/error.hpp"
#include "geo/row_hash.hpp"
#include "geo/store/sorted_rows.hpp"
#include "geo/store/spatialite_store.hpp"
#include "geo/store/sqlite_db.hpp"
#include "geo/store/sqlite_statement.hpp"

namespace geo {
namespace {

constexpr const char* now_sql = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')";

struct stored_row {
  std::int64_t rowid;
  std::int64_t hash;
  std::string layer;
  bool retired;
  bool seen = false;
};
using key_set = std::unordered_set<std::string>;

using stored_rows = sorted_rows<stored_row>;

// `sql` selects key, rowid, hash, layer and whether the row is retired.
stored_rows load_rows(sqlite_db& db, const std::string& sql) {
  std::vector<stored_rows::entry> rows;
  sqlite_statement select = db.prepare(sql);
  while (select.step())
    rows.emplace_back(select.column_text(0),
                      stored_row{select.column_int(1), select.column_int(2), select.column_text(3),
                                 select.column_int(4) != 0});
  return stored_rows(std::move(rows));
}

key_set load_keys(sqlite_db& db, const std::string& sql) {
  key_set keys;
  sqlite_statement select = db.prepare(sql);
  while (select.step())
    if (!select.is_null(0)) keys.insert(select.column_text(0));
  return keys;
}

std::int64_t to_int(std::size_t n) {
  return static_cast<std::int64_t>(n);
}

std::optional<std::string> null_if_empty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

std::int64_t hash_of(const area& a) {
  return row_hash()
      .add(to_string(a.level))
      .add(a.name)
      .add(a.parent_code)
      .add(std::span<const unsigned char>(a.wkb))
      .add(a.area_m2)
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
      .value();
}

std::int64_t hash_of(const collaborator& c) {
  return row_hash().add(c.name).add(c.kind).add(c.lon).add(c.lat).value();
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
      .value();
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

// Areas are referred to by the targets in service (their areas and declared RT) and by the
// tokens not revoked (a PIC's scope).
key_set referenced_areas(sqlite_db& db) {
  key_set codes = load_keys(db, R"sql(
    SELECT rt_code FROM targets WHERE retired_at IS NULL UNION
    SELECT rw_code FROM targets WHERE retired_at IS NULL UNION
    SELECT kelurahan_code FROM targets WHERE retired_at IS NULL UNION
    SELECT kecamatan_code FROM targets WHERE retired_at IS NULL UNION
    SELECT kota_code FROM targets WHERE retired_at IS NULL UNION
    SELECT declared_rt FROM targets WHERE retired_at IS NULL)sql");
  sqlite_statement tokens = db.prepare("SELECT areas FROM tokens WHERE revoked = 0");
  while (tokens.step())
    for (const auto& code : nlohmann::json::parse(tokens.column_text(0)))
      codes.insert(code.get<std::string>());
  return codes;
}

std::string removal_message(std::string_view layer, const std::vector<std::string>& gone,
                            std::size_t in_service, const sync_policy& policy) {
  std::string keys;
  const std::size_t shown = std::min<std::size_t>(gone.size(), 20);
  for (std::size_t i = 0; i < shown; ++i)
    keys += (i ? ", " : "") + gone[i];
  if (gone.size() > shown) keys += " and " + std::to_string(gone.size() - shown) + " more";
  return "layer " + std::string(layer) + ": the file lacks " + std::to_string(gone.size()) +
         " of the " + std::to_string(in_service) + " rows stored, more than " +
         std::to_string(static_cast<int>(policy.max_removed_share * 100 + 0.5)) +
         "% (a damaged or partial file?); they would be removed or retired: " + keys +
         ". Nothing was changed; to accept, import again with --allow-removals";
}

// The rows in service that the file lacks, in key order; refused past the policy's share.
std::vector<std::string> rows_gone(std::string_view layer, stored_rows& stored,
                                   const sync_policy& policy) {
  std::vector<std::string> gone;
  std::size_t in_service = 0;
  for (const auto& [key, row] : stored) {
    if (row.retired) continue;
    ++in_service;
    if (!row.seen) gone.push_back(key);  // in key order, as stored_rows keeps them
  }
  if (!policy.allow_removals &&
      static_cast<double>(gone.size()) > policy.max_removed_share * static_cast<double>(in_service))
    throw removal_error(removal_message(layer, gone, in_service, policy));
  return gone;
}

// Row hashes cover a record's content, not its place in the file: an update that inserts or
// drops a line moves every row after it, and rewriting those would make a 5% update cost as
// much as a full one. A row keeps the source row of its last change.

// The shared shape of every sync: match by key, take away what is gone (removing first frees
// unique keys, such as a target held by a removed pledge), then write what is new, changed or
// back from retirement. `write(record, hash, restored)` upserts one record (and puts a retired
// one back in service); `take_away(row, key, retire)` removes or retires one. Every change is
// noted in `log`.
template <typename Record, typename KeyOf, typename HashOf, typename Write, typename TakeAway>
change_counts sync_rows(std::string_view layer, const std::vector<Record>& records,
                        stored_rows& stored, const key_set& referenced, const sync_policy& policy,
                        std::vector<row_change>& log, KeyOf key_of, HashOf hash_of, Write write,
                        TakeAway take_away) {
  change_counts changes;
  std::vector<std::int64_t> hashes(records.size());
  std::vector<const stored_row*> match(records.size(), nullptr);
  for (std::size_t i = 0; i < records.size(); ++i) {
    hashes[i] = hash_of(records[i]);
    if (auto it = stored.find(key_of(records[i])); it != stored.end()) {
      it->second.seen = true;
      match[i] = &it->second;
    }
  }
  std::size_t done = 0;
  const auto tick = [&] {
    if (++done % 4096 == 0) policy.stop.check("storing " + std::string(layer));
  };
  for (const std::string& key : rows_gone(layer, stored, policy)) {
    const bool retire = referenced.contains(key);
    take_away(stored.find(key)->second.rowid, key, retire);
    ++(retire ? changes.retired : changes.deleted);
    log.push_back({std::string(layer), key, retire ? "retired" : "removed"});
    tick();
  }
  std::vector<std::size_t> to_write;
  for (std::size_t i = 0; i < records.size(); ++i)
    if (!match[i] || match[i]->retired || match[i]->hash != hashes[i]) to_write.push_back(i);
  changes.unchanged = records.size() - to_write.size();
  // In key order, new rows append to the key index instead of landing all over it.
  std::sort(to_write.begin(), to_write.end(),
            [&](std::size_t a, std::size_t b) { return key_of(records[a]) < key_of(records[b]); });
  for (const std::size_t i : to_write) {
    tick();
    const bool restored = match[i] && match[i]->retired;
    write(records[i], hashes[i], restored);
    const char* change = !match[i] ? "added" : restored ? "restored" : "changed";
    ++(!match[i] ? changes.inserted : restored ? changes.restored : changes.updated);
    log.push_back({std::string(layer), key_of(records[i]), change});
  }
  return changes;
}

}  // namespace

change_counts spatialite_store::sync_areas(std::string_view layer, const std::vector<area>& areas) {
  const std::lock_guard lock(m_mutex);
  stored_rows stored =
      load_rows(*m_db, "SELECT code, id, row_hash, layer, retired_at IS NOT NULL FROM areas");
  for (const area& a : areas) {
    auto it = stored.find(a.code);
    if (it != stored.end() && it->second.layer != layer)
      throw store_error("area " + a.code + " (layer " + std::string(layer) + ", feature " +
                        std::to_string(a.row) + ") is already given by layer " + it->second.layer);
  }
  stored.erase_if([&](const auto& entry) { return entry.second.layer != layer; });
  sqlite_statement upsert = m_db->prepare(R"sql(
    INSERT INTO areas(level, code, name, parent_code, area_m2, min_lon, min_lat, max_lon, max_lat,
                      layer, source_row, row_hash, geom)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, GeomFromWKB(?13, 4326))
    ON CONFLICT(code) DO UPDATE SET level = excluded.level, name = excluded.name,
      parent_code = excluded.parent_code, area_m2 = excluded.area_m2, min_lon = excluded.min_lon,
      min_lat = excluded.min_lat, max_lon = excluded.max_lon, max_lat = excluded.max_lat,
      source_row = excluded.source_row, row_hash = excluded.row_hash, geom = excluded.geom,
      retired_at = NULL
    RETURNING id)sql");
  sqlite_statement index =
      m_db->prepare("INSERT OR REPLACE INTO areas_rtree VALUES (?, ?, ?, ?, ?)");
  sqlite_statement erase = m_db->prepare("DELETE FROM areas WHERE id = ?");
  sqlite_statement retire =
      m_db->prepare(std::string("UPDATE areas SET retired_at = ") + now_sql + " WHERE id = ?");
  // Retired areas leave the R*Tree too: SQL users find the areas in service there.
  sqlite_statement unindex = m_db->prepare("DELETE FROM areas_rtree WHERE id = ?");
  return sync_rows(
      layer, areas, stored, referenced_areas(*m_db), m_policy, m_changes,
      [](const area& a) -> const std::string& { return a.code; },
      [](const area& a) { return hash_of(a); },
      [&](const area& a, std::int64_t hash, bool) {
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
      [&](std::int64_t id, const std::string&, bool keep) {
        (keep ? retire : erase).bind(1, id).run();
        unindex.bind(1, id).run();
      });
}

namespace {

// Where the field put a target (locate_target): its point, RT and RW there, and the RT it was
// declared in when it was recorded.
struct field_location {
  double lon, lat;
  std::string rt_code, rw_code, declared_rt, located_at, located_by;
};

std::unordered_map<std::string, field_location> load_field_locations(sqlite_db& db) {
  std::unordered_map<std::string, field_location> out;
  sqlite_statement select = db.prepare(R"sql(
    SELECT id, lon, lat, coalesce(rt_code, ''), coalesce(rw_code, ''), declared_rt, located_at,
           coalesce(located_by, '')
    FROM targets WHERE located_at IS NOT NULL AND lon IS NOT NULL AND lat IS NOT NULL)sql");
  while (select.step())
    out.emplace(select.column_text(0),
                field_location{select.column_double(1), select.column_double(2),
                               select.column_text(3), select.column_text(4), select.column_text(5),
                               select.column_text(6), select.column_text(7)});
  return out;
}

// The file's rows, with the location recorded in the field put back into each row that has
// no point and declares the RT it was recorded for: a registry that has not caught up with a
// visit must not undo it. A row with a point wins (docs/import.md).
std::vector<target> with_field_locations(
    const std::vector<target>& targets,
    const std::unordered_map<std::string, field_location>& field, change_counts& changes,
    std::unordered_map<std::string, const field_location*>& kept) {
  std::vector<target> out = targets;
  for (target& t : out) {
    const auto it = field.find(t.id);
    if (it == field.end()) continue;
    if (t.lon || t.lat || t.declared_rt != it->second.declared_rt) {
      ++changes.field_locations_replaced;
      continue;
    }
    t.lon = it->second.lon;
    t.lat = it->second.lat;
    t.rt_code = it->second.rt_code;
    t.rw_code = it->second.rw_code;
    kept.emplace(t.id, &it->second);
    ++changes.field_locations_kept;
  }
  return out;
}

}  // namespace

void spatialite_store::locate_target(const target& located, const std::string& by) {
  const std::lock_guard lock(m_mutex);
  if (!located.lon || !located.lat)
    throw store_error("locate_target: target " + located.id + " comes without a point");
  const auto text_or_null = [](const std::string& v) {
    return v.empty() ? std::nullopt : std::optional<std::string>(v);
  };
  with_change("location", located.id, [&] {
    m_db->prepare(std::string(R"sql(
      UPDATE targets SET lon = ?1, lat = ?2, geom = MakePoint(?1, ?2, 4326), rt_code = ?3,
        rw_code = ?4, row_hash = ?5, located_by = ?6, located_at = )sql") +
                  now_sql + R"sql(
      WHERE id = ?7 AND retired_at IS NULL AND lon IS NULL AND lat IS NULL)sql")
        .bind(1, *located.lon)
        .bind(2, *located.lat)
        .bind(3, text_or_null(located.rt_code))
        .bind(4, text_or_null(located.rw_code))
        .bind(5, hash_of(located))
        .bind(6, by)
        .bind(7, located.id)
        .run();
    if (m_db->changes() == 1) return;
    sqlite_statement existing =
        m_db->prepare("SELECT lon IS NOT NULL, retired_at IS NOT NULL FROM targets WHERE id = ?");
    existing.bind(1, located.id);
    if (!existing.step() || existing.column_int(1) != 0)
      throw not_found_error("target " + located.id + " does not exist");
    throw conflict_error(conflict_kind::target_located,
                         "target " + located.id + " is located already");
  });
}

change_counts spatialite_store::sync_targets(const std::vector<target>& file_targets) {
  const std::lock_guard lock(m_mutex);
  stored_rows stored =
      load_rows(*m_db, "SELECT id, pk, row_hash, '', retired_at IS NOT NULL FROM targets");
  const auto field = load_field_locations(*m_db);
  change_counts field_changes;
  std::unordered_map<std::string, const field_location*> kept;
  const std::vector<target> targets =
      field.empty() ? std::vector<target>()
                    : with_field_locations(file_targets, field, field_changes, kept);
  sqlite_statement upsert = m_db->prepare(R"sql(
    INSERT INTO targets(id, program, need, household_size, priority, lon, lat, import_outcome,
                        declared_rt, rt_code, rw_code, kelurahan_code, kecamatan_code, kota_code,
                        registered_at, source_row, row_hash, located_at, located_by, geom)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
            MakePoint(?6, ?7, 4326))
    ON CONFLICT(id) DO UPDATE SET program = excluded.program, need = excluded.need,
      household_size = excluded.household_size, priority = excluded.priority, lon = excluded.lon,
      lat = excluded.lat, import_outcome = excluded.import_outcome,
      declared_rt = excluded.declared_rt, rt_code = excluded.rt_code, rw_code = excluded.rw_code,
      kelurahan_code = excluded.kelurahan_code, kecamatan_code = excluded.kecamatan_code,
      kota_code = excluded.kota_code, registered_at = excluded.registered_at,
      source_row = excluded.source_row, row_hash = excluded.row_hash, geom = excluded.geom,
      located_at = excluded.located_at, located_by = excluded.located_by,
      retired_at = NULL)sql");
  sqlite_statement unflag =
      m_db->prepare("UPDATE pledges SET flag = NULL WHERE target_id = ? AND flag IS NOT NULL");
  sqlite_statement erase = m_db->prepare("DELETE FROM targets WHERE pk = ?");
  sqlite_statement retire =
      m_db->prepare(std::string("UPDATE targets SET retired_at = ") + now_sql + " WHERE pk = ?");
  sqlite_statement flag = m_db->prepare(R"sql(
    UPDATE pledges SET flag = 'target_retired'
    WHERE target_id = ? AND status IN ('committed', 'delivered'))sql");
  change_counts changes = sync_rows(
      "targets", field.empty() ? file_targets : targets, stored,
      load_keys(*m_db, "SELECT DISTINCT target_id FROM pledges"), m_policy, m_changes,
      [](const target& t) -> const std::string& { return t.id; },
      [](const target& t) { return hash_of(t); },
      [&](const target& t, std::int64_t hash, bool restored) {
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
        if (const auto k = kept.find(t.id); k != kept.end()) {
          upsert.bind_view(18, k->second->located_at).bind_view(19, k->second->located_by);
        } else {
          upsert.bind_null(18);
          upsert.bind_null(19);
        }
        upsert.run();
        if (restored) unflag.bind_view(1, t.id).run();
      },
      [&](std::int64_t pk, const std::string& id, bool keep) {
        if (!keep) return erase.bind(1, pk).run();
        retire.bind(1, pk).run();
        flag.bind(1, id).run();
      });
  changes.field_locations_kept = field_changes.field_locations_kept;
  changes.field_locations_replaced = field_changes.field_locations_replaced;
  return changes;
}

change_counts spatialite_store::sync_collaborators(const std::vector<collaborator>& collaborators) {
  const std::lock_guard lock(m_mutex);
  stored_rows stored =
      load_rows(*m_db, "SELECT id, rowid, row_hash, '', retired_at IS NOT NULL FROM collaborators");
  sqlite_statement upsert = m_db->prepare(R"sql(
    INSERT INTO collaborators(id, name, kind, lon, lat, source_row, row_hash)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
    ON CONFLICT(id) DO UPDATE SET name = excluded.name, kind = excluded.kind, lon = excluded.lon,
      lat = excluded.lat, source_row = excluded.source_row, row_hash = excluded.row_hash,
      retired_at = NULL)sql");
  sqlite_statement erase = m_db->prepare("DELETE FROM collaborators WHERE rowid = ?");
  sqlite_statement retire = m_db->prepare(std::string("UPDATE collaborators SET retired_at = ") +
                                          now_sql + " WHERE rowid = ?");
  return sync_rows(
      "collaborators", collaborators, stored,
      load_keys(*m_db,
                "SELECT collaborator_id FROM pledges UNION "
                "SELECT collaborator_id FROM tokens WHERE revoked = 0 AND collaborator_id <> ''"),
      m_policy, m_changes, [](const collaborator& c) -> const std::string& { return c.id; },
      [](const collaborator& c) { return hash_of(c); },
      [&](const collaborator& c, std::int64_t hash, bool) {
        upsert.bind(1, c.id).bind(2, c.name).bind(3, c.kind).bind(4, c.lon).bind(5, c.lat);
        upsert.bind(6, to_int(c.row)).bind(7, hash).run();
      },
      [&](std::int64_t rowid, const std::string&, bool keep) {
        (keep ? retire : erase).bind(1, rowid).run();
      });
}

change_counts spatialite_store::sync_pledges(const std::vector<pledge>& pledges) {
  const std::lock_guard lock(m_mutex);
  // The file's pledges as stored; those of the server are not the file's to change.
  stored_rows stored = load_rows(*m_db, R"sql(
    SELECT id, rowid, row_hash, '', 0 FROM pledges
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
      "pledges", from_file, stored, key_set{}, m_policy, m_changes,
      [](const pledge& p) -> const std::string& { return p.id; },
      [](const pledge& p) { return hash_of(p); },
      [&](const pledge& p, std::int64_t hash, bool) {
        upsert.bind_view(1, p.id).bind_view(2, p.collaborator_id).bind_view(3, p.target_id);
        upsert.bind_view(4, p.program).bind_view(5, p.form).bind(6, p.amount_idr);
        upsert.bind(7, p.quantity).bind_view(8, p.status).bind_view(9, p.pledged_at);
        upsert.bind(10, to_int(p.row)).bind(11, hash).run();
      },
      [&](std::int64_t rowid, const std::string&, bool) { erase.bind(1, rowid).run(); });
  changes.unchanged += left_alone;
  return changes;
}

}  // namespace geo
