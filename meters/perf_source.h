// RAPL through the perf_event `power` PMU (64-bit counts kept by the kernel: userspace never
// sees a wrap). The PMU type, event configs (events/energy-pkg = "event=0x02"), scales
// (events/energy-pkg.scale, J per count) and the one CPU per socket (cpumask) are read from
// sysfs ($ECOHPO_PERF_SYSFS_ROOT or /sys/bus/event_source/devices/power); each event is
// opened system-wide on those CPUs with perf_event_open. Needs perf_event_paranoid <= 0 or
// CAP_PERFMON. Uses energy-pkg (cpu-package-N) and energy-ram (dram-N); energy-psys (the
// platform, which contains the package) and energy-cores/-gpu (inside it) are not used.
#pragma once

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

class PerfSource : public EnergySource {
 public:
  static std::string default_root();
  static hpo::Result<std::unique_ptr<PerfSource>> open(const std::string& root,
                                                       std::vector<std::string>* notes);
  ~PerfSource() override;
  std::string name() const override { return "perf"; }
  const std::vector<Channel>& channels() const override { return channels_; }
  hpo::Result<std::vector<double>> read_j() override;

 private:
  PerfSource() = default;
  std::vector<int> fds_;
  std::vector<double> scale_;
  std::vector<unsigned long long> first_;
  std::vector<Channel> channels_;
};

}  // namespace meters
