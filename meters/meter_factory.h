// Builds the Meter a study uses from `meters: [auto]` or an explicit list of sources.
// `auto` takes the best readable source per component (CPU: rapl > perf > msr > estimate;
// GPU: nvml when a GPU is present). Every source that was tried and could not be used gets
// one line in `messages` saying why and how to grant access; the estimate is the last resort
// and is labelled as such. Never a silent zero.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "meters/meter.h"

namespace meters {

struct MeterOptions {
  std::vector<std::string> sources{"auto"};  // auto | rapl | perf | msr | nvml | estimate
  double interval_s = 1.0;                   // sampling thread period
  // Test overrides; empty = $ECOHPO_POWERCAP_ROOT or /sys/class/powercap,
  // $ECOHPO_NVML_LIBRARY or libnvidia-ml.so.1.
  std::string powercap_root;
  std::string nvml_library;
  std::string perf_root;  // "" = $ECOHPO_PERF_SYSFS_ROOT or /sys/bus/event_source/devices/power
  std::string msr_root;   // "" = $ECOHPO_MSR_ROOT or /dev/cpu
  // Estimate knobs (used when the estimate is selected): 0 = from the TDP table.
  double cpu_w_per_thread = 0.0;
  double memory_w_per_gb = 0.375;
  bool sampling_thread = true;  // false only in tests that drive sampling themselves
  std::string validate() const;  // "" or the problem
};

struct MeterSetup {
  std::unique_ptr<Meter> meter;
  std::vector<std::string> messages;  // what was tried and why it was not used
};

// Throws std::invalid_argument when an explicitly requested source is unknown, or when
// options do not validate. An explicitly requested source that is unreadable is an error
// too (the user asked for it), with the reason.
MeterSetup make_meter(const MeterOptions& options);

// `ecohpo meters`: one row per source: name, readable here?, why not / what it found.
struct SourceStatus {
  std::string source;
  bool readable = false;
  std::string detail;
};
std::vector<SourceStatus> probe_sources(const MeterOptions& options);

}  // namespace meters
