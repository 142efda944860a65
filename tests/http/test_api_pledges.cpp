// The write journeys over HTTP: a collaborator pledges, cancels, a PIC records the delivery;
// conflicts, idempotent retries, roles, the audit log, and durability across a SIGKILL.
#include <gtest/gtest.h>

#include <optional>

#include "geo/audit_entry.hpp"
#include "geo/realization.hpp"
#include "tests/http/api_test_support.hpp"

namespace {

using namespace api_test;

// An open target of the PIC's kelurahan, a different one on each call.
std::string open_target_in_pic_area() {
  static std::size_t taken = 0;
  test_support::http_client client;
  const json page = body_of(
      get(client, "/api/v1/targets?status=open&limit=200&area=" + env().pic_area(), "admin"));
  for (std::size_t i = taken; i < page["targets"].size(); ++i)
    if (page["targets"][i]["located"] == true) {
      taken = i + 1;
      return page["targets"][i]["id"];
    }
  ADD_FAILURE() << "no open target left in " << env().pic_area();
  return "";
}

json rw_coverage(test_support::http_client& client, const std::string& rw) {
  return body_of(get(client, "/api/v1/areas/" + rw))["coverage"]["all"];
}

std::size_t stored_pledges() {
  return stored().load_pledges().size();
}

std::size_t stored_realizations_of(const std::string& pledge_id) {
  std::size_t n = 0;
  for (const geo::realization& r : stored().load_realizations())
    n += r.pledge_id == pledge_id;
  return n;
}

TEST(ApiPledges, PledgeHoldsTheTargetUpdatesCoverageAtOnceAndRefusesDoubleHelp) {
  test_support::http_client client;
  const std::string target = open_target_in_pic_area();
  const http_response made =
      post(client, "/api/v1/pledges", {{"target", target}, {"form", "barang"}, {"quantity", 2}},
           "collaborator");
  ASSERT_EQ(made.status, 201) << made.body;
  const json pledge = body_of(made);
  EXPECT_EQ(made.header("location"), "/api/v1/pledges/" + pledge["id"].get<std::string>());
  EXPECT_EQ(pledge["collaborator"], env().collaborator_of("collaborator"));
  EXPECT_EQ(pledge["status"], "committed");
  EXPECT_EQ(pledge["target_status"], "pledged");
  const std::string rw = pledge["rw"];

  const json before_cancel = rw_coverage(client, rw);
  EXPECT_EQ(body_of(get(client, "/api/v1/targets/" + target, "admin"))["status"], "pledged");

  const http_response twice =
      post(client, "/api/v1/pledges", {{"target", target}, {"form", "uang"}, {"amount_idr", 50000}},
           "aggregator");
  EXPECT_EQ(twice.status, 409) << twice.body;
  EXPECT_EQ(body_of(twice)["holder"], pledge["id"]);
  EXPECT_EQ(body_of(twice)["type"], "urn:sasaran:problem:target-taken");
  EXPECT_EQ(twice.header("content-type"), "application/problem+json");

  const http_response cancelled =
      post(client, "/api/v1/pledges/" + pledge["id"].get<std::string>() + "/cancel", json::object(),
           "collaborator");
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(body_of(cancelled)["status"], "cancelled");
  const json after_cancel = rw_coverage(client, rw);
  EXPECT_EQ(after_cancel["pledged"].get<int>(), before_cancel["pledged"].get<int>() - 1);
  EXPECT_EQ(after_cancel["unserved"].get<int>(), before_cancel["unserved"].get<int>() + 1);
  const http_response cancelled_again =
      post(client, "/api/v1/pledges/" + pledge["id"].get<std::string>() + "/cancel", json::object(),
           "collaborator");
  EXPECT_EQ(cancelled_again.status, 409);
  EXPECT_EQ(body_of(cancelled_again)["type"], "urn:sasaran:problem:pledge-cancelled");
}

TEST(ApiPledges, ARetryWithTheSameIdempotencyKeyGetsTheFirstAnswerAndCreatesNothing) {
  test_support::http_client client;
  const std::string target = open_target_in_pic_area();
  const json ask = {{"target", target}, {"form", "uang"}, {"amount_idr", 250000}};
  const std::size_t pledges_before = stored_pledges();
  const http_response first =
      post(client, "/api/v1/pledges", ask, "collaborator", {"Idempotency-Key: retry-1"});
  ASSERT_EQ(first.status, 201) << first.body;
  const http_response again =
      post(client, "/api/v1/pledges", ask, "collaborator", {"Idempotency-Key: retry-1"});
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  EXPECT_EQ(again.header("location"), first.header("location"));
  EXPECT_EQ(stored_pledges(), pledges_before + 1);
  const http_response other =
      post(client, "/api/v1/pledges", {{"target", target}, {"form", "barang"}, {"quantity", 1}},
           "collaborator", {"Idempotency-Key: retry-1"});
  EXPECT_EQ(other.status, 422) << other.body;
  EXPECT_EQ(body_of(other)["type"], "urn:sasaran:problem:idempotency-key-reused");
}

TEST(ApiPledges, ThePicOfTheAreaRecordsADeliveryOnceEvenWhenRetried) {
  test_support::http_client client;
  const std::string target = open_target_in_pic_area();
  const json pledge =
      body_of(post(client, "/api/v1/pledges",
                   {{"target", target}, {"form", "barang"}, {"quantity", 1}}, "collaborator"));
  const std::string path = "/api/v1/pledges/" + pledge["id"].get<std::string>() + "/realizations";
  const json delivery = {{"delivered_by", "Bu Sari (PIC)"},
                         {"delivered_at", "2026-11-27"},
                         {"note", "1 paket sembako"},
                         {"quantity", 1}};
  EXPECT_EQ(post(client, path, delivery, "planner").status, 403);
  EXPECT_EQ(post(client, path, delivery, "").status, 401);
  const http_response done = post(client, path, delivery, "pic", {"Idempotency-Key: d-1"});
  ASSERT_EQ(done.status, 201) << done.body;
  const json realization = body_of(done)["realization"];
  EXPECT_EQ(realization["delivered_by"], "Bu Sari (PIC)");
  EXPECT_EQ(body_of(done)["pledge"]["status"], "delivered");
  const http_response retried = post(client, path, delivery, "pic", {"Idempotency-Key: d-1"});
  EXPECT_EQ(retried.status, 201);
  EXPECT_EQ(body_of(retried)["realization"]["id"], realization["id"]);
  EXPECT_EQ(stored_realizations_of(pledge["id"].get<std::string>()), 1u);
  const http_response second = post(client, path, delivery, "pic");
  EXPECT_EQ(second.status, 409) << second.body;
  EXPECT_EQ(body_of(second)["type"], "urn:sasaran:problem:pledge-delivered");
  const http_response cancel_delivered =
      post(client, "/api/v1/pledges/" + pledge["id"].get<std::string>() + "/cancel", json::object(),
           "admin");
  EXPECT_EQ(cancel_delivered.status, 409) << cancel_delivered.body;
  EXPECT_EQ(body_of(cancel_delivered)["type"], "urn:sasaran:problem:pledge-delivered");
  EXPECT_EQ(body_of(get(client, "/api/v1/targets/" + target, "pic"))["status"], "delivered");
  const json read =
      body_of(get(client, "/api/v1/pledges/" + pledge["id"].get<std::string>(), "collaborator"));
  ASSERT_EQ(read["realizations"].size(), 1u);
}

TEST(ApiPledges, OnlyCollaboratorsAndAggregatorsPledgeAndOnlyForThemselves) {
  test_support::http_client client;
  const std::string target = open_target_in_pic_area();
  const json ask = {{"target", target}, {"form", "barang"}, {"quantity", 1}};
  EXPECT_EQ(post(client, "/api/v1/pledges", ask, "").status, 401);
  EXPECT_EQ(post(client, "/api/v1/pledges", ask, "planner").status, 403);
  EXPECT_EQ(post(client, "/api/v1/pledges", ask, "pic").status, 403);
  json as_other = ask;
  as_other["collaborator"] = env().collaborator_of("aggregator");
  const http_response r = post(client, "/api/v1/pledges", as_other, "collaborator");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(body_of(r)["parameter"], "collaborator");
}

TEST(ApiPledges, RefusesBadFieldsNamingThem) {
  test_support::http_client client;
  const std::string target = open_target_in_pic_area();
  const auto field_of = [&](const json& ask) {
    const http_response r = post(client, "/api/v1/pledges", ask, "collaborator");
    EXPECT_EQ(r.status, 400) << r.body;
    return body_of(r).value("parameter", "");
  };
  EXPECT_EQ(field_of({{"target", target}, {"form", "barang"}}), "quantity");
  EXPECT_EQ(field_of({{"target", target}, {"form", "uang"}, {"amount_idr", 0}}), "amount_idr");
  EXPECT_EQ(field_of({{"target", target}, {"form", "kiriman"}, {"quantity", 1}}), "form");
  EXPECT_EQ(field_of({{"target", "T9999999"}, {"form", "barang"}, {"quantity", 1}}), "target");
  EXPECT_EQ(field_of({{"form", "barang"}, {"quantity", 1}}), "target");
  EXPECT_EQ(field_of({{"target", target}, {"form", "barang"}, {"quantity", "1"}}), "quantity");
  EXPECT_EQ(field_of({{"target", target}, {"form", "barang"}, {"quantity", 1}, {"x", 1}}), "x");
}

TEST(ApiPledges, EveryWriteIsInTheAuditLogWithWhoAndWhichRequest) {
  test_support::http_client client;
  const std::string target = open_target_in_pic_area();
  const http_response made =
      post(client, "/api/v1/pledges", {{"target", target}, {"form", "barang"}, {"quantity", 3}},
           "aggregator");
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string request_id = made.header("x-request-id").value_or("");
  std::optional<geo::audit_entry> entry;
  for (geo::audit_entry& e : stored().load_audit(1000))
    if (e.request_id == request_id) entry = std::move(e);
  ASSERT_TRUE(entry) << request_id;
  EXPECT_EQ(entry->action, "pledge.create");
  EXPECT_EQ(entry->subject, body_of(made)["id"]);
  EXPECT_EQ(entry->role, "aggregator");
  EXPECT_NE(entry->actor, "");

  const json log = body_of(get(client, "/api/v1/audit?limit=20", "admin"));
  bool listed = false;
  for (const json& e : log["entries"]) {
    listed = listed || (e["request_id"] == request_id && e["action"] == "pledge.create");
  }
  EXPECT_TRUE(listed) << log;
  EXPECT_EQ(get(client, "/api/v1/audit", "planner").status, 403);
  EXPECT_EQ(get(client, "/api/v1/audit").status, 401);
}

TEST(ApiPledges, APledgeAnsweredBeforeASigkillIsThereAfterTheRestart) {
  test_support::http_client client;
  const std::string target = open_target_in_pic_area();
  const http_response made =
      post(client, "/api/v1/pledges", {{"target", target}, {"form", "barang"}, {"quantity", 1}},
           "collaborator");
  ASSERT_EQ(made.status, 201) << made.body;
  env().restart_after_sigkill();
  test_support::http_client after;
  const http_response read =
      get(after, "/api/v1/pledges/" + body_of(made)["id"].get<std::string>(), "collaborator");
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(body_of(read)["status"], "committed");
  EXPECT_EQ(body_of(get(after, "/api/v1/targets/" + target, "admin"))["status"], "pledged");
}

}  // namespace
