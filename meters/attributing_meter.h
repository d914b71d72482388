// AttributingMeter: the Meter behind `meters: [...]`. One sampling thread (interval_s,
// default 1 s, and always within every source's wraparound limit) reads every source's
// cumulative counters and splits each interval's energy between the targets running in it:
//   - cpu/dram/other counter channels: by each target's share of the machine's busy CPU
//     time over the interval (max of /proc/stat busy time and the sum of the targets'),
//     the CPU time being that of the target's whole process tree (/proc scan of the process
//     group and its descendants), of its cgroup v2 (cpu.stat), or of one thread (pgid 0);
//   - gpu channels: each target is charged the GPUs in its gpu_indices (split evenly if
//     two targets hold the same GPU);
//   - estimate channels: CPU seconds x W per thread, resident GB x W per GB.
// What no target is charged (idle, other processes, GPUs nobody holds) accumulates in
// idle_j() and per component in machine(). Each target gets a power trace (one sample per
// interval). Method and limits: docs/metering.md.
//
// Thread-safety: every public method may be called from any thread.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "meters/energy_source.h"
#include "meters/meter.h"
#include "meters/process_cpu.h"

namespace meters {

class AttributingMeter final : public Meter {
 public:
  struct Options {
    double interval_s = 1.0;       // sampling period (shortened to the sources' wrap limit)
    bool sampling_thread = true;   // false: only begin/read/end/sample_now sample (tests)
    std::string proc_root = "/proc";
    double min_read_gap_s = 0.05;  // read() samples again only after this gap
    std::string validate() const;  // "" or the problem
  };

  // `notes` (from source selection) are copied into every Measurement.
  AttributingMeter(std::vector<std::unique_ptr<EnergySource>> sources, Options options,
                   std::vector<std::string> notes = {});
  ~AttributingMeter() override;

  MeterHandle begin(const MeterTarget& target) override;
  Measurement read(MeterHandle handle) override;
  Measurement end(MeterHandle handle) override;
  std::string describe() const override;
  void set_final_cpu_s(MeterHandle handle, double cpu_s) override;
  std::vector<GpuDevice> gpus() const override;

  // Energy charged to no target since construction, joules (all components).
  double idle_j() const;
  // Whole-machine energy per component since construction; duration_s is the elapsed time;
  // a component "unattributed" holds idle_j().
  Measurement machine() const;
  // Takes one sample now (the sampling thread does this every interval).
  void sample_now();
  double interval_s() const { return interval_s_; }

 private:
  struct Flat {
    std::size_t source = 0;
    Channel channel;
  };
  struct Target {
    MeterTarget spec;
    double begin_s = 0.0;        // steady seconds
    double begin_cpu_s = 0.0;    // cumulative CPU at begin
    double last_cpu_s = 0.0;     // cumulative CPU at the last sample
    double cpu_s = 0.0;          // attributed CPU seconds so far
    double last_sample_s = 0.0;
    double last_rss_bytes = 0.0;   // memory estimate for the interval a tree exits in
    bool has_clock = false;
    clockid_t clock{};
    bool vanished = false;
    std::optional<double> final_cpu_s;
    std::vector<double> energy_j;  // per flat channel
    std::vector<PowerSample> trace;
    std::vector<std::string> notes;
  };

  void sample_locked(double now_s);
  double cpu_now_locked(Target& t, double* rss_bytes, bool* vanished);
  Measurement measurement_locked(const Target& t, double now_s) const;
  void loop();

  std::vector<std::unique_ptr<EnergySource>> sources_;
  Options options_;
  double interval_s_ = 1.0;
  std::vector<std::string> notes_;
  std::vector<Flat> flat_;

  mutable std::mutex mu_;
  std::map<MeterHandle, Target> targets_;
  MeterHandle next_handle_ = 1;
  std::vector<double> last_j_, machine_j_, idle_by_channel_j_;
  std::vector<std::string> source_errors_;  // last error per source ("" when fine)
  double start_s_ = 0.0, last_sample_s_ = 0.0;
  double last_busy_s_ = -1.0;
  double last_children_s_ = 0.0;
  ProcessTable table_;
  bool scanned_ = false;  // table_ is fresh for this sample

  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

double steady_now_s();

}  // namespace meters
