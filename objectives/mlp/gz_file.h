// Reading gzip'd data files (digits CSV, Fashion-MNIST IDX) with zlib.
#pragma once

#include <string>

namespace objectives::mlp {

// Reads a whole gzip (or plain) file into memory; throws naming the file when it cannot be
// opened or the compressed stream is corrupt or truncated.
std::string read_gz_file(const std::string& path);

}  // namespace objectives::mlp
