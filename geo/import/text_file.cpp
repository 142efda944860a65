#include "geo/import/text_file.hpp"

#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "geo/error.hpp"

namespace geo {
namespace {

// Large enough that a 20 MB export costs a handful of syscalls and zlib refills, small enough
// that a tiny file does not pay for a big zero-filled buffer.
constexpr std::size_t chunk_size = std::size_t{1} << 18;

struct file_closer {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

struct gz_closer {
  void operator()(gzFile_s* file) const { gzclose(file); }
};

[[noreturn]] void fail(const char* what, const std::string& path, std::string_view reason) {
  throw input_error(std::string(what) + " '" + path + "': " + std::string(reason));
}

std::string read_plain(const std::string& path) {
  errno = 0;
  const std::unique_ptr<std::FILE, file_closer> file(std::fopen(path.c_str(), "rb"));
  if (!file) fail("cannot open", path, std::strerror(errno));

  std::string text;
  // The size is only a hint: pipes and /proc files report 0 and are read to the end anyway,
  // and the extra byte lets the first read see end-of-file without growing the string.
  std::size_t wanted = chunk_size;
  struct stat info {};
  if (fstat(fileno(file.get()), &info) == 0 && info.st_size > 0)
    wanted = static_cast<std::size_t>(info.st_size) + 1;
  for (;;) {
    const std::size_t old_size = text.size();
    text.resize(old_size + wanted);
    const std::size_t got = std::fread(text.data() + old_size, 1, wanted, file.get());
    text.resize(old_size + got);
    if (got < wanted) {
      if (std::ferror(file.get())) fail("cannot read", path, std::strerror(errno));
      return text;
    }
    wanted = std::max(text.capacity() - text.size(), chunk_size);
  }
}

std::string read_gzip(const std::string& path) {
  errno = 0;
  const std::unique_ptr<gzFile_s, gz_closer> file(gzopen(path.c_str(), "rb"));
  // gzopen fails without errno only when zlib itself cannot allocate its state.
  if (!file) fail("cannot open", path, std::strerror(errno != 0 ? errno : ENOMEM));
  gzbuffer(file.get(), static_cast<unsigned>(chunk_size));

  std::string text;
  int got = 0;
  do {
    const std::size_t old_size = text.size();
    text.resize(old_size + chunk_size);
    got = gzread(file.get(), text.data() + old_size, static_cast<unsigned>(chunk_size));
    text.resize(old_size + static_cast<std::size_t>(std::max(got, 0)));
  } while (got > 0);

  // A truncated stream ends with a short read and Z_BUF_ERROR rather than -1, so the error
  // state is checked after the loop instead of trusting the return value alone.
  int code = Z_OK;
  std::string_view message = gzerror(file.get(), &code);
  if (code == Z_OK) return text;
  // zlib prefixes its messages with the path, which our message already names.
  if (message.starts_with(path) && message.substr(path.size()).starts_with(": ")) {
    message.remove_prefix(path.size() + 2);
  }
  fail(code == Z_ERRNO ? "cannot read" : "cannot decompress", path, message);
}

}  // namespace

std::string read_text_file(const std::string& path) {
  return path.ends_with(".gz") ? read_gzip(path) : read_plain(path);
}

}  // namespace geo
