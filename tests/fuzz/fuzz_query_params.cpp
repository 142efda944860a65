// Query strings as the API reads them: percent-decoding (server/url), splitting into
// parameters (parse_query), and the strict typed readers (server/query_params) over them.
// Only server::http_error with status 400 may leave them, naming the parameter where one is at
// fault; a value they accept lies in the range asked for; encoding then decoding gives back
// any text.
#include <algorithm>
#include <cmath>

#include "geo/target.hpp"
#include "server/query_params.hpp"
#include "server/url.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using fuzz_support::require;

template <typename Read>
void read_param(Read read) {
  try {
    read();
  } catch (const server::http_error& e) {
    require(e.status() == 400, "a parameter reader refused with " + std::to_string(e.status()));
    require(!e.parameter().empty(), "a parameter reader refused without naming the parameter");
  }
}

void read_params(const server::query_params& q) {
  read_param([&] {
    const double lon = q.number("lon", -180, 180);
    require(lon >= -180 && lon <= 180, "number() out of its range");
  });
  read_param([&] {
    if (const auto d = q.optional_number("max_distance_m", 0, 50000))
      require(*d >= 0 && *d <= 50000, "optional_number() out of its range");
  });
  read_param([&] {
    const std::size_t k = q.count("k", 10, 1, 100);
    require(k >= 1 && k <= 100, "count() out of its range");
  });
  read_param([&] {
    const std::string order = q.one_of("order", "unserved", {"unserved", "unmet_priority"});
    require(order == "unserved" || order == "unmet_priority", "one_of() gave another word");
  });
  read_param([&] {
    if (const auto program = q.program())
      require(geo::is_program(*program), "program() gave an unknown program");
  });
  read_param([&] {
    if (const auto b = q.box("bbox", 0.5))
      require(b->min_x >= -180 && b->max_x <= 180 && b->min_y >= -90 && b->max_y <= 90 &&
                  b->min_x <= b->max_x && b->min_y <= b->max_y && b->max_x - b->min_x <= 0.5 &&
                  b->max_y - b->min_y <= 0.5,
              "box() out of its bounds");
  });
  read_param([&] { q.text("q"); });
  for (const auto& [name, value] : q.all())
    if (const auto d = server::parse_strict_double(value))
      require(std::isfinite(*d), "parse_strict_double gave a non-finite number");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz_support::text_of(data, size);

  require(server::percent_decode(server::percent_encode(text), true) == text,
          "percent_decode(percent_encode(x)) is not x");
  for (const bool plus_is_space : {false, true}) {
    try {
      const std::string decoded = server::percent_decode(text, plus_is_space);
      require(decoded.size() <= text.size(), "decoding made the text longer");
    } catch (const server::http_error& e) {
      require(e.status() == 400, "percent_decode refused with " + std::to_string(e.status()));
    }
  }

  server::request r;
  r.method = "GET";
  try {
    r.query = server::parse_query(text);
  } catch (const server::http_error& e) {
    require(e.status() == 400, "parse_query refused with " + std::to_string(e.status()));
    return 0;
  }
  try {
    const server::query_params q(
        r, {"lon", "lat", "k", "max_distance_m", "order", "program", "bbox", "q", "limit"});
    read_params(q);
  } catch (const server::http_error& e) {
    require(e.status() == 400, "query_params refused with " + std::to_string(e.status()));
    require(std::any_of(r.query.begin(), r.query.end(),
                        [&](const auto& p) { return p.first == e.parameter(); }),
            "query_params refused naming a parameter not given: '" + e.parameter() + "'");
  }
  return 0;
}
