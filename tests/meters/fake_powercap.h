// Test helper: builds fake powercap trees (zone directories with name, energy_uj,
// max_energy_range_uj) under a fresh temporary directory.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace meters_test {

class TempDir {
 public:
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "ecohpo-meters-XXXXXX").string();
    path_ = mkdtemp(t.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline void write_file(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

// zone("intel-rapl:0", "package-0", 1000, 262143328850)
inline void zone(const std::string& root, const std::string& dir, const std::string& name,
                 unsigned long long energy_uj, unsigned long long max_uj = 262143328850ULL) {
  write_file(root + "/" + dir + "/name", name + "\n");
  write_file(root + "/" + dir + "/energy_uj", std::to_string(energy_uj) + "\n");
  write_file(root + "/" + dir + "/max_energy_range_uj", std::to_string(max_uj) + "\n");
}

inline void set_energy(const std::string& root, const std::string& dir, unsigned long long uj) {
  // Write then rename, so a concurrent reader never sees a half-written file.
  const std::string tmp = root + "/" + dir + "/energy_uj.tmp";
  std::ofstream(tmp) << uj << "\n";
  std::filesystem::rename(tmp, root + "/" + dir + "/energy_uj");
}

}  // namespace meters_test
