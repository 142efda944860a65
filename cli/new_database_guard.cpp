#include "cli/new_database_guard.hpp"

#include <unistd.h>

#include <system_error>

#include "geo/store/open_store.hpp"

namespace cli {
namespace {

std::atomic<const new_database_guard*> g_current{nullptr};

}  // namespace

new_database_guard::new_database_guard(const std::string& path) {
  // A PostgreSQL database is made by its server, not by us, and a failed import leaves
  // nothing in it (one transaction): there are no files to remove.
  if (geo::is_postgres_url(path)) return;
  const std::filesystem::path db(path);
  m_existed = std::filesystem::exists(db);
  if (m_existed) return;
  for (std::filesystem::path folder = db.parent_path();
       !folder.empty() && !std::filesystem::exists(folder); folder = folder.parent_path())
    m_made_folders.insert(m_made_folders.begin(), folder);
  if (db.has_parent_path()) std::filesystem::create_directories(db.parent_path());
  m_files = {path, path + "-journal", path + "-wal", path + "-shm"};
  g_current.store(this);
}

new_database_guard::~new_database_guard() {
  if (m_existed) return;
  g_current.store(nullptr);
  if (m_keep.load()) return;
  unlink_files();
  std::error_code ignored;
  for (auto folder = m_made_folders.rbegin(); folder != m_made_folders.rend(); ++folder)
    std::filesystem::remove(*folder, ignored);  // only when empty
}

void new_database_guard::unlink_current() noexcept {
  if (const new_database_guard* guard = g_current.load()) guard->unlink_files();
}

void new_database_guard::unlink_files() const noexcept {
  if (m_existed || m_keep.load()) return;
  for (const std::string& file : m_files)
    ::unlink(file.c_str());
}

}  // namespace cli
