#pragma once
#include <string>

namespace geo {

/// Reads a whole file into memory. A path ending in ".gz" is gunzipped on the way; such a file
/// that turns out not to be gzip at all is returned as stored (zlib's transparent mode), so a
/// misnamed export still loads. A truncated or corrupt gzip stream is an error, not a short read.
/// Throws input_error naming the path: "cannot open 'P': REASON", "cannot read 'P': REASON" or
/// "cannot decompress 'P': ZLIB MESSAGE".
std::string read_text_file(const std::string& path);

}  // namespace geo
