// The strict JSON body reader of the API (server/json_body) over any body: parsing, the object
// check, unknown members, and the typed readers the pledge routes call. Only server::http_error
// with status 400 may leave it.
#include "server/json_body.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using fuzz_support::require;

template <typename Read>
void read_member(Read read) {
  try {
    read();
  } catch (const server::http_error& e) {
    require(e.status() == 400, "a member reader refused with " + std::to_string(e.status()));
    require(!e.parameter().empty(), "a member reader refused without naming the member");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  server::request r;
  r.method = "POST";
  r.path = "/api/v1/pledges";
  r.body = fuzz_support::text_of(data, size);
  try {
    // The members of POST /api/v1/pledges and of recording a delivery (server/pledge_routes).
    const server::json_body body(r, {"target", "program", "form", "amount_idr", "quantity",
                                     "collaborator", "delivered_by", "delivered_at", "note"});
    for (const char* name : {"target", "program", "form", "collaborator", "delivered_by",
                             "delivered_at", "note", "amount_idr"}) {
      read_member([&] { body.text(name); });
      read_member([&] {
        const std::string value = body.required_text(name);
        require(!value.empty(), "required_text gave an empty value");
      });
    }
    for (const char* name : {"amount_idr", "quantity", "target"})
      read_member([&] { body.integer(name); });
  } catch (const server::http_error& e) {
    require(e.status() == 400, "the body was refused with " + std::to_string(e.status()));
  }
  try {
    // A route that takes no members: anything but an empty body or {} is refused.
    const server::json_body none(r, {});
    require(r.body.empty() || r.body.find('{') != std::string::npos,
            "a body without an object was accepted");
  } catch (const server::http_error& e) {
    require(e.status() == 400, "the body was refused with " + std::to_string(e.status()));
  }
  return 0;
}
