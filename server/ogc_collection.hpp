#pragma once
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geo/bbox.hpp"
#include "server/http.hpp"
#include "server/ogc_feature.hpp"
#include "server/query_params.hpp"

namespace server {

/// The features a query selects, in id order. Each feature is built only when asked for, so a
/// page of 100 out of 250,000 targets builds 100 (and a filter builds each once).
struct ogc_selection {
  std::size_t size = 0;
  std::function<ogc_feature(std::size_t)> at;
};

/// One collection of the OGC API - Features service (OGC 17-069r4): what its metadata says and
/// which features a caller may see. The generic parts (paging, links, filters, bbox parsing)
/// live in ogc_items; a collection only selects and builds features.
class ogc_collection {
 public:
  virtual ~ogc_collection() = default;

  virtual std::string_view id() const = 0;
  virtual std::string_view title() const = 0;
  virtual std::string_view description() const = 0;
  /// Bounds of every feature, CRS84; empty when there are none.
  virtual geo::bbox extent() const = 0;
  /// Properties an items request may filter on by equality (`?kelurahan_code=3171010001`).
  virtual std::vector<std::string_view> queryables() const = 0;
  /// Further query parameters the collection's items and item take (coverage: `program`).
  virtual std::vector<std::string_view> options() const { return {}; }

  /// True when its answers depend on the data loaded from an import alone: not on the caller,
  /// not on writes (pledges, locations). They then carry an ETag and are kept compressed
  /// (server/compressed_answers), and their timeStamp is the import's.
  virtual bool fixed_between_imports() const { return false; }

  /// The features the caller may see, those whose geometry intersects `box` when one is given,
  /// in id order. Throws http_error (401) when the caller may see none of them.
  virtual ogc_selection select(const request& r, const query_params& q,
                               const std::optional<geo::bbox>& box) const = 0;
  /// One feature by id as the caller may see it; nothing when it is unknown or not shown.
  virtual std::optional<ogc_feature> find(const request& r, const query_params& q,
                                          const std::string& fid) const = 0;
};

}  // namespace server
