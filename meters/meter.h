// Meter: measures the energy of one metered target (a trial's process group, or the
// coordinator's own thread while the sampler proposes) between begin() and end().
//
// The executor calls begin() right after it launches a trial, read() at each report (so
// pruners see the energy so far) and end() after the process tree has exited. A meter that
// shares machine-wide counters between concurrent targets attributes them (by CPU time of
// each target's process tree; see docs/metering.md).
//
// Thread-safety: all methods may be called concurrently from several threads.
// Failure: a meter never returns a silent zero; when a counter cannot be read it falls back
// to the estimate and says so in Measurement::notes and ComponentEnergy::estimated.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "meters/measurement.h"

namespace meters {

using MeterHandle = std::uint64_t;

struct MeterTarget {
  // Process group of the trial. 0 means "the calling thread" (used to meter the sampler).
  pid_t pgid = 0;
  std::vector<int> gpu_indices;  // GPUs given to this target (CUDA_VISIBLE_DEVICES)
  std::string cgroup_dir;        // cgroup v2 directory of the trial if one was created
  std::string label;             // e.g. "trial 12"
};

// A GPU this meter measures: its index in the meter's numbering (NVML's, i.e. PCI bus order)
// and its UUID when known. The study hands these out to trials (hpo/gpu_pool.h).
struct GpuDevice {
  int index = -1;
  std::string uuid;  // GPU-xxxxxxxx-...; "" when the source cannot tell
};

class Meter {
 public:
  virtual ~Meter() = default;
  Meter() = default;
  Meter(const Meter&) = delete;
  Meter& operator=(const Meter&) = delete;

  virtual MeterHandle begin(const MeterTarget& target) = 0;
  // Energy so far; the span goes on.
  virtual Measurement read(MeterHandle handle) = 0;
  // Final figures; the handle is released.
  virtual Measurement end(MeterHandle handle) = 0;
  // One line: which sources this meter uses, e.g. "rapl(package-0,dram-0)+nvml(2 GPUs)".
  virtual std::string describe() const = 0;
  // Optional, before end(): the CPU seconds of the target's whole tree as its reaper saw
  // them (wait4's rusage). A meter that attributes by CPU time then charges the last,
  // partial interval exactly even though the processes are gone. Default: ignored.
  virtual void set_final_cpu_s(MeterHandle handle, double cpu_s) {}
  // GPUs with an energy channel in this meter, in index order. Default: none.
  virtual std::vector<GpuDevice> gpus() const { return {}; }
};

}  // namespace meters
