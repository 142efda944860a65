// The server's records in the embedded store: pledges made and changed through the API,
// realizations, the audit log, idempotent answers and tokens.
#include <nlohmann/json.hpp>

#include "geo/error.hpp"
#include "geo/store/spatialite_schema.hpp"
#include "geo/store/spatialite_store.hpp"
#include "geo/store/sqlite_db.hpp"
#include "geo/store/sqlite_statement.hpp"

namespace geo {
namespace {

// SQLite's own clock, so that every time the store writes has one format.
constexpr const char* now_sql = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')";
constexpr const char* now_ms_sql = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

std::optional<std::int64_t> optional_int(const sqlite_statement& s, int column) {
  return s.is_null(column) ? std::nullopt : std::optional<std::int64_t>(s.column_int(column));
}

std::string areas_to_json(const std::vector<std::string>& areas) {
  return nlohmann::json(areas).dump();
}

std::vector<std::string> areas_from_json(const std::string& text) {
  return nlohmann::json::parse(text).get<std::vector<std::string>>();
}

access_token token_from(const sqlite_statement& s) {
  access_token t;
  t.id = s.column_text(0);
  t.secret_hash = s.column_text(1);
  t.who = parse_role(s.column_text(2)).value_or(role::anonymous);
  t.areas = areas_from_json(s.column_text(3));
  t.collaborator_id = s.column_text(4);
  t.created_at = s.column_text(5);
  t.revoked = s.column_int(6) != 0;
  t.note = s.column_text(7);
  t.kind = s.column_text(8);
  t.name = s.column_text(9);
  t.expires_at = s.is_null(10) ? "" : s.column_text(10);
  return t;
}

constexpr const char* token_columns =
    "id, secret_hash, role, areas, collaborator_id, created_at, revoked, note, kind, name, "
    "expires_at";

sign_in_link link_from(const sqlite_statement& s) {
  sign_in_link l;
  l.id = s.column_text(0);
  l.code_hash = s.column_text(1);
  l.name = s.column_text(2);
  l.who = parse_role(s.column_text(3)).value_or(role::anonymous);
  l.areas = areas_from_json(s.column_text(4));
  l.collaborator_id = s.column_text(5);
  l.session_seconds = s.column_int(6);
  l.created_at = s.column_text(7);
  l.expires_at = s.column_text(8);
  l.used_at = s.is_null(9) ? "" : s.column_text(9);
  l.session_id = s.is_null(10) ? "" : s.column_text(10);
  return l;
}

constexpr const char* link_columns =
    "id, code_hash, name, role, areas, collaborator_id, session_seconds, created_at, expires_at, "
    "used_at, session_id";

std::int64_t to_int(std::size_t n) {
  return static_cast<std::int64_t>(n);
}

void insert_api_pledge(sqlite_db& db, const pledge& p) {
  db.prepare(R"sql(
    INSERT INTO pledges(id, collaborator_id, target_id, program, form, amount_idr, quantity,
                        status, pledged_at, source_row, row_hash, origin)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, 0, 'api'))sql")
      .bind(1, p.id)
      .bind(2, p.collaborator_id)
      .bind(3, p.target_id)
      .bind(4, p.program)
      .bind(5, p.form)
      .bind(6, p.amount_idr)
      .bind(7, p.quantity)
      .bind(8, p.status)
      .bind(9, p.pledged_at)
      .run();
}

}  // namespace

void spatialite_store::insert_pledge(const pledge& p) {
  const std::lock_guard lock(m_mutex);
  with_change("pledge", p.id, [&] {
    try {
      insert_api_pledge(*m_db, p);
    } catch (const store_error&) {
      // pledges_one_active refused it: another writer (another server) holds the target.
      sqlite_statement holder = m_db->prepare(R"sql(
        SELECT id, status FROM pledges
        WHERE target_id = ?1 AND program = ?2 AND status IN ('committed', 'delivered')
          AND id <> ?3)sql");
      holder.bind(1, p.target_id).bind(2, p.program).bind(3, p.id);
      if (!holder.step()) throw;
      const std::string id = holder.column_text(0);
      throw conflict_error(conflict_kind::target_taken,
                           "target " + p.target_id + " already has pledge " + id + " (" +
                               holder.column_text(1) + ") for program " + p.program,
                           id);
    }
  });
}

