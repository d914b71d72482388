// RAPL through the perf_event `power` PMU (64-bit counts kept by the kernel: userspace never
// sees a wrap). The PMU type, event configs (events/energy-pkg = "event=0x02"), scales
// (events/energy-pkg.scale, J per count) and the one CPU per socket (cpumask) are read from
// sysfs ($ECOHPO_PERF_SYSFS_ROOT or /sys/bus/event_source/devices/power); each event is
// opened system-wide on those CPUs with perf_event_open. Needs perf_event_paranoid <= 0 or
// CAP_PERFMON. Uses energy-pkg (cpu-package-N) and energy-ram (dram-N); when the PMU has no
// energy-pkg, energy-psys (the whole platform, component platform-N: laptops, some VMs) is
// used instead. psys contains the package and energy-cores/-gpu are inside it, so they are
// never added to it.
// A probe at open reads the counters while this thread spins (at most probe_s): a counter
// that does not advance is refused as "opened but not counting (emulated PMU?)" (a VM's
// emulated power PMU opens fine and reads 0 forever), so the factory tries the next source
// instead of recording a silent zero. The syscalls go through PerfEventOps so tests can
// replace them; the default is the real perf_event_open/read/close.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "meters/energy_source.h"

namespace meters {

struct PerfEvent {
  std::string name;  // energy-pkg
  unsigned long long config = 0;
  double scale_j = 0.0;
};
struct PerfPmu {
  int type = -1;
  std::vector<int> cpus;  // one per socket
  std::vector<PerfEvent> events;
};
// Parses the PMU's sysfs files; the error names the file. Exposed for tests.
hpo::Result<PerfPmu> read_power_pmu(const std::string& root);
// "0,36" / "0-1" -> {0, 36} / {0, 1}.
std::vector<int> parse_cpu_list(const std::string& text);

// The three calls PerfSource makes on events. system() is the kernel: perf_event_open with
// pid -1 (all processes) on one CPU, an 8-byte read of the count, close.
struct PerfEventOps {
  // fd, or -errno.
  std::function<int(int type, unsigned long long config, int cpu)> open_event;
  // false (errno set) when the read fails.
  std::function<bool(int fd, unsigned long long* count)> read_count;
  std::function<void(int fd)> close_event;
  static PerfEventOps system();
};

class PerfSource : public EnergySource {
 public:
  struct Options {
    double probe_s = 0.002;  // longest busy probe for advancing counters (RAPL updates ~1 kHz); 0 = no probe
    PerfEventOps ops = PerfEventOps::system();
  };
  static std::string default_root();
  static hpo::Result<std::unique_ptr<PerfSource>> open(const std::string& root,
                                                       std::vector<std::string>* notes);
  static hpo::Result<std::unique_ptr<PerfSource>> open(const std::string& root,
                                                       std::vector<std::string>* notes,
                                                       const Options& options);
  ~PerfSource() override;
  std::string name() const override { return "perf"; }
  const std::vector<Channel>& channels() const override { return channels_; }
  hpo::Result<std::vector<double>> read_j() override;

 private:
  PerfSource() = default;
  hpo::Result<void> probe(double probe_s, const std::vector<std::string>& what);
  PerfEventOps ops_;
  std::vector<int> fds_;
  std::vector<double> scale_;
  std::vector<unsigned long long> first_;
  std::vector<Channel> channels_;
};

}  // namespace meters
