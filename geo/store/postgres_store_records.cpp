// The server's records in the shared store: pledges made and changed through the API,
// realizations, the audit log, idempotent answers, tokens and sign-in links.
#include <nlohmann/json.hpp>

#include "geo/error.hpp"
#include "geo/store/pg_connection.hpp"
#include "geo/store/postgres_schema.hpp"
#include "geo/store/postgres_store.hpp"
#include "geo/store/postgres_store_detail.hpp"

namespace geo {
namespace {

std::string areas_to_json(const std::vector<std::string>& areas) {
  return nlohmann::json(areas).dump();
}

std::vector<std::string> areas_from_json(const std::string& text) {
  return nlohmann::json::parse(text).get<std::vector<std::string>>();
}

constexpr const char* token_columns =
    "id, secret_hash, role, areas, collaborator_id, created_at, revoked, note, kind, name, "
    "expires_at";

access_token token_from(const pg_rows& rows, int i) {
  access_token t;
  t.id = rows.text(i, 0);
  t.secret_hash = rows.text(i, 1);
  t.who = parse_role(rows.view(i, 2)).value_or(role::anonymous);
  t.areas = areas_from_json(rows.text(i, 3));
  t.collaborator_id = rows.text(i, 4);
  t.created_at = rows.text(i, 5);
  t.revoked = rows.boolean(i, 6);
  t.note = rows.text(i, 7);
  t.kind = rows.text(i, 8);
  t.name = rows.text(i, 9);
  t.expires_at = rows.text(i, 10);
  return t;
}

constexpr const char* link_columns =
    "id, code_hash, name, role, areas, collaborator_id, session_seconds, created_at, expires_at, "
    "used_at, session_id";

sign_in_link link_from(const pg_rows& rows, int i) {
  sign_in_link l;
  l.id = rows.text(i, 0);
  l.code_hash = rows.text(i, 1);
  l.name = rows.text(i, 2);
  l.who = parse_role(rows.view(i, 3)).value_or(role::anonymous);
  l.areas = areas_from_json(rows.text(i, 4));
  l.collaborator_id = rows.text(i, 5);
  l.session_seconds = rows.integer(i, 6);
  l.created_at = rows.text(i, 7);
  l.expires_at = rows.text(i, 8);
  l.used_at = rows.text(i, 9);
  l.session_id = rows.text(i, 10);
  return l;
}

}  // namespace

void postgres_store::insert_pledge(const pledge& p) {
  const std::lock_guard lock(m_mutex);
  write_scope scope(*this);
  // DO NOTHING instead of a unique violation, which would end the caller's transaction: the
  // caller learns who holds the target and may go on.
  const pg_rows inserted =
      m_db->exec(R"sql(
    INSERT INTO pledges(id, collaborator_id, target_id, program, form, amount_idr, quantity,
                        status, pledged_at, source_row, row_hash, origin)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, 0, 'api')
    ON CONFLICT DO NOTHING)sql",
                 {pg_value(p.id), pg_value(p.collaborator_id), pg_value(p.target_id),
                  pg_value(p.program), pg_value(p.form), pg_value(p.amount_idr),
                  pg_value(p.quantity), pg_value(p.status), pg_value(p.pledged_at)});
  if (inserted.affected() == 0) {
    // pledges_one_active refused it: another writer (another server) holds the target.
    const pg_rows holder = m_db->exec(R"sql(
      SELECT id, status FROM pledges
      WHERE target_id = $1 AND program = $2 AND status IN ('committed', 'delivered')
        AND id <> $3)sql",
                                      {pg_value(p.target_id), pg_value(p.program), pg_value(p.id)});
    if (holder.size() == 0)
      throw store_error("pledge " + p.id + " exists already in " + m_db->where());
    const std::string id = holder.text(0, 0);
    throw conflict_error(conflict_kind::target_taken,
                         "target " + p.target_id + " already has pledge " + id + " (" +
                             holder.text(0, 1) + ") for program " + p.program,
                         id);
  }
  append_change("pledge", p.id);
  scope.done();
}

void postgres_store::set_pledge_status(const std::string& id, std::string_view status) {
  const std::lock_guard lock(m_mutex);
  write_scope scope(*this);
  const pg_rows updated = m_db->exec(
      std::string("UPDATE pledges SET status = $1, updated_at = ") + pg_now_sql + " WHERE id = $2",
      {pg_value(status), pg_value(id)});
  if (updated.affected() == 0) throw not_found_error("pledge " + id + " does not exist");
  append_change("pledge", id);
  scope.done();
}

