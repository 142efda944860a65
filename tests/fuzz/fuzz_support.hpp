#pragma once
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

// Helpers shared by the fuzz targets (tests/fuzz/fuzz_*.cpp).
namespace fuzz_support {

/// Stops the run with a message: libFuzzer saves the input as a crash artifact.
[[noreturn]] inline void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz finding: %s\n", what.c_str());
  std::abort();
}

/// Checks an invariant of the code under test; a failure is a finding.
inline void require(bool holds, const std::string& what) {
  if (!holds) finding(what);
}

/// The fuzzer's bytes as text.
inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// A file in memory (memfd) that our readers open by path like any file, so that inputs reach
/// code taking paths (read_text_file, the importers) without touching the disk.
class memory_file {
 public:
  memory_file() : m_fd(memfd_create("sasaran-fuzz", 0)) {
    require(m_fd >= 0, "memfd_create failed");
    m_path = "/proc/self/fd/" + std::to_string(m_fd);
  }
  ~memory_file() { ::close(m_fd); }
  memory_file(const memory_file&) = delete;
  memory_file& operator=(const memory_file&) = delete;

  /// Replaces the content; returns the path to open.
  const std::string& write(std::string_view bytes) {
    require(::ftruncate(m_fd, 0) == 0, "ftruncate failed");
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n =
          ::pwrite(m_fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
      require(n > 0, "pwrite failed");
      done += static_cast<std::size_t>(n);
    }
    return m_path;
  }
  const std::string& path() const { return m_path; }

 private:
  int m_fd;
  std::string m_path;
};

}  // namespace fuzz_support
