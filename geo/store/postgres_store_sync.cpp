// How an import makes the shared store equal to a file, with the SQLite store's rules (rows
// matched by key and compared by hash; rows the file lacks removed when nothing refers to
// them and retired when something does; a file that would remove too much of a layer
// refused), in bulk: the rows to write go in one COPY to a staging table and one
// INSERT ... ON CONFLICT, the rows to take away in one statement per kind.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "geo/error.hpp"
#include "geo/row_hash.hpp"
#include "geo/store/pg_connection.hpp"
#include "geo/store/pg_copy.hpp"
#include "geo/store/postgres_schema.hpp"
#include "geo/store/postgres_store.hpp"
#include "geo/store/postgres_store_detail.hpp"
#include "geo/store/sorted_rows.hpp"

namespace geo {

std::int64_t pg_detail::hash_of(const area& a) {
  return row_hash()
      .add(to_string(a.level))
      .add(a.name)
      .add(a.parent_code)
      .add(std::span<const unsigned char>(a.wkb))
      .add(a.area_m2)
      .value();
}

std::int64_t pg_detail::hash_of(const target& t) {
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

std::int64_t pg_detail::hash_of(const collaborator& c) {
  return row_hash().add(c.name).add(c.kind).add(c.lon).add(c.lat).value();
}

std::int64_t pg_detail::hash_of(const pledge& p) {
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

namespace {

using pg_detail::hash_of;
using pg_detail::to_int;
using key_set = std::unordered_set<std::string>;

struct stored_row {
  std::int64_t hash;
  std::string layer;
  bool retired;
  bool seen = false;
};

using stored_rows = sorted_rows<stored_row>;

// `sql` selects key, hash, layer and whether the row is retired.
stored_rows load_rows(pg_connection& db, const std::string& sql) {
  const pg_rows rows = db.exec(sql);
  std::vector<stored_rows::entry> out;
  out.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i)
    out.emplace_back(rows.text(i, 0),
                     stored_row{rows.integer(i, 1), rows.text(i, 2), rows.boolean(i, 3)});
  return stored_rows(std::move(out));
}

key_set load_keys(pg_connection& db, const std::string& sql) {
  const pg_rows rows = db.exec(sql);
  key_set keys;
  for (int i = 0; i < rows.size(); ++i)
    if (!rows.is_null(i, 0)) keys.insert(rows.text(i, 0));
  return keys;
}

// Areas are referred to by the targets in service (their areas and declared RT) and by the
// tokens not revoked (a PIC's scope). One scan of the targets (twice as fast as a UNION of six).
key_set referenced_areas(pg_connection& db) {
  key_set codes = load_keys(db, R"sql(
    SELECT DISTINCT unnest(ARRAY[rt_code, rw_code, kelurahan_code, kecamatan_code, kota_code,
                                 declared_rt])
    FROM targets WHERE retired_at IS NULL)sql");
  const pg_rows tokens = db.exec("SELECT areas FROM tokens WHERE NOT revoked");
  for (int i = 0; i < tokens.size(); ++i)
    for (const auto& code : nlohmann::json::parse(tokens.view(i, 0)))
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

// What a sync does to a layer: the keys to remove and to retire, and the records to write
// (new, changed, or back from retirement), in key order.
struct sync_plan {
  change_counts counts;
  std::vector<std::string> removed;
  std::vector<std::string> retired;
  std::vector<std::size_t> written;
  std::vector<std::string> restored;
  std::vector<std::int64_t> hashes;  // of every record
};

// Matches records to stored rows as the SQLite store's sync_rows does, and notes every change
// in `log` (the import's row changes).
template <typename Record, typename KeyOf>
sync_plan plan_sync(std::string_view layer, const std::vector<Record>& records, stored_rows& stored,
                    const key_set& referenced, const sync_policy& policy,
                    std::vector<row_change>& log, KeyOf key_of) {
  sync_plan plan;
  plan.hashes.resize(records.size());
  std::vector<const stored_row*> match(records.size(), nullptr);
  const auto tick = [&](std::size_t i) {
    if (i % 4096 == 4095) policy.stop.check("storing " + std::string(layer));
  };
  for (std::size_t i = 0; i < records.size(); ++i) {
    tick(i);
    plan.hashes[i] = hash_of(records[i]);
    if (auto it = stored.find(key_of(records[i])); it != stored.end()) {
      it->second.seen = true;
      match[i] = &it->second;
    }
  }
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
  for (std::string& key : gone) {
    const bool retire = referenced.contains(key);
    ++(retire ? plan.counts.retired : plan.counts.deleted);
    log.push_back({std::string(layer), key, retire ? "retired" : "removed"});
    (retire ? plan.retired : plan.removed).push_back(std::move(key));
  }
  for (std::size_t i = 0; i < records.size(); ++i)
    if (!match[i] || match[i]->retired || match[i]->hash != plan.hashes[i])
      plan.written.push_back(i);
  plan.counts.unchanged = records.size() - plan.written.size();
  // In key order, new rows append to the key index instead of landing all over it.
  std::sort(plan.written.begin(), plan.written.end(),
            [&](std::size_t a, std::size_t b) { return key_of(records[a]) < key_of(records[b]); });
  for (const std::size_t i : plan.written) {
    const bool restored = match[i] && match[i]->retired;
    if (restored) plan.restored.push_back(key_of(records[i]));
    const char* change = !match[i] ? "added" : restored ? "restored" : "changed";
    ++(!match[i] ? plan.counts.inserted : restored ? plan.counts.restored : plan.counts.updated);
    log.push_back({std::string(layer), key_of(records[i]), change});
  }
  return plan;
}

// An empty staging table `name` with `columns`, dropped at commit.
void stage(pg_connection& db, const std::string& name, const std::string& columns) {
  db.exec("CREATE TEMP TABLE IF NOT EXISTS " + name + "(" + columns + ") ON COMMIT DROP");
  db.exec("TRUNCATE " + name);
}

// Where the field put a target (locate_target): its point, RT and RW there, and the RT it was
// declared in when it was recorded.
struct field_location {
  double lon, lat;
  std::string rt_code, rw_code, declared_rt, located_at, located_by;
};

std::unordered_map<std::string, field_location> load_field_locations(pg_connection& db) {
  const pg_rows rows = db.exec(R"sql(
    SELECT id, lon, lat, coalesce(rt_code, ''), coalesce(rw_code, ''), declared_rt, located_at,
           coalesce(located_by, '')
    FROM targets WHERE located_at IS NOT NULL AND lon IS NOT NULL AND lat IS NOT NULL)sql");
  std::unordered_map<std::string, field_location> out;
  for (int i = 0; i < rows.size(); ++i)
    out.emplace(rows.text(i, 0),
                field_location{rows.real(i, 1), rows.real(i, 2), rows.text(i, 3), rows.text(i, 4),
                               rows.text(i, 5), rows.text(i, 6), rows.text(i, 7)});
  return out;
}

// The file's rows, with the location recorded in the field put back into each row that has
// no point and declares the RT it was recorded for (docs/import.md); as the SQLite store.
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

change_counts postgres_store::sync_areas(std::string_view layer, const std::vector<area>& areas) {
  const std::lock_guard lock(m_mutex);
  write_scope scope(*this);
  stored_rows stored =
      load_rows(*m_db, "SELECT code, row_hash, layer, retired_at IS NOT NULL FROM areas");
  for (const area& a : areas) {
    auto it = stored.find(a.code);
    if (it != stored.end() && it->second.layer != layer)
      throw store_error("area " + a.code + " (layer " + std::string(layer) + ", feature " +
                        std::to_string(a.row) + ") is already given by layer " + it->second.layer);
  }
  stored.erase_if([&](const auto& entry) { return entry.second.layer != layer; });
  // An import syncs five area layers before its targets: the areas referred to are read once.
  if (!m_area_references) m_area_references = referenced_areas(*m_db);
  sync_plan plan = plan_sync(layer, areas, stored, *m_area_references, m_policy, m_changes,
                             [](const area& a) -> const std::string& { return a.code; });
  if (!plan.removed.empty())
    m_db->exec("DELETE FROM areas WHERE code = ANY($1::text[])", {pg_text_array(plan.removed)});
  if (!plan.retired.empty())
    m_db->exec(std::string("UPDATE areas SET retired_at = ") + pg_now_sql +
                   " WHERE code = ANY($1::text[])",
               {pg_text_array(plan.retired)});
  if (!plan.written.empty()) {
    stage(*m_db, "stage_areas", R"sql(
      ord bigint, level text, code text, name text, parent_code text, area_m2 float8,
      min_lon float8, min_lat float8, max_lon float8, max_lat float8, source_row bigint,
      row_hash bigint, wkb bytea)sql");
    pg_copy rows;
    for (std::size_t n = 0; n < plan.written.size(); ++n) {
      const area& a = areas[plan.written[n]];
      rows.integer(to_int(n)).text(to_string(a.level)).text(a.code).text(a.name);
      rows.text_or_null(a.parent_code).real(a.area_m2).real(a.box.min_x).real(a.box.min_y);
      rows.real(a.box.max_x).real(a.box.max_y).integer(to_int(a.row));
      rows.integer(plan.hashes[plan.written[n]]).bytes(a.wkb);
      rows.end_row();
    }
    m_db->copy_in("COPY stage_areas FROM STDIN", rows.data());
    policy_check(layer);
    m_db->exec(R"sql(
      INSERT INTO areas(level, code, name, parent_code, area_m2, min_lon, min_lat, max_lon,
                        max_lat, layer, source_row, row_hash, geom)
      SELECT level, code, name, parent_code, area_m2, min_lon, min_lat, max_lon, max_lat, $1,
             source_row, row_hash, ST_GeomFromWKB(wkb, 4326)
      FROM stage_areas ORDER BY ord
      ON CONFLICT (code) DO UPDATE SET level = excluded.level, name = excluded.name,
        parent_code = excluded.parent_code, area_m2 = excluded.area_m2,
        min_lon = excluded.min_lon, min_lat = excluded.min_lat, max_lon = excluded.max_lon,
        max_lat = excluded.max_lat, source_row = excluded.source_row,
        row_hash = excluded.row_hash, geom = excluded.geom, retired_at = NULL)sql",
               {pg_value(layer)});
  }
  scope.done();
  return plan.counts;
}

void postgres_store::policy_check(std::string_view layer) {
  m_policy.stop.check("storing " + std::string(layer));
}

void postgres_store::locate_target(const target& located, const std::string& by) {
  const std::lock_guard lock(m_mutex);
  if (!located.lon || !located.lat)
    throw store_error("locate_target: target " + located.id + " comes without a point");
  write_scope scope(*this);
  const pg_rows updated =
      m_db->exec(std::string(R"sql(
    UPDATE targets SET lon = $1, lat = $2, geom = ST_SetSRID(ST_MakePoint($1, $2), 4326),
      rt_code = $3, rw_code = $4, row_hash = $5, located_by = $6, located_at = )sql") +
                     pg_now_sql + R"sql(
    WHERE id = $7 AND retired_at IS NULL AND lon IS NULL AND lat IS NULL)sql",
                 {pg_value(*located.lon), pg_value(*located.lat), pg_value_or_null(located.rt_code),
                  pg_value_or_null(located.rw_code), pg_value(hash_of(located)), pg_value(by),
                  pg_value(located.id)});
  if (updated.affected() == 1) {
    append_change("location", located.id);
    scope.done();
    return;
  }
  const pg_rows existing = m_db->exec("SELECT retired_at IS NOT NULL FROM targets WHERE id = $1",
                                      {pg_value(located.id)});
  if (existing.size() == 0 || existing.boolean(0, 0))
    throw not_found_error("target " + located.id + " does not exist");
  throw conflict_error(conflict_kind::target_located,
                       "target " + located.id + " is located already");
}

change_counts postgres_store::sync_targets(const std::vector<target>& file_targets) {
  const std::lock_guard lock(m_mutex);
  write_scope scope(*this);
  m_area_references.reset();
  stored_rows stored =
      load_rows(*m_db, "SELECT id, row_hash, '', retired_at IS NOT NULL FROM targets");
  const auto field = load_field_locations(*m_db);
  change_counts field_changes;
  std::unordered_map<std::string, const field_location*> kept;
  const std::vector<target> with_field =
      field.empty() ? std::vector<target>()
                    : with_field_locations(file_targets, field, field_changes, kept);
  const std::vector<target>& targets = field.empty() ? file_targets : with_field;
  sync_plan plan = plan_sync("targets", targets, stored,
                             load_keys(*m_db, "SELECT DISTINCT target_id FROM pledges"), m_policy,
                             m_changes, [](const target& t) -> const std::string& { return t.id; });
  if (!plan.removed.empty())
    m_db->exec("DELETE FROM targets WHERE id = ANY($1::text[])", {pg_text_array(plan.removed)});
  if (!plan.retired.empty()) {
    const pg_param ids = pg_text_array(plan.retired);
    m_db->exec(std::string("UPDATE targets SET retired_at = ") + pg_now_sql +
                   " WHERE id = ANY($1::text[])",
               {ids});
    m_db->exec(R"sql(
      UPDATE pledges SET flag = 'target_retired'
      WHERE target_id = ANY($1::text[]) AND status IN ('committed', 'delivered'))sql",
               {ids});
  }
  if (!plan.written.empty()) {
    stage(*m_db, "stage_targets", R"sql(
      ord bigint, id text, program text, need text, household_size bigint, priority bigint,
      lon float8, lat float8, import_outcome text, declared_rt text, rt_code text, rw_code text,
      kelurahan_code text, kecamatan_code text, kota_code text, registered_at text,
      source_row bigint, row_hash bigint, located_at text, located_by text)sql");
    pg_copy rows;
    for (std::size_t n = 0; n < plan.written.size(); ++n) {
      const target& t = targets[plan.written[n]];
      rows.integer(to_int(n)).text(t.id).text(t.program).text(t.need);
      rows.integer(std::int64_t{t.household_size}).integer(std::int64_t{t.priority});
      rows.real(t.lon).real(t.lat).text(to_string(t.import_outcome)).text(t.declared_rt);
      rows.text_or_null(t.rt_code).text_or_null(t.rw_code).text_or_null(t.kelurahan_code);
      rows.text_or_null(t.kecamatan_code).text_or_null(t.kota_code);
      rows.text_or_null(t.registered_at).integer(to_int(t.row));
      rows.integer(plan.hashes[plan.written[n]]);
      if (const auto k = kept.find(t.id); k != kept.end())
        rows.text(k->second->located_at).text(k->second->located_by);
      else
        rows.null().null();
      rows.end_row();
    }
    m_db->copy_in("COPY stage_targets FROM STDIN", rows.data());
    policy_check("targets");
    // A full import writes most of the table: building the GiST index of points afresh after
    // the rows are in costs a third of keeping it current row by row (about 1.3 s against 4 s
    // for Jakarta's 250k). Dropping it locks the table until commit: readers of targets on
    // other connections wait for the import, as every writer does already.
    const bool rebuild_index = plan.written.size() >= 50'000;
    if (rebuild_index) m_db->exec("DROP INDEX IF EXISTS targets_geom");
    m_db->exec(R"sql(
      INSERT INTO targets(id, program, need, household_size, priority, lon, lat, import_outcome,
                          declared_rt, rt_code, rw_code, kelurahan_code, kecamatan_code,
                          kota_code, registered_at, source_row, row_hash, located_at,
                          located_by, geom)
      SELECT id, program, need, household_size, priority, lon, lat, import_outcome, declared_rt,
             rt_code, rw_code, kelurahan_code, kecamatan_code, kota_code, registered_at,
             source_row, row_hash, located_at, located_by,
             ST_SetSRID(ST_MakePoint(lon, lat), 4326)
      FROM stage_targets ORDER BY ord
      ON CONFLICT (id) DO UPDATE SET program = excluded.program, need = excluded.need,
        household_size = excluded.household_size, priority = excluded.priority,
        lon = excluded.lon, lat = excluded.lat, import_outcome = excluded.import_outcome,
        declared_rt = excluded.declared_rt, rt_code = excluded.rt_code,
        rw_code = excluded.rw_code, kelurahan_code = excluded.kelurahan_code,
        kecamatan_code = excluded.kecamatan_code, kota_code = excluded.kota_code,
        registered_at = excluded.registered_at, source_row = excluded.source_row,
        row_hash = excluded.row_hash, geom = excluded.geom, located_at = excluded.located_at,
        located_by = excluded.located_by, retired_at = NULL)sql");
    if (rebuild_index) m_db->exec("CREATE INDEX targets_geom ON targets USING gist(geom)");
  }
  if (!plan.restored.empty())
    m_db->exec(
        "UPDATE pledges SET flag = NULL WHERE target_id = ANY($1::text[]) AND flag IS NOT NULL",
        {pg_text_array(plan.restored)});
  plan.counts.field_locations_kept = field_changes.field_locations_kept;
  plan.counts.field_locations_replaced = field_changes.field_locations_replaced;
  scope.done();
  return plan.counts;
}

change_counts postgres_store::sync_collaborators(const std::vector<collaborator>& collaborators) {
  const std::lock_guard lock(m_mutex);
  write_scope scope(*this);
  stored_rows stored =
      load_rows(*m_db, "SELECT id, row_hash, '', retired_at IS NOT NULL FROM collaborators");
  sync_plan plan = plan_sync(
      "collaborators", collaborators, stored,
      load_keys(*m_db,
                "SELECT collaborator_id FROM pledges UNION "
                "SELECT collaborator_id FROM tokens WHERE NOT revoked AND collaborator_id <> ''"),
      m_policy, m_changes, [](const collaborator& c) -> const std::string& { return c.id; });
  if (!plan.removed.empty())
    m_db->exec("DELETE FROM collaborators WHERE id = ANY($1::text[])",
               {pg_text_array(plan.removed)});
  if (!plan.retired.empty())
    m_db->exec(std::string("UPDATE collaborators SET retired_at = ") + pg_now_sql +
                   " WHERE id = ANY($1::text[])",
               {pg_text_array(plan.retired)});
  if (!plan.written.empty()) {
    stage(*m_db, "stage_collaborators", R"sql(
      ord bigint, id text, name text, kind text, lon float8, lat float8, source_row bigint,
      row_hash bigint)sql");
    pg_copy rows;
    for (std::size_t n = 0; n < plan.written.size(); ++n) {
      const collaborator& c = collaborators[plan.written[n]];
      rows.integer(to_int(n)).text(c.id).text(c.name).text(c.kind).real(c.lon).real(c.lat);
      rows.integer(to_int(c.row)).integer(plan.hashes[plan.written[n]]);
      rows.end_row();
    }
    m_db->copy_in("COPY stage_collaborators FROM STDIN", rows.data());
    m_db->exec(R"sql(
      INSERT INTO collaborators(id, name, kind, lon, lat, source_row, row_hash)
      SELECT id, name, kind, lon, lat, source_row, row_hash FROM stage_collaborators ORDER BY ord
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
        lon = excluded.lon, lat = excluded.lat, source_row = excluded.source_row,
        row_hash = excluded.row_hash, retired_at = NULL)sql");
  }
  scope.done();
  return plan.counts;
}

namespace {

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

std::unordered_map<std::string, server_pledge> load_server_pledges(pg_connection& db) {
  const pg_rows rows = db.exec(R"sql(
    SELECT id, origin, status, target_id, collaborator_id, program, row_hash FROM pledges
    WHERE origin = 'api' OR updated_at IS NOT NULL)sql");
  std::unordered_map<std::string, server_pledge> out;
  for (int i = 0; i < rows.size(); ++i)
    out.emplace(rows.text(i, 0),
                server_pledge{rows.text(i, 1), rows.text(i, 2), rows.text(i, 3), rows.text(i, 4),
                              rows.text(i, 5), rows.integer(i, 6)});
  return out;
}

std::string kept_by_server(const std::string& id, const server_pledge& p) {
  return "pledge " + id +
         (p.origin == "api" ? " was made through the API"
                            : " was changed through the API (now " + p.status + ")");
}

}  // namespace

change_counts postgres_store::sync_pledges(const std::vector<pledge>& pledges) {
  const std::lock_guard lock(m_mutex);
  write_scope scope(*this);
  // The file's pledges as stored; those of the server are not the file's to change.
  stored_rows stored = load_rows(*m_db, R"sql(
    SELECT id, row_hash, '', false FROM pledges WHERE origin = 'import' AND updated_at IS NULL)sql");
  const auto server = load_server_pledges(*m_db);
  std::unordered_map<std::string, const std::string*> held;  // target, program -> pledge id
  for (const auto& [id, p] : server)
    if (is_active_status(p.status)) held.emplace(p.target_id + '\x1f' + p.program, &id);

  std::vector<pledge> from_file;
  std::size_t left_alone = 0;
  for (const pledge& p : pledges) {
    const std::string row = " (row " + std::to_string(p.row) + ")";
    if (const auto it = server.find(p.id); it != server.end()) {
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
    from_file.push_back(p);
  }

  // The unique index of active pledges is checked row by row: every stored pledge that changes
  // lets go of its target first, so that whichever pledge holds it afterwards can take it, in
  // any order. Its upsert below writes its real status.
  std::vector<std::string> released;
  for (const pledge& p : from_file) {
    const auto it = stored.find(p.id);
    if (it != stored.end() && it->second.hash != hash_of(p)) released.push_back(p.id);
  }
  if (!released.empty())
    m_db->exec(
        "UPDATE pledges SET status = 'cancelled' WHERE id = ANY($1::text[]) AND status <> "
        "'cancelled'",
        {pg_text_array(released)});
  sync_plan plan = plan_sync("pledges", from_file, stored, key_set{}, m_policy, m_changes,
                             [](const pledge& p) -> const std::string& { return p.id; });
  if (!plan.removed.empty())
    m_db->exec("DELETE FROM pledges WHERE id = ANY($1::text[])", {pg_text_array(plan.removed)});
  if (!plan.written.empty()) {
    stage(*m_db, "stage_pledges", R"sql(
      ord bigint, id text, collaborator_id text, target_id text, program text, form text,
      amount_idr bigint, quantity bigint, status text, pledged_at text, source_row bigint,
      row_hash bigint)sql");
    pg_copy rows;
    for (std::size_t n = 0; n < plan.written.size(); ++n) {
      const pledge& p = from_file[plan.written[n]];
      rows.integer(to_int(n)).text(p.id).text(p.collaborator_id).text(p.target_id);
      rows.text(p.program).text(p.form).integer(p.amount_idr).integer(p.quantity);
      rows.text(p.status).text(p.pledged_at).integer(to_int(p.row));
      rows.integer(plan.hashes[plan.written[n]]);
      rows.end_row();
    }
    m_db->copy_in("COPY stage_pledges FROM STDIN", rows.data());
    policy_check("pledges");
    m_db->exec(R"sql(
      INSERT INTO pledges(id, collaborator_id, target_id, program, form, amount_idr, quantity,
                          status, pledged_at, source_row, row_hash)
      SELECT id, collaborator_id, target_id, program, form, amount_idr, quantity, status,
             pledged_at, source_row, row_hash
      FROM stage_pledges ORDER BY ord
      ON CONFLICT (id) DO UPDATE SET collaborator_id = excluded.collaborator_id,
        target_id = excluded.target_id, program = excluded.program, form = excluded.form,
        amount_idr = excluded.amount_idr, quantity = excluded.quantity,
        status = excluded.status, pledged_at = excluded.pledged_at,
        source_row = excluded.source_row, row_hash = excluded.row_hash)sql");
  }
  plan.counts.unchanged += left_alone;
  scope.done();
  return plan.counts;
}

}  // namespace geo