void postgres_store::insert_realization(const realization& r) {
  const std::lock_guard lock(m_mutex);
  write_scope scope(*this);
  m_db->exec(
      R"sql(
    INSERT INTO realizations(id, pledge_id, delivered_by, delivered_at, note, amount_idr,
                             quantity, recorded_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8))sql",
      {pg_value(r.id), pg_value(r.pledge_id), pg_value(r.delivered_by), pg_value(r.delivered_at),
       pg_value(r.note), pg_value(r.amount_idr), pg_value(r.quantity), pg_value(r.recorded_at)});
  append_change("realization", r.id);
  scope.done();
}

std::vector<realization> postgres_store::load_realizations() {
  return load_realizations_where("true", {});
}

std::vector<realization> postgres_store::load_realizations_where(
    const std::string& condition, const std::vector<std::string>& params) {
  const std::lock_guard lock(m_mutex);
  ready();
  std::vector<pg_param> values(params.begin(), params.end());
  const pg_rows rows = m_db->exec(R"sql(
    SELECT id, pledge_id, delivered_by, delivered_at, note, amount_idr, quantity, recorded_at
    FROM realizations WHERE )sql" + condition +
                                      " ORDER BY id",
                                  values);
  std::vector<realization> out;
  for (int i = 0; i < rows.size(); ++i)
    out.push_back({rows.text(i, 0), rows.text(i, 1), rows.text(i, 2), rows.text(i, 3),
                   rows.text(i, 4), rows.optional_integer(i, 5), rows.optional_integer(i, 6),
                   rows.text(i, 7)});
  return out;
}

void postgres_store::append_audit(const audit_entry& e) {
  const std::lock_guard lock(m_mutex);
  write_scope scope(*this);
  // max + 1 under the writers' lock: numbered without gaps, in commit order.
  m_db->exec(std::string(R"sql(
    INSERT INTO audit_log(id, at, actor, role, action, subject, request_id, detail)
    SELECT coalesce(max(id), 0) + 1, coalesce(nullif($1::text, ''), )sql") +
                 pg_now_ms_sql +
                 R"sql(), $2::text, $3::text, $4::text, $5::text, $6::text, $7::text
    FROM audit_log)sql",
             {pg_value(e.at), pg_value(e.actor), pg_value(e.role), pg_value(e.action),
              pg_value(e.subject), pg_value(e.request_id), pg_value(e.detail)});
  scope.done();
}

std::vector<audit_entry> postgres_store::load_audit(std::size_t limit) {
  const std::lock_guard lock(m_mutex);
  ready();
  const pg_rows rows = m_db->exec(R"sql(
    SELECT id, at, actor, role, action, subject, request_id, detail FROM audit_log
    ORDER BY id DESC LIMIT $1)sql",
                                  {pg_value(pg_detail::to_int(limit))});
  std::vector<audit_entry> out;
  for (int i = 0; i < rows.size(); ++i)
    out.push_back({rows.integer(i, 0), rows.text(i, 1), rows.text(i, 2), rows.text(i, 3),
                   rows.text(i, 4), rows.text(i, 5), rows.text(i, 6), rows.text(i, 7)});
  return out;
}

std::optional<stored_answer> postgres_store::find_answer(std::string_view scope,
                                                         std::string_view key) {
  const std::lock_guard lock(m_mutex);
  ready();
  const pg_rows rows = m_db->exec(R"sql(
    SELECT fingerprint, status, content_type, body, created_at FROM idempotent_answers
    WHERE scope = $1 AND key = $2)sql",
                                  {pg_value(scope), pg_value(key)});
  if (rows.size() == 0) return std::nullopt;
  return stored_answer{
      std::string(scope), std::string(key), rows.text(0, 0), static_cast<int>(rows.integer(0, 1)),
      rows.text(0, 2),    rows.text(0, 3),  rows.text(0, 4)};
}

