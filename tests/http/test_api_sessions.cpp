// Sign-in without a terminal over HTTP (docs/sign-in.md): an admin issues a one-time link, a
// device exchanges its code for a session once, the session ends itself; used, unknown and
// expired links and ended or expired sessions are refused with their problem types, and no code
// nor secret reaches the server's log or the audit log.
#include <gtest/gtest.h>

#include <ctime>
#include <iomanip>
#include <optional>
#include <sstream>
#include <thread>

#include "geo/access_token.hpp"
#include "geo/audit_entry.hpp"
#include "geo/sign_in_link.hpp"
#include "tests/http/api_test_support.hpp"

namespace {

using namespace api_test;

constexpr const char* link_refused = "urn:sasaran:problem:sign-in-link-not-accepted";
constexpr const char* token_refused = "urn:sasaran:problem:token-not-accepted";

// A link for a PIC of the test's kelurahan, issued by the admin: its code.
std::string issue_pic_link(test_support::http_client& client, const std::string& name) {
  const http_response r =
      post(client, "/api/v1/sign-in-links",
           {{"role", "pic"}, {"name", name}, {"areas", {env().pic_area()}}}, "admin");
  EXPECT_EQ(r.status, 201) << r.body;
  const json body = body_of(r);
  const std::string link = body["link"];
  const std::string prefix = env().base_url() + "/#masuk=";
  EXPECT_EQ(link.substr(0, prefix.size()), prefix) << link;
  return link.substr(prefix.size());
}

http_response exchange_code(test_support::http_client& client, const std::string& code) {
  return post(client, "/api/v1/sessions", {{"link", code}}, "");
}

http_response as_bearer(test_support::http_client& client, const std::string& method,
                        const std::string& path, const std::string& secret) {
  return client.request(method, env().base_url() + path, "", {"Authorization: Bearer " + secret});
}

// Neither the server's log nor the audit log holds any of `secrets`.
void expect_nowhere_logged(test_support::http_client& client,
                           const std::vector<std::string>& secrets) {
  const std::string log = env().server_log();
  const std::string audit = get(client, "/api/v1/audit?limit=10000", "admin").body;
  for (const std::string& s : secrets) {
    EXPECT_EQ(log.find(s), std::string::npos) << "in the server log: " << s;
    EXPECT_EQ(audit.find(s), std::string::npos) << "in the audit log: " << s;
  }
}

std::optional<geo::access_token> stored_token(const std::string& id) {
  for (geo::access_token& t : stored().load_tokens())
    if (t.id == id) return std::move(t);
  return std::nullopt;
}

std::optional<geo::sign_in_link> link_of_session(const std::string& session_id) {
  for (geo::sign_in_link& l : stored().load_links())
    if (l.session_id == session_id) return std::move(l);
  return std::nullopt;
}

// Seconds since 1970 of a UTC time YYYY-MM-DDTHH:MM:SSZ.
std::int64_t seconds_since_epoch(const std::string& utc) {
  std::tm tm{};
  std::istringstream in(utc);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  EXPECT_FALSE(in.fail()) << utc;
  return static_cast<std::int64_t>(timegm(&tm));
}

void expect_problem(const http_response& r, long status, const std::string& type,
                    const std::string& detail) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  const json p = json::parse(r.body, nullptr, false);
  ASSERT_TRUE(p.is_object()) << r.body;
  EXPECT_EQ(p["type"], type) << r.body;
  EXPECT_EQ(p["detail"], detail) << r.body;
}

