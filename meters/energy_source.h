// EnergySource: one way of reading machine energy (rapl, perf, msr, nvml, estimate) behind
// one interface. A source exposes channels (cpu-package-0, dram-0, gpu-1, ...) and returns
// their cumulative joules since it was opened; wraparound is the source's business (each
// source keeps 64-bit accumulators and must be read at least every max_read_interval_s()).
// The AttributingMeter (attributing_meter.h) owns the sources, polls them from its sampling
// thread and splits the deltas between concurrent targets.
//
// Model channels (the estimate) have no counter: they carry a rate and the meter computes
// their energy from each target's CPU time or memory (see ChannelModel).
//
// Thread-safety: a source is used by one thread at a time (the meter serializes calls).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "hpo/base/result.h"

namespace meters {

enum class ChannelKind { kCpu, kDram, kGpu, kOther };

enum class ChannelModel {
  kCounter,         // cumulative joules from read_j()
  kPerCpuSecond,    // rate_w joules per CPU-second of the target (estimate)
  kPerRssGbSecond,  // rate_w joules per GB of resident memory per second (estimate)
};

struct Channel {
  std::string component;  // cpu-package-0, dram-0, gpu-1, cpu, memory
  std::string source;     // rapl, perf, msr, nvml-energy, nvml-power, estimate
  ChannelKind kind = ChannelKind::kCpu;
  int gpu_index = -1;     // kGpu only
  ChannelModel model = ChannelModel::kCounter;
  double rate_w = 0.0;    // model channels only
  bool estimated = false;
  std::string device_uuid;  // kGpu: the GPU's UUID (GPU-...), when the source knows it
};

class EnergySource {
 public:
  virtual ~EnergySource() = default;
  EnergySource() = default;
  EnergySource(const EnergySource&) = delete;
  EnergySource& operator=(const EnergySource&) = delete;

  // rapl, perf, msr, nvml, estimate.
  virtual std::string name() const = 0;
  virtual const std::vector<Channel>& channels() const = 0;
  // Cumulative joules per channel (same order as channels()) since the source was opened.
  // Model channels report 0. An error means this read is lost, not that the source is dead.
  virtual hpo::Result<std::vector<double>> read_j() = 0;
  // Longest safe gap between two reads (wraparound); the meter samples at least this often.
  virtual double max_read_interval_s() const { return 60.0; }
  // One line: what was found, e.g. "rapl(package-0,dram-0)".
  virtual std::string describe() const;
};

// Small helpers shared by the sources (energy_source.cc).
namespace detail {
// Whole file as text, or an error naming the path and the reason (with a hint on EACCES).
hpo::Result<std::string> read_text(const std::string& path, const std::string& what = "");
// Unsigned integer from a sysfs-style file ("12345\n"); the error names the file.
hpo::Result<unsigned long long> read_u64(const std::string& path, const std::string& what = "");
// "open /x: Permission denied" plus, for EACCES/EPERM, how to grant access to `what`.
std::string explain_errno(const std::string& path, int err, const std::string& what);
// Environment variable or the fallback.
std::string env_or(const char* name, const std::string& fallback);
std::string trim(const std::string& s);
}  // namespace detail

}  // namespace meters
