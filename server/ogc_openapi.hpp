#pragma once
#include <string>

#include "server/http.hpp"
#include "server/ogc_documents.hpp"

namespace server {

/// The OpenAPI 3.0 definition of the /ogc service (OGC 17-069r4 §7.2.4 and requirements class
/// oas30): one path per collection, its items and one item, with each collection's own query
/// parameters (its equality filters and options) so that clients such as GDAL can send
/// filters to the server; every status the routes answer; bearer tokens as an optional
/// security scheme. The server URL is the one the client called, + /ogc.
std::string openapi_document(const request& r, const ogc_collections& all);

}  // namespace server