TEST(ApiSessions, ALinkSignsInOnceAsItsPersonRoleAndArea) {
  test_support::http_client client;
  const std::string code = issue_pic_link(client, "Ibu Sari");
  const http_response made = exchange_code(client, code);
  ASSERT_EQ(made.status, 201) << made.body;
  const json s = body_of(made);
  EXPECT_EQ(s["role"], "pic");
  EXPECT_EQ(s["name"], "Ibu Sari");
  ASSERT_EQ(s["areas"].size(), 1u);
  EXPECT_EQ(s["areas"][0]["code"], env().pic_area());
  EXPECT_EQ(s["areas"][0]["level"], "kelurahan");
  EXPECT_EQ(s["collaborator"], nullptr);
  const std::string secret = s["token"];
  const std::string session_id = s["session_id"];

  // The store agrees: the link is used by this session, which lasts 30 days.
  const std::optional<geo::access_token> token = stored_token(session_id);
  const std::optional<geo::sign_in_link> link = link_of_session(session_id);
  ASSERT_TRUE(token && link) << session_id;
  EXPECT_EQ(token->kind, "session");
  EXPECT_EQ(token->name, "Ibu Sari");
  EXPECT_EQ(geo::role_name(token->who), "pic");
  EXPECT_EQ(token->expires_at, s["expires_at"].get<std::string>());
  EXPECT_EQ(seconds_since_epoch(token->expires_at) - seconds_since_epoch(token->created_at),
            2592000);
  EXPECT_EQ(link->used_at, token->created_at);

  const http_response me = as_bearer(client, "GET", "/api/v1/me", secret);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(body_of(me)["role"], "pic");
  EXPECT_EQ(body_of(me)["name"], "Ibu Sari");
  EXPECT_EQ(body_of(me)["session"], true);
  EXPECT_EQ(body_of(me)["token"], session_id);

  const http_response again = exchange_code(client, code);
  expect_problem(again, 401, link_refused, "the sign-in link was already used; ask for a new one");
  EXPECT_EQ(body_of(again)["reason"], "used");
  EXPECT_EQ(body_of(again)["parameter"], "link");
  expect_nowhere_logged(client, {code, secret});
}

TEST(ApiSessions, RefusesUnknownAndExpiredLinks) {
  test_support::http_client client;
  const std::string code = issue_pic_link(client, "Pak Joko");
  std::string unknown = code;
  unknown[5] = unknown[5] == 'x' ? 'y' : 'x';
  const http_response guessed = exchange_code(client, unknown);
  expect_problem(guessed, 401, link_refused, "the sign-in link is not known; ask for a new one");
  EXPECT_EQ(body_of(guessed)["reason"], "unknown");
  expect_problem(exchange_code(client, "not-a-code"), 401, link_refused,
                 "the sign-in link is not known; ask for a new one");

  change_behind_the_server(
      "UPDATE sign_in_links SET expires_at = '2024-01-01T00:00:00Z' WHERE code_hash "
      "= '" +
      geo::hash_secret(code) + "'");
  const http_response late = exchange_code(client, code);
  expect_problem(late, 401, link_refused, "the sign-in link has expired; ask for a new one");
  EXPECT_EQ(body_of(late)["reason"], "expired");
  std::size_t unused = 0;
  for (const geo::sign_in_link& l : stored().load_links())
    unused += l.code_hash == geo::hash_secret(code) && l.used_at.empty();
  EXPECT_EQ(unused, 1u);

  const http_response no_code = post(client, "/api/v1/sessions", json::object(), "");
  EXPECT_EQ(no_code.status, 400) << no_code.body;
  EXPECT_EQ(body_of(no_code)["parameter"], "link");
  expect_nowhere_logged(client, {code, unknown});
}

TEST(ApiSessions, TwoExchangesOfOneCodeAtOnceGiveExactlyOneSession) {
  test_support::http_client client;
  const std::string code = issue_pic_link(client, "Ibu Ani");
  http_response a, b;
  std::thread ta([&] {
    test_support::http_client own;
    a = exchange_code(own, code);
  });
  std::thread tb([&] {
    test_support::http_client own;
    b = exchange_code(own, code);
  });
  ta.join();
  tb.join();
  EXPECT_EQ(std::min(a.status, b.status), 201) << a.body << b.body;
  EXPECT_EQ(std::max(a.status, b.status), 401) << a.body << b.body;
  std::size_t sessions = 0;
  for (const geo::sign_in_link& l : stored().load_links())
    sessions += l.code_hash == geo::hash_secret(code) && stored_token(l.session_id).has_value();
  EXPECT_EQ(sessions, 1u);
}

TEST(ApiSessions, AnEndedSessionIsRefusedFromTheNextRequestOn) {
  test_support::http_client client;
  const json s = body_of(exchange_code(client, issue_pic_link(client, "Ibu Rina")));
  const std::string secret = s["token"];
  ASSERT_EQ(as_bearer(client, "GET", "/api/v1/me", secret).status, 200);
  const http_response ended = as_bearer(client, "POST", "/api/v1/sessions/end", secret);
  EXPECT_EQ(ended.status, 204) << ended.body;
  expect_problem(as_bearer(client, "GET", "/api/v1/me", secret), 401, token_refused,
                 "Authorization: the token is not known or was revoked");
  expect_problem(as_bearer(client, "POST", "/api/v1/sessions/end", secret), 401, token_refused,
                 "Authorization: the token is not known or was revoked");
  std::size_t ends = 0;
  for (const geo::audit_entry& e : stored().load_audit(100000))
    ends += e.action == "session.end" && e.subject == s["session_id"].get<std::string>();
  EXPECT_EQ(ends, 1u);
}

