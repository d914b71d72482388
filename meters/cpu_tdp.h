// CPU model -> TDP lookup in the shipped table (meters/data/codecarbon_cpu_tdp.csv, from
// CodeCarbon, MIT; see meters/data/README.md). Matching follows CodeCarbon's order: exact
// (case-insensitive) name, then the name with vendor marks and the clock suffix removed
// ("Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz" -> "intel xeon gold 6148"), then a unique
// table entry whose words are all in the CPU name (or the reverse). No match: not found.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hpo/base/result.h"

namespace meters {

struct TdpEntry {
  std::string name;
  double tdp_w = 0.0;
};

class CpuTdpTable {
 public:
  // Reads Name,TDP rows; malformed TDP values (e.g. "27.29.5") are skipped.
  static hpo::Result<CpuTdpTable> load(const std::string& csv_path);
  std::optional<TdpEntry> match(const std::string& cpu_model) const;
  std::size_t size() const { return entries_.size(); }

 private:
  std::vector<TdpEntry> entries_;
  std::vector<std::string> normalized_;
};

// "intel(r) xeon(r) gold 6148 cpu @ 2.40ghz" -> "intel xeon gold 6148".
std::string normalize_cpu_name(const std::string& name);

// From /proc/cpuinfo: the first "model name" (or "Hardware"/"cpu model") and "siblings".
struct CpuInfo {
  std::string model_name;
  std::string vendor_id;  // GenuineIntel, AuthenticAMD
  int family = 0;
  int model = 0;
  int threads_per_package = 0;  // "siblings"; 0 if absent
  int logical_cpus = 0;
};
CpuInfo read_cpuinfo(const std::string& path = "/proc/cpuinfo");

// Shipped data directory: $ECOHPO_DATA_DIR or the compiled-in meters/data.
std::string data_dir();

}  // namespace meters
