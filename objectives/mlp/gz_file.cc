#include "objectives/mlp/gz_file.h"

#include <zlib.h>

#include <stdexcept>

namespace objectives::mlp {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw std::runtime_error(path + ": " + what);
}

}  // namespace

std::string read_gz_file(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) fail(path, "cannot open file");
  gzbuffer(f, 1 << 17);
  std::string out;
  char buf[1 << 16];
  for (;;) {
    const int n = gzread(f, buf, sizeof buf);
    if (n < 0) {
      int errnum = 0;
      const char* msg = gzerror(f, &errnum);
      std::string text = msg ? msg : "read error";
      gzclose(f);
      fail(path, "corrupt gzip data (" + text + ")");
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  // gzread returns 0 at a truncated end; gzerror then reports Z_BUF_ERROR.
  int errnum = 0;
  const char* msg = gzerror(f, &errnum);
  if (errnum != Z_OK) {
    std::string text = msg ? msg : "read error";
    gzclose(f);
    fail(path, "corrupt or truncated gzip data (" + text + ")");
  }
  gzclose(f);
  return out;
}

}  // namespace objectives::mlp
