#pragma once
#include <cstddef>

#include "server/query_params.hpp"

namespace server {

/// What a `limit` above a route's maximum means: a 400 (the API's own routes), or the maximum
/// (OGC API Features, requirement 21 C of OGC 17-069r4).
enum class over_limit { refused, read_as_max };

/// How a route pages: the default and largest `limit`, and the largest `offset` (far past any
/// list the server holds, and small enough that offset + limit cannot overflow).
struct page_limits {
  std::size_t default_limit = 0;
  std::size_t max_limit = 0;
  over_limit larger = over_limit::refused;
  std::size_t max_offset = 100'000'000;
};

/// One page of a list: up to `limit` items from position `offset` (the first item is 0).
struct page_window {
  std::size_t limit = 0;
  std::size_t offset = 0;

  /// True for a position on the page.
  bool shows(std::size_t position) const { return position >= offset && position - offset < limit; }
  /// The positions on the page of a list of `total` items: [first(total), end(total)).
  std::size_t first(std::size_t total) const { return offset < total ? offset : total; }
  std::size_t end(std::size_t total) const {
    return total - first(total) > limit ? first(total) + limit : total;
  }
  std::size_t returned(std::size_t total) const { return end(total) - first(total); }
  /// True when items of a list of `total` follow the page.
  bool has_next(std::size_t total) const { return offset < total && total - offset > limit; }
  std::size_t next_offset() const { return offset + limit; }
  /// The offset of the page before, 0 at most a page from the start.
  std::size_t previous_offset() const { return offset > limit ? offset - limit : 0; }
};

/// The `limit` and `offset` of a request: limit from 1 to max_limit (default_limit when
/// absent), offset from 0 to max_offset (0 when absent); otherwise a 400 naming the parameter,
/// "limit: expected an integer from 1 to 1000, got '0'". With over_limit::read_as_max a larger
/// whole number is read as max_limit and the message says so: "limit: expected an integer
/// from 1 to 10000 (larger ones are read as 10000), got 'x'". The limit is read first.
page_window read_page_window(const query_params& q, const page_limits& limits);

}  // namespace server
