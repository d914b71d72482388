#include "objectives/mlp/gz_cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <system_error>

#include "objectives/mlp/gz_file.h"

namespace objectives::mlp {
namespace {

constexpr char kMagic[8] = {'E', 'C', 'O', 'G', 'Z', 'C', '1', '\n'};
constexpr std::size_t kHeader = sizeof kMagic + sizeof(std::uint64_t);

std::string hex(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// The entry's bytes when it exists and is whole; otherwise false.
bool read_entry(const std::string& entry, std::string* out) {
  std::FILE* f = std::fopen(entry.c_str(), "rb");
  if (!f) return false;
  char header[kHeader];
  bool ok = std::fread(header, 1, kHeader, f) == kHeader &&
            std::memcmp(header, kMagic, sizeof kMagic) == 0;
  std::uint64_t length = 0;
  if (ok) std::memcpy(&length, header + sizeof kMagic, sizeof length);
  struct stat st {};
  ok = ok && ::fstat(fileno(f), &st) == 0 &&
       static_cast<std::uint64_t>(st.st_size) == kHeader + length;
  if (ok) {
    out->resize(length);
    ok = std::fread(out->data(), 1, length, f) == length;
  }
  std::fclose(f);
  return ok;
}

// Writes the entry through a temporary file renamed into place; false on any failure (the
// temporary file is removed).
bool write_entry(const std::string& entry, const std::string& bytes) {
  const std::string tmp = entry + ".tmp." + std::to_string(::getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return false;
  const std::uint64_t length = bytes.size();
  bool ok = std::fwrite(kMagic, 1, sizeof kMagic, f) == sizeof kMagic &&
            std::fwrite(&length, 1, sizeof length, f) == sizeof length &&
            std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  ok = (std::fclose(f) == 0) && ok;
  if (ok) ok = std::rename(tmp.c_str(), entry.c_str()) == 0;
  if (!ok) std::remove(tmp.c_str());
  return ok;
}

}  // namespace

std::string cache_entry_path(const std::string& path, const std::string& cache_dir) {
  if (cache_dir.empty()) return "";
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  std::error_code ec;
  const std::string absolute = std::filesystem::absolute(path, ec).lexically_normal().string();
  const std::uint64_t key = std::hash<std::string>{}(absolute) ^
                            (static_cast<std::uint64_t>(st.st_ino) * 0x9E3779B97F4A7C15ull);
  const std::uint64_t mtime_ns = static_cast<std::uint64_t>(st.st_mtim.tv_sec) * 1000000000ull +
                                 static_cast<std::uint64_t>(st.st_mtim.tv_nsec);
  std::string name = std::filesystem::path(path).filename().string();
  if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0) name.resize(name.size() - 3);
  return cache_dir + "/" + name + "." + hex(key) + "." + hex(static_cast<std::uint64_t>(st.st_size)) +
         "." + hex(mtime_ns) + ".raw";
}

std::string read_gz_file_cached(const std::string& path, const std::string& cache_dir) {
  const std::string entry = cache_entry_path(path, cache_dir);
  if (entry.empty()) return read_gz_file(path);
  std::string bytes;
  if (read_entry(entry, &bytes)) return bytes;
  bytes = read_gz_file(path);
  std::error_code ec;
  std::filesystem::create_directories(cache_dir, ec);
  if (!ec) write_entry(entry, bytes);  // best effort: a read-only cache only costs time
  return bytes;
}

std::string default_cache_dir() {
  if (const char* d = std::getenv("ECOHPO_CACHE_DIR")) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/ecohpo";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/ecohpo";
  return "";
}

}  // namespace objectives::mlp