void spatialite_store::set_pledge_status(const std::string& id, std::string_view status) {
  const std::lock_guard lock(m_mutex);
  with_change("pledge", id, [&] {
    m_db->prepare(std::string("UPDATE pledges SET status = ?1, updated_at = ") + now_sql +
                  " WHERE id = ?2")
        .bind(1, status)
        .bind(2, id)
        .run();
    if (m_db->changes() == 0) throw not_found_error("pledge " + id + " does not exist");
  });
}

void spatialite_store::insert_realization(const realization& r) {
  const std::lock_guard lock(m_mutex);
  with_change("realization", r.id, [&] {
    m_db->prepare(R"sql(
      INSERT INTO realizations(id, pledge_id, delivered_by, delivered_at, note, amount_idr,
                               quantity, recorded_at)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8))sql")
        .bind(1, r.id)
        .bind(2, r.pledge_id)
        .bind(3, r.delivered_by)
        .bind(4, r.delivered_at)
        .bind(5, r.note)
        .bind(6, r.amount_idr)
        .bind(7, r.quantity)
        .bind(8, r.recorded_at)
        .run();
  });
}

std::vector<realization> spatialite_store::load_realizations() {
  return load_realizations_where("1");
}

std::vector<realization> spatialite_store::load_realizations_where(const std::string& condition,
                                                                   const std::string* id) {
  const std::lock_guard lock(m_mutex);
  std::vector<realization> out;
  if (schema_version_of(*m_db) == 0) return out;
  sqlite_statement select = m_db->prepare(R"sql(
    SELECT id, pledge_id, delivered_by, delivered_at, note, amount_idr, quantity, recorded_at
    FROM realizations WHERE )sql" + condition +
                                          " ORDER BY id");
  if (id) select.bind(1, *id);
  while (select.step())
    out.push_back({select.column_text(0), select.column_text(1), select.column_text(2),
                   select.column_text(3), select.column_text(4), optional_int(select, 5),
                   optional_int(select, 6), select.column_text(7)});
  return out;
}

