#include "geo/import/text_file.hpp"

#include <gtest/gtest.h>

#include <string>

#include "geo/error.hpp"

namespace {

const std::string data_dir = SASARAN_TEST_DATA;

// Runs `read_text_file` expecting input_error and returns its message, so tests compare the
// whole text rather than a substring.
std::string error_reading(const std::string& path) {
  try {
    geo::read_text_file(path);
  } catch (const geo::input_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(TextFile, ReadsPlainFile) {
  EXPECT_EQ(geo::read_text_file(data_dir + "/text-hello.txt"), "hello\n");
}

// Found by the fuzz targets reading small files (tests/fuzz): every read of a plain file took a
// zero-filled 256 KB buffer and the text kept it, whatever the file's size.
TEST(TextFile, ReadsSmallPlainFileIntoTextOfItsSize) {
  const std::string text = geo::read_text_file(data_dir + "/text-hello.txt");
  EXPECT_EQ(text, "hello\n");
  EXPECT_LT(text.capacity(), 64u);
}

TEST(TextFile, ReadsFileThatReportsNoSizeToItsEnd) {
  // /proc files report size 0: the reader cannot size its buffer and reads until end-of-file.
  const std::string text = geo::read_text_file("/proc/self/maps");
  EXPECT_GT(text.size(), 0u);
  EXPECT_EQ(text.back(), '\n');
}

TEST(TextFile, ReadsGzipCompressedFile) {
  EXPECT_EQ(geo::read_text_file(data_dir + "/text-hello.txt.gz"), "hello\n");
}

TEST(TextFile, ReadsEmptyFileAsEmptyText) {
  EXPECT_EQ(geo::read_text_file(data_dir + "/text-empty.txt"), "");
}

TEST(TextFile, NamesTheFileItCannotOpen) {
  const std::string path = data_dir + "/no-such-file.csv";
  EXPECT_EQ(error_reading(path), "cannot open '" + path + "': No such file or directory");
}

TEST(TextFile, NamesTheGzipFileItCannotOpen) {
  const std::string path = data_dir + "/no-such-file.csv.gz";
  EXPECT_EQ(error_reading(path), "cannot open '" + path + "': No such file or directory");
}

TEST(TextFile, NamesTheDirectoryItCannotRead) {
  EXPECT_EQ(error_reading(data_dir), "cannot read '" + data_dir + "': Is a directory");
}

TEST(TextFile, RejectsTruncatedGzipFileInsteadOfReturningPartOfIt) {
  const std::string path = data_dir + "/text-hello-truncated.txt.gz";
  EXPECT_EQ(error_reading(path), "cannot decompress '" + path + "': unexpected end of file");
}

}  // namespace
