#pragma once
#include <memory>
#include <string>
#include <vector>

#include "server/http.hpp"
#include "server/ogc_collection.hpp"

namespace server {

using ogc_collections = std::vector<std::unique_ptr<ogc_collection>>;

/// The conformance classes we implement (OGC 17-069r4 §7.4): Core, GeoJSON, and OpenAPI 3.0
/// for the definition at /ogc/api. Not HTML, not Part 2 (CRS by reference).
inline constexpr const char* conformance_classes[] = {
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
};

/// The landing page (§7.2): title, description, and links to itself, the API definition
/// (service-desc), the conformance declaration and the collections (data).
std::string landing_document(const request& r);
/// The conformance declaration: {"conformsTo": [...]}.
std::string conformance_document();
/// The collections (§7.13): a self link and each collection's description.
std::string collections_document(const request& r, const ogc_collections& all);
/// One collection (§7.14): id, title, description, itemType, extent (bbox in CRS84), and links
/// to itself and its items.
std::string collection_document(const request& r, const ogc_collection& c);

}  // namespace server
