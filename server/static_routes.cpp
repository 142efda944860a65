#include "server/static_routes.hpp"

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "server/etag.hpp"
#include "server/gzip.hpp"

namespace server {
namespace fs = std::filesystem;
namespace {

// Below this size gzip saves less than its header costs, as the edge also judges.
constexpr std::size_t min_gzip_bytes = 1024;

struct static_file {
  fs::file_time_type modified;
  std::uintmax_t size = 0;
  std::string_view content_type;
  std::string bytes;
  std::string gzipped;  // empty: served as is
  std::string etag;     // strong, of `bytes`; the gzipped form's ends in -gzip inside the quotes
};

bool is_compressible(std::string_view content_type) {
  return content_type.starts_with("text/") || content_type.starts_with("application/json") ||
         content_type.starts_with("image/svg+xml");
}

std::string read_whole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) throw std::runtime_error("web map: could not open '" + path.string() + "'");
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) throw std::runtime_error("web map: could not read '" + path.string() + "'");
  return std::move(out).str();
}

// The files of one folder as last read, re-read when their size or time changes.
class static_files {
 public:
  explicit static_files(fs::path dir) : m_dir(std::move(dir)) {}

  const fs::path& dir() const { return m_dir; }

  /// The regular file `name` directly in the folder (a symlink is not followed), current;
  /// null when there is none. `name` must already be servable.
  std::shared_ptr<const static_file> find(const std::string& name) {
    const fs::path path = m_dir / name;
    std::error_code ec;
    if (!fs::is_regular_file(fs::symlink_status(path, ec)) || ec) return nullptr;
    const fs::file_time_type modified = fs::last_write_time(path, ec);
    if (ec) return nullptr;
    const std::uintmax_t size = fs::file_size(path, ec);
    if (ec) return nullptr;
    {
      const std::lock_guard lock(m_lock);
      const auto it = m_kept.find(name);
      if (it != m_kept.end() && it->second->modified == modified && it->second->size == size)
        return it->second;
    }
    auto made = std::make_shared<static_file>();
    made->modified = modified;
    made->content_type = content_type_of(name);
    made->bytes = read_whole(path);
    // A file rewritten while read keeps its new size, so the next request reads it again.
    made->size = made->bytes.size();
    made->etag = strong_etag(made->bytes);
    if (made->bytes.size() >= min_gzip_bytes && is_compressible(made->content_type))
      made->gzipped = gzip(made->bytes);
    const std::lock_guard lock(m_lock);
    m_kept[name] = made;
    return made;
  }

 private:
  fs::path m_dir;
  std::mutex m_lock;
  std::unordered_map<std::string, std::shared_ptr<const static_file>> m_kept;
};

response answer_file(const static_file& f, const request& r) {
  // no-cache: browsers keep the file but ask again, so a rebuilt page is seen on reload.
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Cache-Control", "no-cache"}, {"X-Content-Type-Options", "nosniff"}};
  const bool gzipped = !f.gzipped.empty() && accepts_gzip(r.header("accept-encoding").value_or(""));
  const std::string etag = gzipped ? gzip_etag(f.etag) : f.etag;
  headers.emplace_back("ETag", etag);
  if (none_match(r.header("if-none-match"), f.etag)) return {304, "", "", std::move(headers)};
  // Gzipped once when read, not per request; the edge leaves an encoded body alone.
  if (gzipped) {
    headers.emplace_back("Content-Encoding", "gzip");
    return {200, std::string(f.content_type), f.gzipped, std::move(headers)};
  }
  return {200, std::string(f.content_type), f.bytes, std::move(headers)};
}

}  // namespace

bool has_web_map(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "index.html", ec);
}

std::string_view content_type_of(std::string_view file_name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> types = {{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".webp", "image/webp"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
      {".wasm", "application/wasm"},
  }};
  for (const auto& [extension, type] : types)
    if (file_name.ends_with(extension)) return type;
  return "application/octet-stream";
}

bool is_servable_name(std::string_view name) {
  if (name.empty() || name.front() == '.') return false;
  for (const char c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '_' || c == '-';
    if (!plain) return false;
  }
  return true;
}

void add_static_routes(router& routes, const fs::path& dir) {
  auto files = std::make_shared<static_files>(dir);
  routes.add("GET", "/", [files](request& r) {
    const std::shared_ptr<const static_file> index = files->find("index.html");
    if (!index)
      throw http_error(404, "the web map is not built: no index.html in '" + files->dir().string() +
                                "'; run scripts/build-web.sh (or give sasaran serve --web DIR)");
    return answer_file(*index, r);
  });
  // One segment only (the router's {name} never holds a '/'); the name is checked before it
  // meets the file system, and only regular files directly in the folder are served.
  routes.add("GET", "/{file}", [files](request& r) {
    const std::string& name = r.param("file");
    const std::shared_ptr<const static_file> found =
        is_servable_name(name) ? files->find(name) : nullptr;
    if (!found) throw http_error(404, "no resource at " + r.path);
    return answer_file(*found, r);
  });
}

}  // namespace server