void postgres_store::save_answer(const stored_answer& a) {
  const std::lock_guard lock(m_mutex);
  write_scope scope(*this);
  // The primary key (scope, key) keeps one answer, whichever server saves first; DO NOTHING
  // leaves the caller's transaction usable.
  const pg_rows saved = m_db->exec(std::string(R"sql(
    INSERT INTO idempotent_answers(scope, key, fingerprint, status, content_type, body,
                                   created_at)
    VALUES ($1, $2, $3, $4, $5, $6, coalesce(nullif($7, ''), )sql") +
                                       pg_now_sql + R"sql())
    ON CONFLICT (scope, key) DO NOTHING)sql",
                                   {pg_value(a.scope), pg_value(a.key), pg_value(a.fingerprint),
                                    pg_value(std::int64_t{a.status}), pg_value(a.content_type),
                                    pg_value(a.body), pg_value(a.created_at)});
  if (saved.affected() == 0)
    throw store_error("an answer for Idempotency-Key '" + a.key + "' of " + a.scope +
                      " is kept already in " + m_db->where());
  scope.done();
}

void postgres_store::insert_token(const access_token& t) {
  const std::lock_guard lock(m_mutex);
  write_scope scope(*this);
  m_area_references.reset();
  m_db->exec(std::string("INSERT INTO tokens(") + token_columns +
                 ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
             {pg_value(t.id), pg_value(t.secret_hash), pg_value(role_name(t.who)),
              pg_value(areas_to_json(t.areas)), pg_value(t.collaborator_id), pg_value(t.created_at),
              pg_value(t.revoked ? "true" : "false"), pg_value(t.note), pg_value(t.kind),
              pg_value(t.name), pg_value_or_null(t.expires_at)});
  scope.done();
}

std::optional<access_token> postgres_store::find_token(std::string_view secret_hash) {
  const std::lock_guard lock(m_mutex);
  ready();
  const pg_rows rows =
      m_db->exec(std::string("SELECT ") + token_columns + " FROM tokens WHERE secret_hash = $1",
                 {pg_value(secret_hash)});
  if (rows.size() == 0) return std::nullopt;
  return token_from(rows, 0);
}

std::vector<access_token> postgres_store::load_tokens() {
  const std::lock_guard lock(m_mutex);
  ready();
  const pg_rows rows =
      m_db->exec(std::string("SELECT ") + token_columns + " FROM tokens ORDER BY seq");
  std::vector<access_token> out;
  for (int i = 0; i < rows.size(); ++i)
    out.push_back(token_from(rows, i));
  return out;
}

void postgres_store::revoke_token(const std::string& id) {
  const std::lock_guard lock(m_mutex);
  write_scope scope(*this);
  m_area_references.reset();
  if (m_db->exec("UPDATE tokens SET revoked = true WHERE id = $1", {pg_value(id)}).affected() == 0)
    throw not_found_error("token " + id + " does not exist");
  append_change("token", id);
  scope.done();
}

void postgres_store::insert_link(const sign_in_link& l) {
  const std::lock_guard lock(m_mutex);
  write_scope scope(*this);
  m_db->exec(std::string("INSERT INTO sign_in_links(") + link_columns +
                 ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, NULL)",
             {pg_value(l.id), pg_value(l.code_hash), pg_value(l.name), pg_value(role_name(l.who)),
              pg_value(areas_to_json(l.areas)), pg_value(l.collaborator_id),
              pg_value(l.session_seconds), pg_value(l.created_at), pg_value(l.expires_at)});
  scope.done();
}

std::optional<sign_in_link> postgres_store::find_link(std::string_view code_hash) {
  const std::lock_guard lock(m_mutex);
  ready();
  const pg_rows rows =
      m_db->exec(std::string("SELECT ") + link_columns + " FROM sign_in_links WHERE code_hash = $1",
                 {pg_value(code_hash)});
  if (rows.size() == 0) return std::nullopt;
  return link_from(rows, 0);
}

std::vector<sign_in_link> postgres_store::load_links() {
  const std::lock_guard lock(m_mutex);
  ready();
  const pg_rows rows =
      m_db->exec(std::string("SELECT ") + link_columns + " FROM sign_in_links ORDER BY seq");
  std::vector<sign_in_link> out;
  for (int i = 0; i < rows.size(); ++i)
    out.push_back(link_from(rows, i));
  return out;
}

bool postgres_store::use_link(const std::string& id, const std::string& used_at,
                              const std::string& session_id) {
  const std::lock_guard lock(m_mutex);
  write_scope scope(*this);
  // A second server exchanging the same link waits for the first's row lock, then finds
  // used_at set and changes nothing.
  const bool used =
      m_db->exec(
              "UPDATE sign_in_links SET used_at = $2, session_id = $3 WHERE id = $1 AND used_at "
              "IS NULL",
              {pg_value(id), pg_value(used_at), pg_value(session_id)})
          .affected() == 1;
  scope.done();
  return used;
}

}  // namespace geo
