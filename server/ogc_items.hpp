#pragma once
#include <cstddef>
#include <string>

#include "server/http.hpp"
#include "server/ogc_collection.hpp"

namespace server {

/// Page sizes of /items (OGC 17-069r4 requirement 20): 100 by default, at most 10,000; a larger
/// `limit` is read as 10,000 rather than refused (requirement 21 C of the 1.0.1 corrigendum).
inline constexpr std::size_t default_item_limit = 100;
inline constexpr std::size_t max_item_limit = 10000;

/// GET /ogc/collections/{id}/items: the collection's features that intersect `bbox` and match
/// the equality filters, one page of them at `offset`, as a GeoJSON FeatureCollection with
/// numberMatched, numberReturned, timeStamp and absolute self, collection, next and prev links
/// that keep the other parameters. `datetime` is checked and matches every feature: none of
/// the collections has a temporal geometry (requirement 25 C). Unknown or malformed
/// parameters are a 400 naming the parameter. `time_stamp` (RFC 3339) is the timeStamp: now,
/// or for a collection fixed_between_imports, when its data was imported.
response items_response(const ogc_collection& c, const request& r, const std::string& time_stamp);

/// GET /ogc/collections/{id}/items/{fid}: one feature with self and collection links; 404 when
/// the collection has no such feature (or none the caller may see).
response item_response(const ogc_collection& c, const request& r, const std::string& fid);

}  // namespace server