void spatialite_store::append_audit(const audit_entry& e) {
  const std::lock_guard lock(m_mutex);
  m_db->prepare(std::string(R"sql(
    INSERT INTO audit_log(at, actor, role, action, subject, request_id, detail)
    VALUES (coalesce(nullif(?1, ''), )sql") +
                now_ms_sql + "), ?2, ?3, ?4, ?5, ?6, ?7)")
      .bind(1, e.at)
      .bind(2, e.actor)
      .bind(3, e.role)
      .bind(4, e.action)
      .bind(5, e.subject)
      .bind(6, e.request_id)
      .bind(7, e.detail)
      .run();
}

std::vector<audit_entry> spatialite_store::load_audit(std::size_t limit) {
  const std::lock_guard lock(m_mutex);
  std::vector<audit_entry> out;
  if (schema_version_of(*m_db) == 0) return out;
  sqlite_statement select = m_db->prepare(R"sql(
    SELECT id, at, actor, role, action, subject, request_id, detail FROM audit_log
    ORDER BY id DESC LIMIT ?)sql");
  select.bind(1, to_int(limit));
  while (select.step())
    out.push_back({select.column_int(0), select.column_text(1), select.column_text(2),
                   select.column_text(3), select.column_text(4), select.column_text(5),
                   select.column_text(6), select.column_text(7)});
  return out;
}

std::optional<stored_answer> spatialite_store::find_answer(std::string_view scope,
                                                           std::string_view key) {
  const std::lock_guard lock(m_mutex);
  if (schema_version_of(*m_db) == 0) return std::nullopt;
  sqlite_statement select = m_db->prepare(R"sql(
    SELECT fingerprint, status, content_type, body, created_at FROM idempotent_answers
    WHERE scope = ? AND key = ?)sql");
  select.bind(1, scope).bind(2, key);
  if (!select.step()) return std::nullopt;
  return stored_answer{std::string(scope),    std::string(key),
                       select.column_text(0), static_cast<int>(select.column_int(1)),
                       select.column_text(2), select.column_text(3),
                       select.column_text(4)};
}

void spatialite_store::save_answer(const stored_answer& a) {
  const std::lock_guard lock(m_mutex);
  m_db->prepare(std::string(R"sql(
    INSERT INTO idempotent_answers(scope, key, fingerprint, status, content_type, body,
                                   created_at)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, coalesce(nullif(?7, ''), )sql") +
                now_sql + "))")
      .bind(1, a.scope)
      .bind(2, a.key)
      .bind(3, a.fingerprint)
      .bind(4, a.status)
      .bind(5, a.content_type)
      .bind(6, a.body)
      .bind(7, a.created_at)
      .run();
}

void spatialite_store::insert_token(const access_token& t) {
  const std::lock_guard lock(m_mutex);
  m_db->prepare(std::string("INSERT INTO tokens(") + token_columns +
                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")
      .bind(1, t.id)
      .bind(2, t.secret_hash)
      .bind(3, role_name(t.who))
      .bind(4, areas_to_json(t.areas))
      .bind(5, t.collaborator_id)
      .bind(6, t.created_at)
      .bind(7, std::int64_t{t.revoked})
      .bind(8, t.note)
      .bind(9, t.kind)
      .bind(10, t.name)
      .bind(11, t.expires_at.empty() ? std::nullopt : std::optional<std::string>(t.expires_at))
      .run();
}

std::optional<access_token> spatialite_store::find_token(std::string_view secret_hash) {
  const std::lock_guard lock(m_mutex);
  if (schema_version_of(*m_db) == 0) return std::nullopt;
  sqlite_statement select =
      m_db->prepare(std::string("SELECT ") + token_columns + " FROM tokens WHERE secret_hash = ?");
  select.bind(1, secret_hash);
  if (!select.step()) return std::nullopt;
  return token_from(select);
}

std::vector<access_token> spatialite_store::load_tokens() {
  const std::lock_guard lock(m_mutex);
  std::vector<access_token> out;
  if (schema_version_of(*m_db) == 0) return out;
  sqlite_statement select =
      m_db->prepare(std::string("SELECT ") + token_columns + " FROM tokens ORDER BY rowid");
  while (select.step())
    out.push_back(token_from(select));
  return out;
}

void spatialite_store::revoke_token(const std::string& id) {
  const std::lock_guard lock(m_mutex);
  with_change("token", id, [&] {
    m_db->prepare("UPDATE tokens SET revoked = 1 WHERE id = ?").bind(1, id).run();
    if (m_db->changes() == 0) throw not_found_error("token " + id + " does not exist");
  });
}

void spatialite_store::insert_link(const sign_in_link& l) {
  const std::lock_guard lock(m_mutex);
  m_db->prepare(std::string("INSERT INTO sign_in_links(") + link_columns +
                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL, NULL)")
      .bind(1, l.id)
      .bind(2, l.code_hash)
      .bind(3, l.name)
      .bind(4, role_name(l.who))
      .bind(5, areas_to_json(l.areas))
      .bind(6, l.collaborator_id)
      .bind(7, l.session_seconds)
      .bind(8, l.created_at)
      .bind(9, l.expires_at)
      .run();
}

std::optional<sign_in_link> spatialite_store::find_link(std::string_view code_hash) {
  const std::lock_guard lock(m_mutex);
  if (schema_version_of(*m_db) == 0) return std::nullopt;
  sqlite_statement select = m_db->prepare(std::string("SELECT ") + link_columns +
                                          " FROM sign_in_links WHERE code_hash = ?");
  select.bind(1, code_hash);
  if (!select.step()) return std::nullopt;
  return link_from(select);
}

std::vector<sign_in_link> spatialite_store::load_links() {
  const std::lock_guard lock(m_mutex);
  std::vector<sign_in_link> out;
  if (schema_version_of(*m_db) == 0) return out;
  sqlite_statement select =
      m_db->prepare(std::string("SELECT ") + link_columns + " FROM sign_in_links ORDER BY rowid");
  while (select.step())
    out.push_back(link_from(select));
  return out;
}

bool spatialite_store::use_link(const std::string& id, const std::string& used_at,
                                const std::string& session_id) {
  const std::lock_guard lock(m_mutex);
  m_db->prepare(
          "UPDATE sign_in_links SET used_at = ?2, session_id = ?3 WHERE id = ?1 AND used_at IS "
          "NULL")
      .bind(1, id)
      .bind(2, used_at)
      .bind(3, session_id)
      .run();
  return m_db->changes() == 1;
}

}  // namespace geo
