#pragma once
#include <filesystem>

#include "server/router.hpp"

namespace server {

/// True when `dir` holds an index.html, i.e. the web map was built (scripts/build-web.sh).
bool has_web_map(const std::filesystem::path& dir);

/// The Content-Type for a file name's extension ("app.js" -> "text/javascript; charset=utf-8");
/// application/octet-stream for an unknown one.
std::string_view content_type_of(std::string_view file_name);

/// True when `name` may name a file of the web map: letters, digits, '.', '_' and '-' only,
/// not starting with '.', so that no name reaches outside the folder ("..", "/", "\", NUL) nor
/// a hidden file.
bool is_servable_name(std::string_view name);

/// GET / (the folder's index.html) and GET /{file} (a regular file directly in `dir`, by a
/// servable name), for the built web map. Files are read when first asked for and again when
/// their size or modification time changes (a rebuild while serving), kept with a strong ETag
/// and gzipped once; answers carry `Cache-Control: no-cache`, so browsers revalidate and get a
/// 304 while the file is unchanged. Register these after every other route: the router gives a
/// path to the first route that matches, so /healthz, /metrics and /ogc keep theirs. Without an
/// index.html in `dir`, / is a 404 that says to run scripts/build-web.sh; the API still works.
void add_static_routes(router& routes, const std::filesystem::path& dir);

}  // namespace server