TEST(ApiSessions, AnExpiredSessionIsRefused) {
  test_support::http_client client;
  const json s = body_of(exchange_code(client, issue_pic_link(client, "Pak Dedi")));
  change_behind_the_server("UPDATE tokens SET expires_at = '2024-01-01T00:00:00Z' WHERE id = '" +
                           s["session_id"].get<std::string>() + "'");
  expect_problem(as_bearer(client, "GET", "/api/v1/me", s["token"]), 401, token_refused,
                 "Authorization: the session expired at 2024-01-01T00:00:00Z");
}

TEST(ApiSessions, OnlyASessionEndsItselfAndAnApiTokenStays) {
  test_support::http_client client;
  expect_problem(post(client, "/api/v1/sessions/end", json::object(), "pic"), 403,
                 "urn:sasaran:problem:forbidden",
                 "token " + body_of(get(client, "/api/v1/me", "pic"))["token"].get<std::string>() +
                     " is an API token, not a session; revoke it with sasaran token revoke");
  EXPECT_EQ(get(client, "/api/v1/me", "pic").status, 200);
  expect_problem(post(client, "/api/v1/sessions/end", json::object(), ""), 401,
                 "urn:sasaran:problem:sign-in-required", "sign in with the session to end it");
}

TEST(ApiSessions, OnlyAdminsIssueLinksAndTheScopeMustFitTheRole) {
  test_support::http_client client;
  const json ask = {{"role", "planner"}, {"name", "Pak Budi"}};
  for (const char* role : {"planner", "pic", "collaborator"})
    expect_problem(post(client, "/api/v1/sign-in-links", ask, role), 403,
                   "urn:sasaran:problem:forbidden",
                   std::string("role ") + role + " may not issue sign-in links (admins do)");
  expect_problem(post(client, "/api/v1/sign-in-links", ask, ""), 401,
                 "urn:sasaran:problem:sign-in-required",
                 "sign in with a bearer token to issue sign-in links (admins do)");
  const std::vector<std::pair<json, std::string>> wrong = {
      {{{"role", "pic"}, {"name", "X"}}, "areas"},
      {{{"role", "pic"}, {"name", "X"}, {"areas", {"9999"}}}, "areas"},
      {{{"role", "planner"}, {"name", "X"}, {"areas", {env().pic_area()}}}, "areas"},
      {{{"role", "collaborator"}, {"name", "X"}}, "collaborator"},
      {{{"role", "sultan"}, {"name", "X"}}, "role"},
      {{{"role", "planner"}}, "name"},
      {{{"role", "planner"}, {"name", "X"}, {"expires_in_hours", 0}}, "expires_in_hours"},
      {{{"role", "planner"}, {"name", "X"}, {"expires_in_hours", 721}}, "expires_in_hours"},
      {{{"role", "planner"}, {"name", "X"}, {"code", "mine"}}, "code"},
  };
  const std::size_t before = stored().load_links().size();
  for (const auto& [body, parameter] : wrong) {
    const http_response r = post(client, "/api/v1/sign-in-links", body, "admin");
    EXPECT_EQ(r.status, 400) << body.dump() << " " << r.body;
    EXPECT_EQ(body_of(r)["parameter"], parameter) << body.dump();
  }
  EXPECT_EQ(stored().load_links().size(), before);

  const http_response made = post(client, "/api/v1/sign-in-links",
                                  {{"role", "collaborator"},
                                   {"name", "Bu Wati"},
                                   {"collaborator", env().collaborator_of("collaborator")},
                                   {"expires_in_hours", 1}},
                                  "admin");
  ASSERT_EQ(made.status, 201) << made.body;
  const json s = body_of(exchange_code(
      client, body_of(made)["link"].get<std::string>().substr(env().base_url().size() + 8)));
  EXPECT_EQ(s["role"], "collaborator");
  EXPECT_EQ(s["collaborator"], env().collaborator_of("collaborator"));
  EXPECT_EQ(s["areas"], json::array());
}

}  // namespace
